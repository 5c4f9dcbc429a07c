import * as pulumi from "@pulumi/pulumi";

// A preview: the changed subscription's outputs are its checked inputs (with the amounts check computed); the
// unchanged one's are its state (with its current amounts, kept there by the adapter); one has no price at OVH.
beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.name === "changed")
          state.__billingAmounts = { monthlyBefore: 49, monthlyAfter: 68.6, currency: "EUR" };
        if (args.name === "unchanged")
          state.__monthlyAmounts = { monthlyBefore: 16.8, monthlyAfter: 16.8, currency: "EUR" };
        if (args.name === "unpriced") state.__billingAmounts = { missing: true };
        return { id: `csp2-1/${args.name.length}`, state };
      },
      call: () => ({}),
    },
    "sdk-test",
    "unit",
    true,
  );
});

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

test("billingSummary: the total after the change set (the same in preview and up), naming what it cannot count", async () => {
  const sdk = await import("../../../sdk");
  for (const name of ["changed", "unchanged", "unpriced"])
    new sdk.Subscription(name, { tenant: "csp2-1", licence: "Microsoft 365 Business Standard", quantity: 5 });
  const line = await promiseOf(sdk.billingSummary());
  expect(line).toBe(
    "Subscriptions, monthly at OVH list prices excluding tax: 85.40 € per month; not counted (OVH gives no price): unpriced; tenants and removed subscriptions are not in this total",
  );
});
