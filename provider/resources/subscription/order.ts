/**
 * Ordering a new subscription and knowing which subscription the order produced, without ever ordering twice.
 *
 * OVH's order calls (`POST subscription`, `orderAddon`) answer with a task, not with the new subscription, and
 * are not idempotent: sending one twice bills twice. The order-once kernel (`../orderOnce.ts`) says when OVH may
 * have acted and what counts as proof; this module applies it to a subscription (the mechanics are in
 * evidence.ts):
 *
 * 1. Under a lock per (tenant, licence) (plus the parent subscription for an add-on), snapshot the tenant's
 *    subscription ids (the parent's add-on ids for an add-on) and pending task ids, then send ONE order.
 * 2. Answer received: follow the task (error/cancelled → nothing was ordered, the create fails and Pulumi records
 *    nothing). The product is the id absent from the snapshot with the ordered licence (only one, or the only one
 *    with the ordered quantity; ambiguity is an error, never a guess).
 * 3. Answer lost (the kernel's "may have acted"): LOOK with backoff for up to the look window: a new subscription
 *    of the licence since the snapshot → taken; a new order-like task → followed, then look again.
 * 4. Still nothing, or the task could not be followed to its end: `UnconfirmedOrder`. The caller records it in
 *    state as a pending order (`pending-order:<tenant>:<licenceId>:<epoch ms>`), which the next run settles
 *    (pending.ts) instead of ordering again.
 *
 * Residual risk: an order lost for good while a later, identical order (same licence, same quantity) of another
 * resource lands in the same tenant could be taken for it; that leaves one subscription for two resources (too
 * few seats, never a double bill).
 */
import type { OfficeSubscription, OfficeTask } from "../../api/csp2";
import { errorText, inContext } from "../errors";
import {
  describeDuration,
  orderLookWindowMs,
  pendingOrderGraceMs,
  pendingOrderMarker,
  sendBilledCall,
  UnconfirmedOrderError,
} from "../orderOnce";
import { TaskFailedError, waitForTask } from "../tasks";
import type { ResourceContext } from "../types";
import {
  claimSubscription,
  lookForOrder,
  sendOrder,
  takeSnapshot,
  type OrderEvidence,
  type OrderIntent,
  type OrderSnapshot,
} from "./evidence";
import { refusalHint } from "./live";

/** An order OVH may hold without having confirmed it: what a later run needs to look for it. */
export interface PendingOrder {
  readonly marker: string;
  readonly snapshot: OrderSnapshot;
  readonly taskId: number | null;
}

/** Thrown inside the order logic: OVH may hold the order; the caller records it as a partial create. */
export class UnconfirmedOrder extends UnconfirmedOrderError<PendingOrder> {
  constructor(message: string, pending: PendingOrder) {
    super(message, pending.marker, pending);
  }

  get pending(): PendingOrder {
    return this.record;
  }
}

/**
 * Sends ONE order and identifies its subscription (the caller holds the order locks). Calls: 2 GETs (snapshot) +
 * 1 POST + the task's polls (about 3 for a 1 s task, 8 for a minute, see poller.ts) + 1 GET of the list + 1 GET per
 * new id of unknown licence (1 normally). Throws UnconfirmedOrder when OVH may hold an order it did not confirm,
 * a plain error when nothing was ordered.
 */
export async function orderAndIdentify(
  ctx: ResourceContext,
  intent: OrderIntent,
): Promise<OfficeSubscription> {
  const label = describeIntent(intent);
  let snapshot: OrderSnapshot;
  try {
    snapshot = await takeSnapshot(ctx, intent);
  } catch (error) {
    throw inContext(`Preparing the order of ${label} (nothing was ordered)`, error);
  }
  const marker = pendingOrderMarker(intent.tenant, intent.licence.id, Date.parse(snapshot.orderedAt));
  ctx.log?.info(`Ordering ${label}.`);
  const sent = await sendBilledCall(
    () => sendOrder(ctx, intent),
    (error) =>
      inContext(`Ordering ${label} was refused by OVH; nothing was ordered`, error, refusalHint(error)),
  );
  if (sent.kind === "mayHaveActed") {
    ctx.log?.warn(
      `The answer to the order of ${label} could not be used (${errorText(sent.error)}); OVH may have taken it: looking at OVH before anything else.`,
    );
    return await recoverLostAnswer(ctx, intent, { marker, snapshot, taskId: null }, sent.error);
  }
  const task = sent.answer;
  let finished: OfficeTask;
  try {
    finished = await waitForTask(ctx, intent.tenant, task);
  } catch (error) {
    if (error instanceof TaskFailedError)
      throw inContext(`Ordering ${label} failed at OVH; nothing was ordered`, error);
    throw new UnconfirmedOrder(
      `OVH accepted the order of ${label} (task ${task.id}, ${task.function}), but it could not be followed to its end: ${errorText(error)}`,
      { marker, snapshot, taskId: task.id },
    );
  }
  // The task is done: look for its subscription (normally found at the first look; the window only covers a
  // list that lags behind the task).
  const pending: PendingOrder = { marker, snapshot, taskId: task.id };
  const evidence = await lookOrUnconfirmed(ctx, intent, pending, orderLookWindowMs(), finished);
  if (evidence.kind === "subscription") return evidence.subscription;
  throw new UnconfirmedOrder(
    `OVH finished the order of ${label} (task ${task.id}), but the new subscription is not visible yet${ignoredText(evidence)}`,
    pending,
  );
}

async function recoverLostAnswer(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  cause: unknown,
): Promise<OfficeSubscription> {
  const evidence = await lookOrUnconfirmed(ctx, intent, pending, orderLookWindowMs());
  if (evidence.kind === "subscription") {
    ctx.log?.info(
      `The order of ${describeIntent(intent)} did reach OVH: subscription ${evidence.subscription.id} (${evidence.because}).`,
    );
    return evidence.subscription;
  }
  throw new UnconfirmedOrder(
    `The answer to the order of ${describeIntent(intent)} could not be used (${errorText(cause)}), and OVH shows no trace of it yet${ignoredText(evidence)}`,
    pending,
  );
}

/**
 * lookForOrder from the operation that sent the order (it holds the order locks), where anything but the product
 * becomes "unconfirmed" (the order may exist): a failure to look, a failed task (only from the order's own task,
 * which the caller follows itself), or several candidates.
 */
async function lookOrUnconfirmed(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  windowMs: number,
  finishedTask?: OfficeTask,
): Promise<OrderEvidence> {
  let evidence: OrderEvidence;
  // An order-like task found after a lost answer is recorded as the order's, so a later run can prove its product.
  let seenTaskId = pending.taskId;
  try {
    evidence = await lookForOrder(ctx, intent, pending.snapshot, {
      taskId: pending.taskId,
      ...(finishedTask ? { finishedTask } : {}),
      windowMs,
      sameOperation: true,
      onOrderTask: (task) => {
        seenTaskId ??= task.id;
      },
    });
  } catch (error) {
    throw new UnconfirmedOrder(
      `Looking for the order of ${describeIntent(intent)} failed: ${errorText(error)}`,
      { ...pending, taskId: seenTaskId },
    );
  }
  if (evidence.kind === "subscription") claimSubscription(intent.tenant, evidence.subscription.id);
  if (evidence.kind === "doubt")
    throw new UnconfirmedOrder(
      `Several new subscriptions could be the product of the order of ${describeIntent(intent)}: ${evidence.candidates.join("; ")}. ` +
        "They were probably ordered at the same time outside this Pulumi run; the provider does not guess",
      { ...pending, taskId: seenTaskId },
    );
  if (evidence.kind === "none" && seenTaskId !== pending.taskId)
    throw new UnconfirmedOrder(
      `OVH ran an order task (${seenTaskId}) for the order of ${describeIntent(intent)}, but its subscription is not visible yet`,
      { ...pending, taskId: seenTaskId },
    );
  return evidence;
}

/** " (not taken: …)" for new subscriptions that contradict the order, so the user sees what was seen. */
function ignoredText(evidence: OrderEvidence): string {
  return evidence.kind === "none" && evidence.ignored.length > 0
    ? ` (new subscriptions seen but not taken, as they contradict the order: ${evidence.ignored.join("; ")})`
    : "";
}

export function describeIntent(intent: OrderIntent): string {
  const on =
    intent.parentSubscriptionId === null
      ? ""
      : ` as an add-on of subscription ${intent.parentSubscriptionId}`;
  return `${intent.quantity} seat(s) of "${intent.licence.name}" (licence ${intent.licence.id}) on tenant ${intent.tenant}${on}`;
}

/** The partial-create message: why the resource is kept as a marker, and what the next run does. */
export function unconfirmedText(error: UnconfirmedOrder): string {
  return (
    `${error.message}.\nThe resource is kept in the Pulumi state as ${error.pending.marker} so that the order is never sent twice: ` +
    `the next \`pulumi up\` (or \`pulumi refresh\`) looks for it again at OVH and takes it only with proof that it is this order's; ` +
    `it orders again only when OVH shows no trace of this order ${describeDuration(pendingOrderGraceMs())} after it was sent, or its task failed. ` +
    "If you know which subscription this order produced, set existingSubscriptionId to its id on this resource and run `pulumi up`."
  );
}
