/**
 * Which csp2 offer to order: plan, duration and pricing mode, picked from the offers OVH lists in a cart.
 *
 * Pure (no OVH call), so the choice rules are tested on their own (`tenantCheck.test.ts`); `cart.ts` calls it
 * with the offers of the cart it builds.
 */
import type { GenericProductDefinition, GenericProductPricing } from "../../api/order";

/** Plan codes that adopt an existing Microsoft tenant rather than creating one. */
const NOT_A_NEW_TENANT = /deleg|transfer|migrat|existing|adopt/i;

export interface OfferChoice {
  readonly planCode: string;
  readonly duration: string;
  readonly pricingMode: string;
  readonly quantity: number;
  readonly pricing: GenericProductPricing;
}

/**
 * Picks the plan, duration and pricing mode. Explicit inputs must exist in the offers. Without a plan code the
 * only plan that creates a new tenant (not a delegation/transfer) is taken; several or none is an error listing
 * the plan codes. Without a duration the shortest is taken (least commitment); without a pricing mode
 * `default` if offered, else the only one.
 */
export function chooseOffer(
  offers: readonly GenericProductDefinition[],
  wanted: { planCode?: string; duration?: string; pricingMode?: string },
): OfferChoice {
  const list = offers.map((o) => `${o.planCode} (${o.productName})`).join(", ") || "none";
  let offer: GenericProductDefinition | undefined;
  if (wanted.planCode !== undefined) {
    offer = offers.find((o) => o.planCode === wanted.planCode);
    if (!offer) {
      throw new Error(
        `OVH offers no csp2 plan "${wanted.planCode}" for this account and subsidiary. Plans offered: ${list}. Fix planCode.`,
      );
    }
  } else {
    const fresh = offers.filter(
      (o) => !NOT_A_NEW_TENANT.test(o.planCode) && !NOT_A_NEW_TENANT.test(o.productName),
    );
    if (fresh.length !== 1) {
      throw new Error(
        (fresh.length === 0
          ? "None of OVH's csp2 plans looks like a new-tenant order"
          : "Several of OVH's csp2 plans could create a new tenant") +
          `. Plans offered: ${list}. Set planCode to the one to order.`,
      );
    }
    offer = fresh[0] as GenericProductDefinition;
  }

  const orderable = offer.prices.some((p) => p.capacities.includes("installation"))
    ? offer.prices.filter((p) => p.capacities.includes("installation"))
    : offer.prices;
  const pairs = orderable.map((p) => `${p.duration}/${p.pricingMode}`).join(", ") || "none";

  let candidates = orderable;
  if (wanted.duration !== undefined) {
    candidates = candidates.filter((p) => p.duration === wanted.duration);
    if (candidates.length === 0) {
      throw new Error(
        `Plan ${offer.planCode} cannot be ordered for duration "${wanted.duration}". Offered duration/pricingMode: ${pairs}. Fix duration.`,
      );
    }
  }
  if (wanted.pricingMode !== undefined) {
    candidates = candidates.filter((p) => p.pricingMode === wanted.pricingMode);
    if (candidates.length === 0) {
      throw new Error(
        `Plan ${offer.planCode} has no pricing mode "${wanted.pricingMode}"` +
          (wanted.duration ? ` for duration ${wanted.duration}` : "") +
          `. Offered duration/pricingMode: ${pairs}. Fix pricingMode.`,
      );
    }
  } else {
    const modes = [...new Set(candidates.map((p) => p.pricingMode))];
    const mode = modes.includes("default") ? "default" : modes.length === 1 ? modes[0] : undefined;
    if (mode === undefined) {
      throw new Error(
        `Plan ${offer.planCode} has several pricing modes (${modes.join(", ") || "none"}). Set pricingMode.`,
      );
    }
    candidates = candidates.filter((p) => p.pricingMode === mode);
  }
  const sorted = [...candidates].sort(
    (a, b) => durationDays(a.duration) - durationDays(b.duration) || a.duration.localeCompare(b.duration),
  );
  const pricing = sorted[0];
  if (!pricing) throw new Error(`Plan ${offer.planCode} has no orderable price. Offered: ${pairs}.`);
  return {
    planCode: offer.planCode,
    duration: pricing.duration,
    pricingMode: pricing.pricingMode,
    quantity: Math.max(1, pricing.minimumQuantity),
    pricing,
  };
}

/** Approximate length of an ISO 8601 duration (`P1M`, `P1Y`, `P2W`), for ordering durations only. */
export function durationDays(duration: string): number {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  if (!match) return Number.MAX_SAFE_INTEGER;
  const [, y, m, w, d] = match.map((part) => Number(part ?? 0));
  return (y ?? 0) * 365 + (m ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0);
}
