/**
 * Order once: the single place that decides, for every billed call (a tenant's checkout, a subscription's order),
 * whether OVH may have acted, and what to do before sending anything again.
 *
 * 1. A billed call is sent once. When it fails, `provesNotExecuted` (provider/ovh/outcome.ts, also the retry
 *    policy's rule) says whether the failure proves OVH did not act: a readable OVH 4xx other than 408/429, a
 *    request that never left, a configuration error. Anything else — a 5xx, 408, 429, an answer we could not read
 *    (even a 2xx), a connection lost after sending, an exception nobody foresaw — means OVH MAY have acted.
 * 2. May have acted: look (GETs only) for what the call produced, for up to the look window
 *    (`OVH_OFFICE_ORDER_LOOK_WINDOW_MS`).
 * 3. Something found is taken only with evidence that it is this order's product (`decideProduct`): never an
 *    object another resource of the stack already holds (`claim`), never one whose shape contradicts what was
 *    ordered, and, outside the operation that sent the order, only with proof tied to the order itself. In doubt
 *    the operation stops with an error naming the candidates and how to resolve it; it never guesses.
 * 4. Nothing found: the resource is recorded in state under a pending-order marker (`pendingOrderMarker`) with
 *    what is needed to look again. The next run looks first; a new order is sent only when OVH shows no trace of
 *    the old one once the grace period (`OVH_OFFICE_PENDING_ORDER_GRACE_MS`) has passed, or when its task failed.
 */
import { mayHaveExecuted } from "../ovh/outcome";

export { mayHaveExecuted, provesNotExecuted } from "../ovh/outcome";

// ---------------------------------------------------------------------------------------------------------
// The pending-order marker (a Pulumi resource id while an order is unconfirmed)

export const PENDING_ORDER_PREFIX = "pending-order:";

/** `pending-order:<part>:<part>…`, e.g. `pending-order:csp2-1:42:1767225600000` or `pending-order:cart-abc`. */
export function pendingOrderMarker(...parts: ReadonlyArray<string | number>): string {
  return `${PENDING_ORDER_PREFIX}${parts.join(":")}`;
}

export function isPendingOrderMarker(id: string): boolean {
  return id.startsWith(PENDING_ORDER_PREFIX);
}

/**
 * OVH may hold an order it did not confirm. The resource turns this into a Pulumi partial create (or a failed
 * update) whose state keeps `record`, so that the next run looks for the order instead of sending it again.
 */
export class UnconfirmedOrderError<R> extends Error {
  override readonly name = "UnconfirmedOrderError";
  constructor(
    message: string,
    readonly marker: string,
    readonly record: R,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sending a billed call

export type BilledCallOutcome<T> =
  | { readonly kind: "answered"; readonly answer: T }
  /** OVH may have acted: the caller must look before doing anything else. */
  | { readonly kind: "mayHaveActed"; readonly error: unknown };

/**
 * Sends one billed call. Resolves with its answer, or with "mayHaveActed"; rethrows a failure that proves OVH did
 * not act (through `refused`, which adds the context and the fix).
 */
export async function sendBilledCall<T>(
  send: () => Promise<T>,
  refused: (error: unknown) => Error,
): Promise<BilledCallOutcome<T>> {
  try {
    return { kind: "answered", answer: await send() };
  } catch (error) {
    if (mayHaveExecuted(error)) return { kind: "mayHaveActed", error };
    throw refused(error);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Claims: objects a resource of this stack holds are never offered to another resource

const claimed = new Set<string>();

/**
 * Marks an OVH object as held by a resource of this program run (an order's product, an adopted or refreshed
 * object, or one a resource's previous state names). Keys are global OVH names, e.g. `subscription:csp2-1/42`.
 */
export function claim(key: string): void {
  claimed.add(key);
}

export function isClaimed(key: string): boolean {
  return claimed.has(key);
}

/** Forgets every claim: what a new program run starts with (tests simulate several runs in one process). */
export function forgetClaims(): void {
  claimed.clear();
}

export const claimKeys = {
  subscription: (tenant: string, subscriptionId: number) => `subscription:${tenant}/${subscriptionId}`,
  tenant: (serviceName: string) => `tenant:${serviceName}`,
};

// ---------------------------------------------------------------------------------------------------------
// Deciding whether something found is this order's product

/** Something new at OVH that could be the order's product. */
export interface ProductCandidate<T> {
  readonly object: T;
  /** How it is named in messages, e.g. `subscription 3000012 (40 seats, created 2026-12-01T10:00:00Z)`. */
  readonly label: string;
  /** Why it cannot be this order's product (e.g. another seat count), if it cannot. */
  readonly contradiction?: string;
  /** Evidence tied to the order itself that it is its product (e.g. made by the order's own task), if any. */
  readonly proof?: string;
}

export type ProductDecision<T> =
  | { readonly kind: "none"; readonly ignored: readonly string[] }
  | { readonly kind: "ours"; readonly object: T; readonly because: string }
  | { readonly kind: "doubt"; readonly candidates: readonly string[] };

/**
 * The adoption rule (step 3 of the module comment). `sameOperation` is true while the operation that sent the
 * order still holds its lock: no other resource of this run can have ordered the same thing meanwhile, so the
 * only consistent new object is the product. Later (another run), only proof counts.
 */
export function decideProduct<T>(
  candidates: ReadonlyArray<ProductCandidate<T>>,
  sameOperation: boolean,
): ProductDecision<T> {
  const ignored = candidates
    .filter((c) => c.contradiction !== undefined)
    .map((c) => `${c.label}: ${c.contradiction}`);
  const consistent = candidates.filter((c) => c.contradiction === undefined);
  const proven = consistent.filter((c) => c.proof !== undefined);
  if (proven.length === 1) {
    const [only] = proven as [ProductCandidate<T>];
    return { kind: "ours", object: only.object, because: only.proof as string };
  }
  if (consistent.length === 0) return { kind: "none", ignored };
  if (sameOperation && consistent.length === 1 && proven.length === 0) {
    const [only] = consistent as [ProductCandidate<T>];
    return {
      kind: "ours",
      object: only.object,
      because: "it is the only matching object that appeared while this run held the order lock",
    };
  }
  return { kind: "doubt", candidates: consistent.map((c) => c.label) };
}

/**
 * Stopped rather than guessing which object is the order's product. The message names the candidates and the
 * ways out; nothing was ordered, changed or cancelled.
 */
export class DoubtfulProductError extends Error {
  override readonly name = "DoubtfulProductError";
  constructor(
    message: string,
    readonly candidates: readonly string[],
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tunables (environment, read at call time so tests and impatient users can change them)

/** How long to keep looking for the product of an order whose answer was lost, within one operation. */
export function orderLookWindowMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return nonNegative(env.OVH_OFFICE_ORDER_LOOK_WINDOW_MS, 30_000);
}

/** How long an unconfirmed order must stay invisible at OVH before it may be sent again. Default 10 minutes. */
export function pendingOrderGraceMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return nonNegative(env.OVH_OFFICE_PENDING_ORDER_GRACE_MS, 10 * 60_000);
}

/** When the grace period of an order sent at `sentAt` (ISO 8601) ends. An unreadable date counts as long ago. */
export function graceEndsAt(sentAt: string): Date {
  const sent = Date.parse(sentAt);
  return new Date((Number.isFinite(sent) ? sent : 0) + pendingOrderGraceMs());
}

function nonNegative(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** A duration for messages: seconds below two minutes, then minutes. */
export function describeDuration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`;
}
