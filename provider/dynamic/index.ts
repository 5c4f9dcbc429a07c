/**
 * What the serialized dynamic provider calls at run time (`require("pulumi-ovh-office365-reseller/dynamic")`
 * inside each method). Keeps the state-stored closure tiny and credential-free: credentials are read here,
 * in the provider process, from stack config (`ovh:*`) and the environment.
 */
import { handlerFor } from "../resources/registry";
import { PartialCreateError } from "../resources/errors";
import { resourceContext, type PulumiConfigLookup } from "../runtime/context";
import { AMOUNTS_KEY, BILLING_KEY, STATE_AMOUNTS_KEY } from "../runtime/billingKeys";
import { TIMEOUTS_KEY, timeoutFor } from "../runtime/timeouts";
import { detailedDiffOf } from "../native/provider";
import { installDiffDetail, withDiffDetail } from "./hostDiff";
import { hostLog, installUrnCapture } from "./hostLog";

// This module is loaded inside Pulumi's dynamic-provider host: give its Diff answers the detail (hostDiff.ts),
// and its messages the resource they concern (hostLog.ts).
installDiffDetail();
installUrnCapture();

type Props = Record<string, unknown>;

let configLookup: PulumiConfigLookup | undefined;

/** Called once per provider process with the whole stack configuration (secrets decrypted). */
export function configure(get: (key: string) => string | undefined): void {
  configLookup = (key) => get(`ovh:${key}`);
}

/** Drops the adapter's own keys (`__provider`, `__timeouts`) before the resource logic sees the inputs. */
function userProps(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !key.startsWith("__")));
}

function keepTimeouts(from: Props | undefined, into: Props): Props {
  const timeouts = from?.[TIMEOUTS_KEY];
  return timeouts === undefined ? into : { ...into, [TIMEOUTS_KEY]: timeouts };
}

/**
 * A subscription's current monthly amounts, kept in its outputs: in a preview, an unchanged subscription's
 * outputs are its state, so its share of billingSummary() is known without calling OVH (a changed one's comes
 * from check, above).
 */
function withAmounts(kind: string, outs: Props): Props {
  if (kind !== "Subscription") return outs;
  const price = outs.monthlyPrice;
  const currency = outs.currency;
  const amounts =
    typeof price === "number" && typeof currency === "string"
      ? { monthlyBefore: price, monthlyAfter: price, currency }
      : { missing: true };
  return { ...outs, [STATE_AMOUNTS_KEY]: amounts };
}

export async function check(kind: string, olds: Props, news: Props) {
  const result = await handlerFor(kind).check(
    news,
    resourceContext(configLookup, undefined, hostLog),
    userProps(olds),
  );
  if (result.failures.length > 0) return { inputs: news, failures: result.failures };
  const inputs = keepTimeouts(news, result.inputs ?? {});
  // Billing notes ride on the checked inputs: Pulumi previews a dynamic resource's create/update with its
  // checked inputs as outputs, where the SDK class finds them and logs them on the resource (sdk/billingNotes.ts).
  // During `up` the outputs are the real ones: the notes are never stored as outputs.
  const notes = result.notes ?? [];
  // A change that bills but has no price still takes part in the total, as "not counted".
  const amounts = result.amounts ?? (notes.length > 0 ? { missing: true } : undefined);
  return {
    inputs: {
      ...inputs,
      ...(notes.length > 0 ? { [BILLING_KEY]: notes } : {}),
      ...(amounts ? { [AMOUNTS_KEY]: amounts } : {}),
    },
    failures: [],
  };
}

export async function diff(kind: string, id: string, olds: Props, news: Props) {
  const prior = userProps(olds);
  const next = userProps(news);
  const result = handlerFor(kind).diff(id, prior, next);
  const detail = detailedDiffOf(kind, result, prior, next);
  return withDiffDetail(
    {
      changes: result.changes,
      replaces: detail.replaces,
      deleteBeforeReplace: result.deleteBeforeReplace ?? false,
    },
    detail,
  );
}

export async function create(kind: string, inputs: Props) {
  const ctx = resourceContext(configLookup, timeoutFor(inputs, "create"), hostLog);
  try {
    const result = await handlerFor(kind).create(userProps(inputs), ctx);
    return { id: result.id, outs: keepTimeouts(inputs, withAmounts(kind, result.outs as Props)) };
  } catch (error) {
    throw asPartialFailure(error, inputs);
  }
}

/**
 * Pulumi records a resource whose create or update raised an error carrying `id` (an "initialization error"):
 * the next `up` updates it instead of creating it again, which is how an unconfirmed order is never re-sent.
 * Its properties must keep `__provider`, or refresh and delete could not run.
 */
function asPartialFailure(error: unknown, inputs: Props): unknown {
  if (!(error instanceof PartialCreateError)) return error;
  return Object.assign(new Error(error.message), {
    id: error.id,
    properties: keepTimeouts(inputs, { ...(error.properties as Props), __provider: inputs.__provider }),
    reasons: error.reasons,
  });
}

export async function read(kind: string, id: string, props: Props | undefined) {
  const ctx = resourceContext(configLookup, timeoutFor(props, "update"), hostLog);
  const result = await handlerFor(kind).read(id, props ? userProps(props) : undefined, ctx);
  if (result.id === undefined) return { id: undefined, props: {} };
  return {
    id: result.id,
    props: keepTimeouts(props, withAmounts(kind, (result.props ?? {}) as Props)),
    inputs: result.inputs === undefined ? undefined : keepTimeouts(props, result.inputs),
  };
}

export async function update(kind: string, id: string, olds: Props, news: Props) {
  const ctx = resourceContext(configLookup, timeoutFor(news, "update"), hostLog);
  try {
    const outs = await handlerFor(kind).update(id, userProps(olds), userProps(news), ctx);
    return { outs: keepTimeouts(news, withAmounts(kind, outs as unknown as Props)) };
  } catch (error) {
    throw asPartialFailure(error, news);
  }
}

export async function remove(kind: string, id: string, props: Props) {
  const ctx = resourceContext(configLookup, timeoutFor(props, "delete"), hostLog);
  await handlerFor(kind).delete(id, userProps(props), ctx);
}
