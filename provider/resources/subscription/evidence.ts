/**
 * The evidence behind ordering a subscription exactly once: the snapshot taken before ordering, the order call
 * itself, and the "look" that finds what an order produced (normally, or after OVH's answer was lost). The flow
 * that uses them is in `order.ts`, the general protocol in `../orderOnce.ts`; this module holds the
 * subscription-specific mechanics (what a snapshot is, what counts as a candidate, its contradictions and proof).
 */
import * as csp2 from "../../api/csp2";
import type { OfficeSubscription, OfficeTask } from "../../api/csp2";
import { isGoneAtOvh } from "../../ovh/errors";
import type { OvhRequester } from "../../ovh/request";
import type { Licence } from "../licences";
import { lockKeys } from "../keyedLock";
import { claim, claimKeys, decideProduct, isClaimed, type ProductCandidate } from "../orderOnce";
import { pollUntilSettled, PollTimeoutError } from "../poller";
import { TaskFailedError, waitForTask } from "../tasks";
import type { ResourceContext } from "../types";

/** What is (or was) being ordered. */
export interface OrderIntent {
  readonly tenant: string;
  readonly licence: Licence;
  readonly quantity: number;
  /** Set for an add-on, ordered with `orderAddon` on this subscription. */
  readonly parentSubscriptionId: number | null;
}

/** What existed right before the order was sent; anything new afterwards is a candidate. */
export interface OrderSnapshot {
  /** The tenant's subscription ids, or, for an add-on, the parent's add-on subscription ids. */
  readonly subscriptionIds: readonly number[];
  /** The tenant's pending task ids. */
  readonly taskIds: readonly number[];
  /** Local time right before the order was sent (ISO 8601). */
  readonly orderedAt: string;
}

/** What a look at OVH found about an order. */
export type OrderEvidence =
  /** The order's product, and why we know (see `decideProduct`). */
  | { readonly kind: "subscription"; readonly subscription: OfficeSubscription; readonly because: string }
  /** The order's own task ended in error or was cancelled: OVH did not create (nor bill) anything. */
  | { readonly kind: "failed"; readonly task: OfficeTask }
  /** New subscriptions that could be the product, none provably: the caller stops and names them. */
  | { readonly kind: "doubt"; readonly candidates: readonly string[] }
  /** Nothing new that could be the product (`ignored`: new ones that contradict the order), no order task running. */
  | { readonly kind: "none"; readonly ignored: readonly string[] };

/** Keys serialising orders of one licence on one tenant (and tasks on an add-on's parent). */
export function orderLockKeys(intent: OrderIntent): string[] {
  const keys = [lockKeys.licenceOrder(intent.tenant, intent.licence.id)];
  if (intent.parentSubscriptionId !== null)
    keys.push(lockKeys.subscription(intent.tenant, intent.parentSubscriptionId));
  return keys;
}

/** 2 GETs (in parallel): the ids to compare with after ordering. */
export async function takeSnapshot(ctx: ResourceContext, intent: OrderIntent): Promise<OrderSnapshot> {
  const [subscriptionIds, taskIds] = await Promise.all([
    listCandidateIds(ctx, intent),
    csp2.listTasks(ctx.ovh, intent.tenant),
  ]);
  return { subscriptionIds, taskIds, orderedAt: new Date().toISOString() };
}

/** The one mutating call of an order: `POST subscription` or `POST subscription/{parent}/orderAddon`. */
export function sendOrder(ctx: ResourceContext, intent: OrderIntent): Promise<OfficeTask> {
  const order = { licenseId: intent.licence.id, quantity: intent.quantity };
  return intent.parentSubscriptionId === null
    ? csp2.createSubscription(ctx.ovh, intent.tenant, order)
    : csp2.orderSubscriptionAddon(ctx.ovh, intent.tenant, intent.parentSubscriptionId, order);
}

// ---------------------------------------------------------------------------------------------------------
// Subscriptions a resource of this run holds are never offered to another one (see orderOnce.ts)

export function claimSubscription(tenant: string, subscriptionId: number): void {
  claim(claimKeys.subscription(tenant, subscriptionId));
}

export function isClaimedSubscription(tenant: string, subscriptionId: number): boolean {
  return isClaimed(claimKeys.subscription(tenant, subscriptionId));
}

/** A subscription's licence never changes: remembered so repeated looks do not GET the same ids again. */
const licenceOfSubscription = new WeakMap<OvhRequester, Map<string, number>>();

function rememberLicence(ctx: ResourceContext, tenant: string, subscription: OfficeSubscription): void {
  let map = licenceOfSubscription.get(ctx.ovh);
  if (!map) {
    map = new Map();
    licenceOfSubscription.set(ctx.ovh, map);
  }
  map.set(`${tenant}/${subscription.id}`, subscription.licenseId);
}

function knownLicence(ctx: ResourceContext, tenant: string, subscriptionId: number): number | undefined {
  return licenceOfSubscription.get(ctx.ovh)?.get(`${tenant}/${subscriptionId}`);
}

// ---------------------------------------------------------------------------------------------------------
// Looking for the product of an order

function listCandidateIds(ctx: ResourceContext, intent: OrderIntent): Promise<number[]> {
  return intent.parentSubscriptionId === null
    ? csp2.listSubscriptions(ctx.ovh, intent.tenant)
    : csp2.listAddonSubscriptionIds(ctx.ovh, intent.tenant, intent.parentSubscriptionId);
}

/** Task functions that can never be an order (quantity changes, cancellations, tenant chores). */
const NOT_AN_ORDER = /quantity|delete|cancel|terminate|domain|password/i;

type LookResult = OrderEvidence | { readonly kind: "task"; readonly task: OfficeTask };

/** How a look relates to the order: in the operation that sent it, and the order's own finished task if known. */
interface LookScope {
  readonly sameOperation: boolean;
  readonly orderTask: OfficeTask | undefined;
}

/**
 * One look: new subscriptions of the licence since the snapshot (1 GET for the list + 1 GET per new id whose
 * licence is not known yet), then, if none could be the product, order-like tasks started since the snapshot
 * (1 GET for the list + 1 GET per new task id).
 */
async function lookOnce(
  ctx: ResourceContext,
  intent: OrderIntent,
  snapshot: OrderSnapshot,
  followedTasks: ReadonlySet<number>,
  scope: LookScope,
): Promise<LookResult> {
  const before = new Set(snapshot.subscriptionIds);
  const fresh = (await listCandidateIds(ctx, intent)).filter(
    (id) => !before.has(id) && !isClaimedSubscription(intent.tenant, id),
  );
  const candidates: OfficeSubscription[] = [];
  for (const id of fresh) {
    const licenceId = knownLicence(ctx, intent.tenant, id);
    if (licenceId !== undefined && licenceId !== intent.licence.id) continue;
    let subscription: OfficeSubscription;
    try {
      subscription = await csp2.getSubscription(ctx.ovh, intent.tenant, id);
    } catch (error) {
      if (isGoneAtOvh(error)) continue;
      throw error;
    }
    rememberLicence(ctx, intent.tenant, subscription);
    if (subscription.licenseId === intent.licence.id) candidates.push(subscription);
  }
  const decision = decideProduct(
    describeCandidates(intent, candidates, scope.orderTask),
    scope.sameOperation,
  );
  if (decision.kind === "ours")
    return { kind: "subscription", subscription: decision.object, because: decision.because };
  if (decision.kind === "doubt") return decision;

  const knownTasks = new Set(snapshot.taskIds);
  const newTasks = (await csp2.listTasks(ctx.ovh, intent.tenant)).filter(
    (id) => !knownTasks.has(id) && !followedTasks.has(id),
  );
  for (const id of newTasks) {
    let task: OfficeTask;
    try {
      task = await csp2.getTask(ctx.ovh, intent.tenant, id);
    } catch (error) {
      if (isGoneAtOvh(error)) continue;
      throw error;
    }
    if (!NOT_AN_ORDER.test(task.function) && (task.status === "todo" || task.status === "doing"))
      return { kind: "task", task };
  }
  return decision;
}

/** How far a subscription's creation date may lie outside its order task's dates (clock and rounding). */
const TASK_WINDOW_SLACK_MS = 2 * 60_000;

/**
 * The candidates as the order-once kernel sees them: a seat count other than the ordered one contradicts the
 * order (OVH creates what was ordered; seats changed later come with a later task); a creation date inside the
 * window of the order's own finished task is proof, when it is the only one.
 */
export function describeCandidates(
  intent: OrderIntent,
  candidates: readonly OfficeSubscription[],
  orderTask: OfficeTask | undefined,
): ProductCandidate<OfficeSubscription>[] {
  const start = orderTask ? Date.parse(orderTask.todoDate) : NaN;
  const end = orderTask?.finishDate ? Date.parse(orderTask.finishDate) : NaN;
  const inWindow = (s: OfficeSubscription): boolean => {
    const created = Date.parse(s.creationDate);
    return (
      Number.isFinite(start) &&
      Number.isFinite(end) &&
      Number.isFinite(created) &&
      created >= start - TASK_WINDOW_SLACK_MS &&
      created <= end + TASK_WINDOW_SLACK_MS
    );
  };
  const sameQuantity = candidates.filter((s) => s.quantity === intent.quantity);
  const provable = sameQuantity.filter(inWindow);
  return candidates.map((s) => ({
    object: s,
    label: `subscription ${s.id} (${s.quantity} seat(s), created ${s.creationDate})`,
    ...(s.quantity === intent.quantity
      ? {}
      : { contradiction: `it has ${s.quantity} seat(s) where ${intent.quantity} were ordered` }),
    ...(provable.length === 1 && provable[0] === s && orderTask
      ? { proof: `it was created while the order's own task ${orderTask.id} ran` }
      : {}),
  }));
}

export interface LookOptions {
  /** The order's own task, when OVH answered with it: followed first; its dates can prove a candidate. */
  readonly taskId?: number | null;
  /** The order's own task, already followed to `done` by the caller (saves looking it up again). */
  readonly finishedTask?: OfficeTask;
  /**
   * True while the operation that sent the order holds its locks (no other resource of this run can have ordered
   * the same licence meanwhile); false for a later run looking for an unconfirmed order.
   */
  readonly sameOperation: boolean;
  /**
   * Told about an order-like task the look found and starts following (the order's own task, when the answer
   * was lost and the look runs in the operation that sent the order), so the caller can record it even if the
   * look then fails: a later run can then prove the product by that task's dates.
   */
  readonly onOrderTask?: (task: OfficeTask) => void;
  /** How long to keep looking when nothing shows yet (0 = a single look). */
  readonly windowMs: number;
  /** Upper bound when following a task that is still running. */
  readonly taskTimeoutMs?: number;
}

/**
 * Looks for what an order produced. Follows the order's task when known, then looks (immediately, then with
 * the poller's backoff for up to `windowMs`) for a new subscription of the licence; an order-like task started
 * since the snapshot is followed to its end before looking again. Read-only: never orders anything. What is found
 * is judged by the order-once kernel's rule (`decideProduct`).
 */
export async function lookForOrder(
  ctx: ResourceContext,
  intent: OrderIntent,
  snapshot: OrderSnapshot,
  options: LookOptions,
): Promise<OrderEvidence> {
  const followed = new Set<number>();
  const taskCtx: ResourceContext =
    options.taskTimeoutMs === undefined ? ctx : { ...ctx, operationTimeoutMs: options.taskTimeoutMs };
  let orderTask = options.finishedTask;
  if (orderTask) followed.add(orderTask.id);
  else if (options.taskId !== undefined && options.taskId !== null) {
    followed.add(options.taskId);
    const task = await getTaskIfAny(ctx, intent.tenant, options.taskId);
    if (task) {
      try {
        orderTask = await waitForTask(taskCtx, intent.tenant, task);
      } catch (error) {
        if (error instanceof TaskFailedError) return { kind: "failed", task: error.task };
        throw error;
      }
    }
  }
  let scope: LookScope = { sameOperation: options.sameOperation, orderTask };
  const deadline = Date.now() + options.windowMs;
  for (let round = 0; round < 10; round += 1) {
    let result = await lookOnce(ctx, intent, snapshot, followed, scope);
    if (result.kind === "none" && deadline - Date.now() > 0) {
      try {
        result = await pollUntilSettled({
          look: () => lookOnce(ctx, intent, snapshot, followed, scope),
          isSettled: (look) => look.kind !== "none",
          timeoutMs: deadline - Date.now(),
          what: `the "${intent.licence.name}" order on tenant ${intent.tenant}`,
        });
      } catch (error) {
        if (!(error instanceof PollTimeoutError)) throw error;
      }
    }
    if (result.kind !== "task") return result;
    // Something that may be our order is still running: let it finish, then look again.
    followed.add(result.task.id);
    options.onOrderTask?.(result.task);
    try {
      const finished = await waitForTask(taskCtx, intent.tenant, result.task);
      // In the operation that sent the order (under its lock), the order-like task that appeared since the
      // snapshot is taken as the order's own: its dates can prove the product.
      if (options.sameOperation && !scope.orderTask) scope = { ...scope, orderTask: finished };
    } catch (error) {
      // Tasks carry no licence id: a failed task proves nothing about this order; keep looking.
      if (!(error instanceof TaskFailedError)) throw error;
    }
  }
  return { kind: "none", ignored: [] };
}

async function getTaskIfAny(
  ctx: ResourceContext,
  tenant: string,
  taskId: number,
): Promise<OfficeTask | undefined> {
  try {
    return await csp2.getTask(ctx.ovh, tenant, taskId);
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined;
    throw error;
  }
}
