/**
 * Ordering a subscription exactly once: the snapshot taken before ordering, the order itself, and the "look"
 * that finds what an order produced (normally, or after OVH's answer was lost). The rules are explained at the
 * top of `subscription.ts`; this module holds the mechanics.
 */
import * as csp2 from "../api/csp2";
import type { OfficeSubscription, OfficeTask } from "../api/csp2";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/request";
import type { Licence } from "./licences";
import { lockKeys } from "./keyedLock";
import { pollUntilSettled, PollTimeoutError } from "./poller";
import { TaskFailedError, waitForTask } from "./tasks";
import type { ResourceContext } from "./types";

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
  | { readonly kind: "subscription"; readonly subscription: OfficeSubscription }
  /** The order's own task ended in error or was cancelled: OVH did not create (nor bill) anything. */
  | { readonly kind: "failed"; readonly task: OfficeTask }
  /** Nothing new of that licence, and no order-like task still running. */
  | { readonly kind: "none" };

/** Several new subscriptions could be the product of the order: the provider will not guess. */
export class AmbiguousOrderError extends Error {
  override readonly name = "AmbiguousOrderError";
}

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

/**
 * True only when the failure proves OVH did not act on the request: an OVH refusal (4xx other than 408 and 429,
 * which the client retries), a request that provably never left, or a configuration error. Anything else
 * (connection reset or timeout after sending, 5xx, 408, an answer we could not parse) may hide a committed order.
 */
export function provesNothingHappened(error: unknown): boolean {
  if (error instanceof OvhApiError) return error.status < 500 && error.status !== 408 && error.status !== 429;
  if (error instanceof OvhNetworkError) return !error.mayHaveReachedServer;
  return error instanceof OvhConfigError;
}

// ---------------------------------------------------------------------------------------------------------
// Subscriptions this process has already matched to a resource: never offered to another one.

const claimed = new WeakMap<OvhRequester, Set<string>>();

export function claimSubscription(ctx: ResourceContext, tenant: string, subscriptionId: number): void {
  let set = claimed.get(ctx.ovh);
  if (!set) {
    set = new Set();
    claimed.set(ctx.ovh, set);
  }
  set.add(`${tenant}/${subscriptionId}`);
}

function isClaimed(ctx: ResourceContext, tenant: string, subscriptionId: number): boolean {
  return claimed.get(ctx.ovh)?.has(`${tenant}/${subscriptionId}`) ?? false;
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

/**
 * One look: new subscriptions of the licence since the snapshot (1 GET for the list + 1 GET per new id whose
 * licence is not known yet), then, if none, order-like tasks started since the snapshot (1 GET for the list +
 * 1 GET per new task id).
 */
async function lookOnce(
  ctx: ResourceContext,
  intent: OrderIntent,
  snapshot: OrderSnapshot,
  followedTasks: ReadonlySet<number>,
): Promise<LookResult> {
  const before = new Set(snapshot.subscriptionIds);
  const fresh = (await listCandidateIds(ctx, intent)).filter(
    (id) => !before.has(id) && !isClaimed(ctx, intent.tenant, id),
  );
  const candidates: OfficeSubscription[] = [];
  for (const id of fresh) {
    const licenceId = knownLicence(ctx, intent.tenant, id);
    if (licenceId !== undefined && licenceId !== intent.licence.id) continue;
    let subscription: OfficeSubscription;
    try {
      subscription = await csp2.getSubscription(ctx.ovh, intent.tenant, id);
    } catch (error) {
      if (error instanceof OvhApiError && error.isGone) continue;
      throw error;
    }
    rememberLicence(ctx, intent.tenant, subscription);
    if (subscription.licenseId === intent.licence.id) candidates.push(subscription);
  }
  const found = pickCandidate(ctx, intent, candidates);
  if (found) return { kind: "subscription", subscription: found };

  const knownTasks = new Set(snapshot.taskIds);
  const newTasks = (await csp2.listTasks(ctx.ovh, intent.tenant)).filter(
    (id) => !knownTasks.has(id) && !followedTasks.has(id),
  );
  for (const id of newTasks) {
    let task: OfficeTask;
    try {
      task = await csp2.getTask(ctx.ovh, intent.tenant, id);
    } catch (error) {
      if (error instanceof OvhApiError && error.isGone) continue;
      throw error;
    }
    if (!NOT_AN_ORDER.test(task.function) && (task.status === "todo" || task.status === "doing"))
      return { kind: "task", task };
  }
  return { kind: "none" };
}

/**
 * The order's product among new subscriptions of the right licence: the only one, or the only one with the
 * ordered quantity. Several indistinguishable ones → AmbiguousOrderError (never a guess).
 */
export function pickCandidate(
  ctx: ResourceContext | undefined,
  intent: OrderIntent,
  candidates: readonly OfficeSubscription[],
): OfficeSubscription | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) {
    const only = candidates[0] as OfficeSubscription;
    if (only.quantity !== intent.quantity) {
      ctx?.log?.warn(
        `Subscription ${only.id} on tenant ${intent.tenant} (the new "${intent.licence.name}" subscription) has ` +
          `${only.quantity} seats where ${intent.quantity} were ordered; the next \`pulumi up\` shows the difference.`,
      );
    }
    return only;
  }
  const exact = candidates.filter((candidate) => candidate.quantity === intent.quantity);
  if (exact.length === 1) return exact[0];
  throw new AmbiguousOrderError(
    `Several new "${intent.licence.name}" subscriptions appeared on tenant ${intent.tenant} since the order of ` +
      `${intent.quantity} seats (ids ${candidates.map((c) => c.id).join(", ")}), probably ordered concurrently ` +
      `outside this Pulumi run. The provider will not guess which one is this resource's: check them in the ` +
      `OVHcloud Control Panel, then adopt the right one with existingSubscriptionId.`,
  );
}

export interface LookOptions {
  /** The order's own task, when OVH answered with it: followed first. */
  readonly taskId?: number | null;
  /** How long to keep looking when nothing shows yet (0 = a single look). */
  readonly windowMs: number;
  /** Upper bound when following a task that is still running. */
  readonly taskTimeoutMs?: number;
}

/**
 * Looks for what an order produced. Follows the order's task when known, then looks (immediately, then with
 * the poller's backoff for up to `windowMs`) for a new subscription of the licence; an order-like task started
 * since the snapshot is followed to its end before looking again. Read-only: never orders anything.
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
  if (options.taskId !== undefined && options.taskId !== null) {
    followed.add(options.taskId);
    const task = await getTaskIfAny(ctx, intent.tenant, options.taskId);
    if (task) {
      try {
        await waitForTask(taskCtx, intent.tenant, task);
      } catch (error) {
        if (error instanceof TaskFailedError) return { kind: "failed", task: error.task };
        throw error;
      }
    }
  }
  const deadline = Date.now() + options.windowMs;
  for (let round = 0; round < 10; round += 1) {
    let result = await lookOnce(ctx, intent, snapshot, followed);
    if (result.kind === "none" && deadline - Date.now() > 0) {
      try {
        result = await pollUntilSettled({
          look: () => lookOnce(ctx, intent, snapshot, followed),
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
    try {
      await waitForTask(taskCtx, intent.tenant, result.task);
    } catch (error) {
      // Tasks carry no licence id: a failed task proves nothing about this order; keep looking.
      if (!(error instanceof TaskFailedError)) throw error;
    }
  }
  return { kind: "none" };
}

async function getTaskIfAny(
  ctx: ResourceContext,
  tenant: string,
  taskId: number,
): Promise<OfficeTask | undefined> {
  try {
    return await csp2.getTask(ctx.ovh, tenant, taskId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tunables (environment, read at call time so tests and impatient users can change them)

/** How long to keep looking for an order whose answer was lost, within one operation. Default 30 s. */
export function orderLookWindowMs(env: Record<string, string | undefined> = process.env): number {
  return nonNegative(env.OVH_OFFICE_ORDER_LOOK_WINDOW_MS, 30_000);
}

/**
 * How long after an unconfirmed order the provider keeps refusing to order again when OVH shows no trace of it.
 * Default 10 minutes.
 */
export function pendingOrderGraceMs(env: Record<string, string | undefined> = process.env): number {
  return nonNegative(env.OVH_OFFICE_PENDING_ORDER_GRACE_MS, 10 * 60_000);
}

function nonNegative(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
