/**
 * Subscription: the seats of one Microsoft 365 licence in a CSP2 tenant.
 *
 * - check (check.ts): the declaration (inputs.ts), the live rules with GETs only (rules.ts, seats.ts), billing.
 * - diff (diff.ts): replace (tenant, licence, parent, adopted id) or change in place (quantity, settings).
 * - create (create.ts): order (order.ts: never twice) or adopt an existing subscription (no order).
 * - read (read.ts), update (update.ts: seat change), delete (remove.ts: cancel or retain).
 * - An order OVH may hold without having confirmed it stays in state as a pending order (pending.ts).
 *
 * Resource id: `<tenant>/<subscriptionId>` (a `pending-order:...` marker while an order is unconfirmed; Pulumi
 * never changes an id through update, so a resource created through that path keeps the marker as its id and
 * `subscriptionId` is the authoritative reference).
 */
import type { ResourceHandler } from "../types";
import { check, replacementKeys } from "./check";
import { create } from "./create";
import { diff } from "./diff";
import type { SubscriptionInputs } from "./inputs";
import { inputsFrom, priced, type SubscriptionOutputs } from "./outputs";
import { pendingOf } from "./pending";
import { read } from "./read";
import { remove } from "./remove";
import { update } from "./update";

export {
  DELETION_POLICIES,
  parseResourceId,
  resourceId,
  SubscriptionInputsSchema,
  type DeletionPolicy,
  type SubscriptionInputs,
} from "./inputs";
export { PENDING_STATUS, type SubscriptionOutputs } from "./outputs";
export { PENDING_ORDER_PREFIX } from "../orderOnce";

export const subscriptionHandler: ResourceHandler<SubscriptionInputs, SubscriptionOutputs> = {
  check,
  diff,
  create: async (inputs, ctx) => {
    const result = await create(inputs, ctx);
    return { ...result, outs: await priced(ctx, result.outs) };
  },
  read: async (id, olds, ctx) => {
    const result = await read(id, olds, ctx);
    return result.props && result.props.subscriptionId !== null
      ? { ...result, props: await priced(ctx, result.props) }
      : result;
  },
  // A pending order's outputs have no subscription to price.
  update: async (id, olds, news, ctx) => {
    const outs = await update(id, olds, news, ctx);
    return outs.subscriptionId === null ? outs : priced(ctx, outs);
  },
  delete: remove,
};

/** Exposed for unit tests of the decision logic. */
export const internals = { replacementKeys, pendingOf, inputsFrom };
