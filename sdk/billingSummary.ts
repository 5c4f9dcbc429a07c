import * as pulumi from "@pulumi/pulumi";
import { amountText } from "../provider/resources/billing";
import { AMOUNTS_KEY, STATE_AMOUNTS_KEY } from "../provider/runtime/billingKeys";

interface Amounts {
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly currency: string;
}

/** One subscription's share of the total: its amounts, or the reason it cannot be counted. */
type Share = { readonly amounts: Amounts } | { readonly missing: string };

const shares: pulumi.Output<Share>[] = [];

/* eslint-disable @typescript-eslint/no-explicit-any -- Output's isKnown/promise are not in its public type */
/** `first` when it is known and set, else `second`: whichever of the two a preview knows. */
function firstKnown<T>(first: pulumi.Output<T>, second: pulumi.Output<T>): pulumi.Output<T> {
  const pick = (async () => {
    const known = await (first as any).isKnown;
    if (known && (await (first as any).promise()) != null) return first;
    return second;
  })();
  return pulumi.output(pick) as unknown as pulumi.Output<T>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Records a subscription for {@link billingSummary}. Its share is known in every preview without waiting for
 * its own update: a changed subscription carries its before/after amounts in its preview outputs (from check);
 * an unchanged one has its current amount in its state (kept there by the provider).
 */
export function recordForSummary(name: string, resource: pulumi.CustomResource): void {
  const outputs = resource as unknown as Record<string, pulumi.Output<unknown> | undefined>;
  const changed = outputs[AMOUNTS_KEY];
  const current = outputs[STATE_AMOUNTS_KEY];
  if (!changed || !current) return;
  shares.push(
    firstKnown(changed, current).apply((amounts): Share => {
      if (isAmounts(amounts)) return { amounts };
      return { missing: name };
    }),
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

/**
 * The monthly total of every Subscription of the program at OVH's list prices (excluding tax), for the reviewer of
 * a preview: `export const monthlyTotal = billingSummary();` is a stack output, so `pulumi preview` shows it
 * changing (`~ monthlyTotal: "… 294.00 € per month" => "… 359.80 € per month"`, also in `--json`), and a preview
 * that changes it logs one warning on the stack with before → after and the difference.
 *
 * The output holds the total AFTER the change only: it must be the same in the preview and in the `up` that
 * applies it, or an update plan (`pulumi up --plan`) would refuse the run.
 *
 * Counted: every Subscription this program declares. Not counted, and said so: subscriptions OVH gives no price
 * for, tenants (OVH prices them only in a cart), and subscriptions removed from the program (their cancellation
 * is the preview's delete step).
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
    const rest =
      (missing.length > 0 ? `; not counted (OVH gives no price): ${missing.join(", ")}` : "") +
      "; tenants and removed subscriptions are not in this total";
    const after = [...byCurrency].map(([currency, t]) => `${amountText(t.after, currency)} per month`);
    const changes = [...byCurrency].filter(([, t]) => Math.abs(t.after - t.before) >= 0.005);
    if (pulumi.runtime.isDryRun() && changes.length > 0) {
      const text = [...byCurrency].map(([currency, { before, after: now }]) => {
        const delta = now - before;
        const sign = delta > 0 ? "+" : delta < 0 ? "-" : "±";
        return `${amountText(before, currency)} → ${amountText(now, currency)} per month (${sign}${amountText(Math.abs(delta), currency)})`;
      });
      void pulumi.log.warn(
        `Billing total: Subscriptions, monthly at OVH list prices excluding tax: ${text.join("; ")}${rest}`,
      );
    }
    return `Subscriptions, monthly at OVH list prices excluding tax: ${after.length > 0 ? after.join("; ") : "nothing priced"}${rest}`;
  });
}
