/**
 * Microsoft's commitment rules for CSP2 subscriptions, as the sandbox applies them to seat decreases and
 * cancellations (see sandbox/README.md, "Commitments", for which parts are Microsoft's published rules and which
 * are our assumptions about how OVH surfaces them).
 *
 * - Each subscription's purchase date is its `creationDate`; its term renews every `termMonths` months on that
 *   day. The current period and its cancellation window (`windowDays` after purchase or renewal) follow from the
 *   sandbox clock, so `/_sandbox/time/advance` moves a subscription in and out of its window.
 * - Outside the window, a decrease (`changeQuantity` to fewer seats) or a cancellation (`DELETE subscription`) is
 *   refused (`outside: "refuse"`, 403 like OVH's refusals of a forbidden action) or deferred to the renewal
 *   (`outside: "defer"`: the task is accepted and stays `todo` until the period ends).
 * - Peaks: `billingPeriodPeaks` already follows every seat change, so a temporary increase stays the period's
 *   peak after a decrease.
 *
 * Off by default (`enforce: false`) so suites that change seeded subscriptions keep working; turned on with
 * `PUT /_sandbox/commitments {"enforce": true}`.
 */
import { OvhError, type AreaModule, type Routes, type SandboxContext, badRequest } from "../core/contract";
import { addMonths, bodyObject, DAY_MS, isoDateTime, isRecord } from "../core/util";

export interface CommitmentsSlice {
  enforce: boolean;
  /** Days after purchase or renewal during which decreases and cancellations are accepted. */
  windowDays: number;
  /** Term length in months. */
  termMonths: number;
  /** What happens outside the window. */
  outside: "refuse" | "defer";
}

const DEFAULTS: CommitmentsSlice = { enforce: false, windowDays: 7, termMonths: 1, outside: "refuse" };

function slice(ctx: SandboxContext): CommitmentsSlice {
  const current = ctx.store.state["commitments"];
  return isRecord(current) ? (current as unknown as CommitmentsSlice) : { ...DEFAULTS };
}

export interface Period {
  readonly start: number;
  readonly end: number;
  readonly windowEnd: number;
}

/** The billing period of a subscription purchased at `purchase`, at sandbox time `now`. */
export function periodAt(purchase: number, now: number, rules: CommitmentsSlice): Period {
  let start = purchase;
  let terms = 1;
  let end = addMonths(purchase, rules.termMonths);
  while (end <= now && terms < 10_000) {
    start = end;
    terms += 1;
    end = addMonths(purchase, rules.termMonths * terms);
  }
  return { start, end, windowEnd: start + rules.windowDays * DAY_MS };
}

/**
 * Decides a decrease or a cancellation of a subscription: undefined when allowed now, the time it is deferred to
 * (the renewal) in `defer` mode, or a refusal thrown as OVH would answer.
 */
export function reductionAllowedAt(
  ctx: SandboxContext,
  subscription: { readonly id: number; readonly creationDate: number },
  what: "decrease" | "cancellation",
): number | undefined {
  const rules = slice(ctx);
  if (!rules.enforce) return undefined;
  const now = ctx.clock.now();
  const period = periodAt(subscription.creationDate, now, rules);
  if (now <= period.windowEnd) return undefined;
  if (rules.outside === "defer") return period.end;
  throw new OvhError(
    403,
    "Client::Forbidden",
    `The ${what} of subscription ${subscription.id} is not allowed: seats can only be decreased or cancelled within ${rules.windowDays} days after purchase or renewal (window closed on ${isoDateTime(period.windowEnd)}; next renewal on ${isoDateTime(period.end)})`,
  );
}

function update(ctx: SandboxContext, body: Record<string, unknown>): CommitmentsSlice {
  const rules = { ...slice(ctx) };
  if (body.enforce !== undefined) {
    if (typeof body.enforce !== "boolean") throw badRequest("[enforce] true or false is expected");
    rules.enforce = body.enforce;
  }
  for (const [name, max] of [
    ["windowDays", 366],
    ["termMonths", 120],
  ] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (
      typeof value !== "number" ||
      !Number.isInteger(value) ||
      value < (name === "termMonths" ? 1 : 0) ||
      value > max
    )
      throw badRequest(
        `[${name}] a whole number from ${name === "termMonths" ? 1 : 0} to ${max} is expected`,
      );
    rules[name] = value;
  }
  if (body.outside !== undefined) {
    if (body.outside !== "refuse" && body.outside !== "defer")
      throw badRequest('[outside] "refuse" or "defer" is expected');
    rules.outside = body.outside;
  }
  ctx.store.state["commitments"] = rules as unknown as Record<string, unknown>;
  return rules;
}

export const commitmentsArea: AreaModule = {
  name: "commitments",
  check(value) {
    if (value === undefined) return undefined;
    return isRecord(value) && typeof value.enforce === "boolean" ? undefined : "commitments: not an object";
  },
  init(ctx) {
    const current = ctx.store.state["commitments"];
    ctx.store.state["commitments"] = {
      ...DEFAULTS,
      ...(isRecord(current) ? current : {}),
    } as unknown as Record<string, unknown>;
  },
  register(_routes: Routes) {
    // No OVH route of its own: csp2's decrease and cancellation routes consult reductionAllowedAt.
  },
  registerControl(routes: Routes, ctx: SandboxContext) {
    routes.add("GET", "/commitments", () => ({ ...slice(ctx) }));
    routes.add("PUT", "/commitments", (req) => update(ctx, bodyObject(req.body ?? {})));
  },
};

export default commitmentsArea;
