import * as pulumi from "@pulumi/pulumi";

/** The output key the provider's check fills with a change's monthly amounts (provider/dynamic/index.ts). */
export const AMOUNTS_OUTPUT = "__billingAmounts";

interface Amounts {
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly currency: string;
}

/** One subscription's share of the total: its amounts, or the reason it cannot be counted. */
type Share = { readonly amounts: Amounts } | { readonly missing: string };

const shares: pulumi.Output<Share>[] = [];

/**
 * Records a subscription for {@link billingSummary}. Its share is known in every preview without waiting for
 * its own update: a changed subscription carries its before/after amounts in its preview outputs (from check);
 * an unchanged one has its `monthlyPrice` from the state.
 */
export function recordForSummary(
  name: string,
  resource: pulumi.CustomResource,
  monthlyPrice: pulumi.Output<number | null>,
  currency: pulumi.Output<string | null>,
): void {
  const changed = (resource as unknown as Record<string, pulumi.Output<unknown> | undefined>)[AMOUNTS_OUTPUT];
  if (!changed) return;
  shares.push(
    changed.apply((amounts): Share | pulumi.Output<Share> => {
      if (isAmounts(amounts)) return { amounts };
      if ((amounts as { missing?: boolean } | undefined)?.missing === true) return { missing: name };
      return pulumi
        .all([monthlyPrice, currency])
        .apply(([price, code]): Share =>
          typeof price === "number" && typeof code === "string"
            ? { amounts: { monthlyBefore: price, monthlyAfter: price, currency: code } }
            : { missing: name },
        );
    }) as pulumi.Output<Share>,
  );
}

function isAmounts(value: unknown): value is Amounts {
  const v = value as Partial<Amounts> | null | undefined;
  return (
    typeof v?.monthlyBefore === "number" &&
    typeof v.monthlyAfter === "number" &&
    typeof v.currency === "string"
  );
}

function format(value: number, currency: string): string {
  return `${value.toFixed(2)}${currency === "EUR" ? " €" : ` ${currency}`}`;
}

/**
 * One line with the monthly total of every Subscription of the program, before → after the change set, for the
 * reviewer of a preview: `export const monthlyTotal = billingSummary();` shows it among the stack outputs of
 * `pulumi preview` (and `--json`), and logs it as a warning on the stack when it changes.
 *
 * Counted: every Subscription this program declares, at OVH's list prices (excluding tax). Not counted, and said
 * so: subscriptions OVH gives no price for, tenants (OVH prices them only in a cart), and subscriptions removed
 * from the program (their cancellation is the preview's delete step).
 */
export function billingSummary(): pulumi.Output<string> {
  return pulumi.all(shares).apply((all) => {
    const byCurrency = new Map<string, { before: number; after: number }>();
    const missing: string[] = [];
    for (const share of all) {
      if ("missing" in share) {
        missing.push(share.missing);
        continue;
      }
      const sum = byCurrency.get(share.amounts.currency) ?? { before: 0, after: 0 };
      sum.before += share.amounts.monthlyBefore;
      sum.after += share.amounts.monthlyAfter;
      byCurrency.set(share.amounts.currency, sum);
    }
    const totals = [...byCurrency].map(([currency, { before, after }]) => {
      const delta = after - before;
      const sign = delta > 0 ? "+" : delta < 0 ? "-" : "±";
      return `${format(before, currency)} → ${format(after, currency)} per month (${sign}${format(Math.abs(delta), currency)})`;
    });
    const line =
      `Subscriptions, monthly at OVH list prices excluding tax: ${totals.length > 0 ? totals.join("; ") : "nothing priced"}` +
      (missing.length > 0 ? `; not counted (OVH gives no price): ${missing.join(", ")}` : "") +
      "; tenants and removed subscriptions are not in this total";
    if (byCurrency.size > 0 && [...byCurrency.values()].some((t) => Math.abs(t.after - t.before) >= 0.005))
      void pulumi.log.warn(`Billing total: ${line}`);
    return line;
  });
}
