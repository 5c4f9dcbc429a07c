/**
 * THE seat rules, stated once. `check` (rules.ts, against the previous declaration) and the seat change
 * (update.ts, against the live seat count, right before `changeQuantity`) both ask `seatRefusals`, so a preview
 * and an `up` refuse the same quantities with the same words. Every refusal names the property and the fix.
 */
import type { Licence } from "../licences";
import type { CheckFailure } from "../types";

export interface SeatChange {
  /** The licence as OVH describes it now (OVH may close a licence to new seats at any time). */
  readonly licence: Licence;
  /** The declared seat count. */
  readonly quantity: number;
  /** The seats the subscription holds now; undefined when it does not exist yet (nothing is "added"). */
  readonly current?: number;
  /**
   * The declared academicEligibilityAcknowledged, when adding seats must honour it. `check` leaves it out: it
   * refuses an unacknowledged academic licence for any declaration (rules.ts).
   */
  readonly academicAcknowledged?: boolean;
}

/** The refusals for a declared seat count (none: allowed). */
export function seatRefusals(change: SeatChange): CheckFailure[] {
  const { licence, quantity, current } = change;
  const failures: CheckFailure[] = [];
  if (licence.limit !== null && quantity > licence.limit)
    failures.push({
      property: "quantity",
      reason: `quantity ${quantity} is above the limit of ${licence.limit} seats OVH sets for "${licence.name}": lower it to ${licence.limit} or less`,
    });
  const adding = current !== undefined && quantity > current;
  if (adding && !licence.newSeatsAllowed)
    failures.push({
      property: "quantity",
      reason: `"${licence.name}" no longer accepts new seats (newSeatsAllowed is false at OVH): the quantity can only stay at ${current} or decrease`,
    });
  if (adding && licence.academic && change.academicAcknowledged === false)
    failures.push({
      property: "academicEligibilityAcknowledged",
      reason: `"${licence.name}" is an academic licence: set academicEligibilityAcknowledged: true before adding seats`,
    });
  return failures;
}
