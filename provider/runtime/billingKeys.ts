/**
 * The keys that carry billing figures between the dynamic provider (provider/dynamic/index.ts, which writes them)
 * and the SDK classes (sdk/billingNotes.ts, sdk/billingSummary.ts, which read them). `__` keys never reach the
 * resource logic (the adapter drops them).
 */

/** Checked inputs: the billing lines of a change, shown on the resource in a preview. */
export const BILLING_KEY = "__billing";
/** Checked inputs: the monthly amounts before/after the change, for billingSummary(). */
export const AMOUNTS_KEY = "__billingAmounts";
/**
 * Outputs: a subscription's current monthly amount (before = after). Another key than check's: an update plan
 * compares the outputs a preview announced with those `up` produces, and a key both carry must agree.
 */
export const STATE_AMOUNTS_KEY = "__monthlyAmounts";
