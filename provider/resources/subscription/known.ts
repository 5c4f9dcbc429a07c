/**
 * What `check` learned at OVH and keeps for the next run: the resolved licence id, and the purchase date of the
 * subscription a seat change applies to. Pulumi gives `check` the previous INPUTS only (never the outputs nor the
 * resource id), so check adds these facts to the inputs it returns, which the engine stores as the resource's
 * inputs and hands back as `olds` next time. The key does not start with `__`: the dynamic adapter drops such
 * keys before `check` sees them.
 *
 * The facts only save calls, they never decide on their own: the licence is read again by id (1 GET instead of the
 * whole catalogue, 1 + N) and taken only when its name still matches the declared one; the purchase date
 * (`creationDate`, which OVH never changes) is carried only while the declared identity stays the same (no
 * replacement). The key is not in the inputs schema, so it never makes two declarations differ.
 */
import { isUnknown } from "../unknown";

export const KNOWN_KEY = "knownAtOvh";

export interface KnownAtOvh {
  /** The licence the declared name (or id) resolved to on this tenant. */
  readonly licenceId?: number;
  /** The subscription whose purchase date is carried (for the reader: a later run never reads it by this id). */
  readonly subscriptionId?: number;
  /** Its `creationDate` at OVH: the commitment periods follow from it. */
  readonly purchaseDate?: string;
}

const positiveId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;

/** The facts carried in `props` (previous or checked inputs); whatever does not look right is left out. */
export function knownAtOvhOf(props: Record<string, unknown> | undefined): KnownAtOvh {
  const raw = props?.[KNOWN_KEY];
  if (raw === null || typeof raw !== "object" || isUnknown(raw)) return {};
  const record = raw as Record<string, unknown>;
  const purchase = record.purchaseDate;
  const validDate = typeof purchase === "string" && !Number.isNaN(new Date(purchase).getTime());
  return {
    ...(positiveId(record.licenceId) ? { licenceId: record.licenceId } : {}),
    ...(positiveId(record.subscriptionId) && validDate ? { subscriptionId: record.subscriptionId } : {}),
    ...(validDate ? { purchaseDate: purchase } : {}),
  };
}

/** The subscription's facts alone (what stays true while the declared identity does not change). */
export function subscriptionFacts(known: KnownAtOvh): KnownAtOvh {
  return {
    ...(known.subscriptionId !== undefined ? { subscriptionId: known.subscriptionId } : {}),
    ...(known.purchaseDate !== undefined ? { purchaseDate: known.purchaseDate } : {}),
  };
}

/** `inputs` with the facts under {@link KNOWN_KEY} (left out when there is none). */
export function withKnown<T extends object>(inputs: T, known: KnownAtOvh): T {
  return Object.keys(known).length > 0 ? { ...inputs, [KNOWN_KEY]: known } : inputs;
}
