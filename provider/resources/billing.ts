/**
 * What a change will bill, told before it is made: the seat delta, the monthly price delta from OVH's own price
 * API, and Microsoft's commitment rules. Used by `check` (preview) and recorded in the outputs.
 *
 * ## Commitment rules (data: Microsoft has changed them before)
 * Microsoft's new commerce: seats may be decreased, or a subscription cancelled, only within a short window after
 * its purchase or renewal (7 days, {@link COMMITMENT_RULES}); an increase is billed until the end of the term;
 * a period is billed at its peak seat count (`billingPeriodPeaks`: a temporary increase is billed for the
 * whole period).
 *
 * Our assumptions about how OVH surfaces them (OVH documents none of this for CSP2):
 * - The subscription's `creationDate` is its purchase date, and the term renews every month on that day
 *   (`termMonths`), so the current period and its window follow from it. OVH exposes no renewal date per
 *   subscription; a later OVH field would replace this computation.
 * - OVH's licence price API (`GET /price/saas/csp2/license/{licenseName}`) names licences by historical names
 *   (`BusinessEssentials`, …): {@link priceNameOf} maps catalogue names to them; a licence with no such name has
 *   no price at OVH, and the messages say so instead of inventing one.
 */
import * as price from "../api/price";
import type { Csp2LicenseName } from "../api/price";
import { OvhApiError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/request";
import type { ResourceContext } from "./types";

export const COMMITMENT_RULES = {
  /** Days after purchase or renewal during which seats may be decreased or the subscription cancelled. */
  cancellationWindowDays: 7,
  /** Length of one billing term, in months (monthly term assumed: OVH exposes none per subscription). */
  termMonths: 1,
} as const;

export interface CommitmentRules {
  readonly cancellationWindowDays: number;
  readonly termMonths: number;
}

/** The rules in force: {@link COMMITMENT_RULES}, the window overridable by `OVH_OFFICE_CANCELLATION_WINDOW_DAYS`. */
export function commitmentRules(env: NodeJS.ProcessEnv = process.env): CommitmentRules {
  const raw = env.OVH_OFFICE_CANCELLATION_WINDOW_DAYS;
  const days = raw === undefined || raw === "" ? NaN : Number(raw);
  return {
    ...COMMITMENT_RULES,
    ...(Number.isFinite(days) && days >= 0 ? { cancellationWindowDays: days } : {}),
  };
}

/** The billing period a subscription is in, and its cancellation window. Dates are ISO 8601. */
export interface Commitment {
  /** Start of the current period (purchase or last renewal). */
  readonly periodStart: string;
  /** End of the current period (next renewal): an increase is billed at least until then. */
  readonly periodEnd: string;
  /** Last moment of the window in which seats may be decreased or the subscription cancelled. */
  readonly decreaseAllowedUntil: string;
  /** True while the window is open. */
  readonly windowOpen: boolean;
}

function addMonths(from: Date, months: number): Date {
  const next = new Date(from.getTime());
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + months);
  const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, last));
  return next;
}

/**
 * Now, on OVH's clock: commitment windows are OVH's (and Microsoft's) to judge, and the sandbox's clock can be
 * moved. Falls back to this machine's clock when OVH's time cannot be read (the calls that follow will say why).
 */
export async function ovhNow(ctx: ResourceContext): Promise<Date> {
  if (!ctx.ovh.serverNow) return new Date();
  try {
    return new Date(await ctx.ovh.serverNow());
  } catch {
    return new Date();
  }
}

/** The commitment of a subscription purchased at `purchase`, as of `now`; undefined for an unreadable date. */
export function commitmentOf(
  purchase: string | null | undefined,
  now: Date,
  rules: CommitmentRules = commitmentRules(),
): Commitment | undefined {
  const start = purchase ? new Date(purchase) : undefined;
  if (!start || Number.isNaN(start.getTime())) return undefined;
  let periodStart = start;
  let periodEnd = addMonths(start, rules.termMonths);
  for (let terms = 1; periodEnd.getTime() <= now.getTime() && terms < 10_000; terms++) {
    periodStart = periodEnd;
    periodEnd = addMonths(start, rules.termMonths * (terms + 1));
  }
  const windowEnd = new Date(periodStart.getTime() + rules.cancellationWindowDays * 86_400_000);
  return {
    periodStart: periodStart.toISOString(),
    periodEnd: periodEnd.toISOString(),
    decreaseAllowedUntil: windowEnd.toISOString(),
    windowOpen: now.getTime() <= windowEnd.getTime(),
  };
}

/** A commitment for a subscription bought now (new subscription, or new tenant). */
export function commitmentIfBoughtNow(now: Date, rules = commitmentRules()): Commitment {
  return commitmentOf(now.toISOString(), now, rules) as Commitment;
}

/** `2026-12-08` (dates in messages: the day is what a reviewer needs). */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// Prices

const PRICE_NAMES: ReadonlyArray<readonly [RegExp, Csp2LicenseName]> = [
  [/\bbusiness (basic|essentials)\b/i, "BusinessEssentials"],
  [/\bbusiness premium\b/i, "BusinessPremium"],
  [/\bbusiness standard\b|^(office|microsoft) 365 business$/i, "Business"],
  [/^office 365 e1$/i, "EnterpriseE1"],
  [/^office 365 e3$/i, "EnterpriseE3"],
  [/^office 365 (k1|f1)$/i, "EnterpriseK1"],
  [/^exchange online \(?plan 1\)?$/i, "ExchangeOnlinePlan1"],
  [/\bapps for enterprise\b|\bproplus\b/i, "ProPlus"],
  [/^project online professional$/i, "ProjectOnlineProfessional"],
  [/^project online( premium)?$/i, "ProjectOnline"],
  [/^visio (pro|online plan 2)/i, "VisioPro"],
  [/^azure active directory premium p1$/i, "AzureActiveDirectoryPremiumP1"],
  [/^azure active directory basic$/i, "AzureActiveDirectoryBasic"],
];

/** The price API's name of a catalogue licence, or undefined when OVH's price API has none for it. */
export function priceNameOf(licenceName: string): Csp2LicenseName | undefined {
  const name = licenceName.trim().replace(/\s+/g, " ");
  return PRICE_NAMES.find(([pattern]) => pattern.test(name))?.[1];
}

/** One seat's monthly list price at OVH (excluding tax). */
export interface SeatPrice {
  readonly value: number;
  readonly currency: string;
}

const priceCache = new WeakMap<OvhRequester, Map<string, Promise<SeatPrice | undefined>>>();

/**
 * The monthly price of one seat of `licenceName` from OVH's price API (1 GET per licence and run), or undefined
 * when OVH gives none (no price name for it, or the API does not know it).
 */
export async function seatPriceOf(ctx: ResourceContext, licenceName: string): Promise<SeatPrice | undefined> {
  const priceName = priceNameOf(licenceName);
  if (!priceName) return undefined;
  let cache = priceCache.get(ctx.ovh);
  if (!cache) priceCache.set(ctx.ovh, (cache = new Map()));
  let pending = cache.get(priceName);
  if (!pending) {
    pending = price.getCsp2LicensePrice(ctx.ovh, priceName).then(
      (answer) => ({ value: answer.value, currency: answer.currencyCode }),
      (error: unknown) => {
        if (error instanceof OvhApiError && (error.isGone || error.isInvalidRequest)) return undefined;
        cache?.delete(priceName);
        throw error;
      },
    );
    cache.set(priceName, pending);
  }
  return pending;
}

/** A signed amount: `+49.00 €`, `-12.50 €`, `0.00 €`. */
export function money(value: number, currency: string): string {
  const sign = value < 0 ? "-" : value > 0 ? "+" : "";
  return `${sign}${amountText(Math.abs(value), currency)}`;
}

/** An amount as a reviewer reads it, without a sign: `294.00 €`, `12.50 USD`. */
export function amountText(value: number, currency: string): string {
  return `${value.toFixed(2)}${currency === "EUR" ? " €" : ` ${currency}`}`;
}

/** The monthly amount of `seats` seats at `seat`'s price, to the cent. */
export function monthlyAmount(seat: SeatPrice, seats: number): number {
  return Math.round(seat.value * seats * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------------
// What a subscription change bills

/** The billing effect of one subscription change, as outputs and preview lines carry it. */
export interface SubscriptionBilling {
  readonly seatsBefore: number;
  readonly seatsAfter: number;
  /** Monthly price of one seat, null when OVH gives none for this licence. */
  readonly seatPrice: number | null;
  readonly currency: string | null;
  /** Monthly amount before and after the change (null without a price). */
  readonly monthlyBefore: number | null;
  readonly monthlyAfter: number | null;
  readonly commitment: Commitment | null;
  /** The line a reviewer reads in the preview. */
  readonly message: string;
}

export interface SubscriptionChange {
  readonly licenceName: string;
  readonly seatsBefore: number;
  readonly seatsAfter: number;
  /** `new` subscription (order or add-on), or a seat change of an existing one. */
  readonly kind: "new" | "seats";
  readonly price: SeatPrice | undefined;
  readonly commitment: Commitment | undefined;
  /** The rules in force (default: {@link commitmentRules}). */
  readonly rules?: CommitmentRules;
}

/** The preview line and figures of a subscription change. */
export function describeSubscriptionChange(change: SubscriptionChange): SubscriptionBilling {
  const { licenceName, seatsBefore, seatsAfter, price: seat, commitment } = change;
  const delta = seatsAfter - seatsBefore;
  const seatsText =
    change.kind === "new"
      ? `new subscription of ${seatsAfter} seat${seatsAfter === 1 ? "" : "s"} of "${licenceName}"`
      : `seats of "${licenceName}" ${seatsBefore} → ${seatsAfter} (${delta > 0 ? "+" : ""}${delta})`;
  const priceText = seat
    ? `${money(delta * seat.value, seat.currency)}/month (${amountText(seatsBefore * seat.value, seat.currency)} → ${amountText(seatsAfter * seat.value, seat.currency)} at ${amountText(seat.value, seat.currency)} per seat, OVH price API, excluding tax)`
    : `price unknown: OVH's price API gives no price for "${licenceName}"`;
  let commitmentText = "commitment unknown (no purchase date)";
  if (change.kind === "new") {
    // No calendar date: the line is part of the checked inputs, which an update plan compares between the
    // reviewed preview and a later `up --plan` (possibly days later); the term starts at the order.
    const rules = change.rules ?? commitmentRules();
    commitmentText = `billed for at least one ${rules.termMonths}-month term from the order (Microsoft new commerce: the period is billed at its peak); decreases and cancellation allowed within ${rules.cancellationWindowDays} days after the order`;
  } else if (commitment) {
    if (delta > 0)
      commitmentText = `increase billed at least until ${day(commitment.periodEnd)} (Microsoft new commerce: the period is billed at its peak; ${
        commitment.windowOpen
          ? `decreases allowed until ${day(commitment.decreaseAllowedUntil)}`
          : `the window for decreases closed on ${day(commitment.decreaseAllowedUntil)} and opens again at the renewal on ${day(commitment.periodEnd)}`
      })`;
    else if (delta < 0)
      commitmentText = commitment.windowOpen
        ? `decrease allowed until ${day(commitment.decreaseAllowedUntil)} (cancellation window after purchase or renewal); this period stays billed at its peak`
        : `refused: the window for decreases closed on ${day(commitment.decreaseAllowedUntil)}; the seats stay billed until ${day(commitment.periodEnd)}: set the quantity lower in the window after that renewal`;
    else commitmentText = `no seat change`;
  }
  return {
    seatsBefore,
    seatsAfter,
    seatPrice: seat?.value ?? null,
    currency: seat?.currency ?? null,
    monthlyBefore: seat ? monthlyAmount(seat, seatsBefore) : null,
    monthlyAfter: seat ? monthlyAmount(seat, seatsAfter) : null,
    commitment: commitment ?? null,
    message: `Billing: ${seatsText}: ${priceText}; ${commitmentText}.`,
  };
}
