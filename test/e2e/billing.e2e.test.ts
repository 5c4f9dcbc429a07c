/**
 * Billing safety in preview, through the real Pulumi CLI on the sandbox (examples/estate): each billed change
 * shows its seat delta, its monthly € delta from OVH's price API and its commitment consequence as a warning on
 * the resource; what is knowable at preview is refused at preview with nothing written; an update plan saved by
 * `pulumi preview --save-plan` gates `pulumi up --plan`.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { SandboxControl } from "../integration/support";
import { EventCollector, openEstateExample, type EstateExample } from "./harness";

interface Line {
  licence: string;
  seats: number;
  existingSubscriptionId?: number;
  name?: string;
}

const CONTACT = {
  firstName: "Ada",
  lastName: "Lovelace",
  email: "it@northwind.example",
  phone: "+33.123456789",
  address: "1 rue de la Paix",
  city: "Paris",
  zipCode: "75001",
  country: "FR",
};

/** The seeded Contoso tenant (its Business Standard subscription bought 119 days ago), plus what a test adds. */
function estate(standardSeats: number, extra: { contoso?: Line[]; newCustomer?: Line[] } = {}): string {
  return JSON.stringify({
    mpnId: "6543210",
    customers: [
      {
        key: "contoso",
        existingServiceName: "csp2-100001",
        licences: [
          {
            licence: "Microsoft 365 Business Standard",
            seats: standardSeats,
            existingSubscriptionId: 3000001,
          },
          ...(extra.contoso ?? []),
        ],
      },
      ...(extra.newCustomer
        ? [{ key: "northwind", displayName: "Northwind", contact: CONTACT, licences: extra.newCustomer }]
        : []),
    ],
  });
}

let example: EstateExample;
let control: SandboxControl;
let stack: Stack;
let estateFile: string;

/** Warnings the engine attached to a resource, by resource name. */
function warningsByResource(events: readonly EngineEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const event of events) {
    const diag = event.diagnosticEvent;
    if (!diag || diag.severity !== "warning" || !diag.urn) continue;
    const name = diag.urn.split("::").pop() ?? diag.urn;
    (out[name] ??= []).push(diag.message.trim());
  }
  return out;
}

beforeAll(async () => {
  example = await openEstateExample(estate(30));
  ({ control, stack, estateFile } = example);
  await stack.up();
}, 15 * 60_000);

afterAll(async () => {
  await example?.close();
});

describe("billing safety in preview (examples/estate, real Pulumi CLI)", () => {
  it("a seat increase: exactly one update naming quantity, with its € delta and commitment on the resource", async () => {
    await writeFile(estateFile, estate(35));
    const events = new EventCollector();
    await control.clearCalls();
    const preview = await stack.preview({ onEvent: events.onEvent });
    const changed = events.resourceOps().filter((op) => op.op !== "same");
    expect(changed.map((op) => op.op)).toEqual(["update"]);
    expect(changed[0]?.diffs).toEqual(["quantity"]);
    // The property diff a reviewer reads (`--diff`) shows the seat count and nothing the provider keeps for
    // itself (the facts check carries in state, the billing line riding on the checked inputs).
    const detailed = await stack.preview({ diff: true });
    expect(detailed.stdout).toMatch(/~ quantity: 30 => 35/);
    expect(detailed.stdout).not.toMatch(/knownAtOvh|__billing|__provider/);
    const warnings = warningsByResource(events.events)[changed[0]?.name ?? ""] ?? [];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/30 → 35 \(\+5\)/);
    expect(warnings[0]).toMatch(/\+\d+\.\d\d €\/month/);
    expect(warnings[0]).toMatch(/increase billed at least until \d{4}-\d\d-\d\d/);
    expect(preview.stdout).toMatch(/warning/i);
    // One total for the whole change set (billingSummary), at 9.80 € per Business Standard seat in the sandbox.
    const total = events.events
      .map((e) => e.diagnosticEvent?.message ?? "")
      .filter((m) => m.includes("Billing total:"));
    expect(total.join("\n")).toMatch(/294\.00 € → 343\.00 € per month \(\+49\.00 €\)/);
    expect(await control.mutatingCallLines()).toEqual([]);
  });

  it("a seat decrease outside the cancellation window is refused at preview, with the date and the alternative", async () => {
    await writeFile(estateFile, estate(28));
    await control.clearCalls();
    const error = await stack.preview().catch((e: unknown) => e as Error);
    expect(String(error)).toMatch(/quantity/);
    expect(String(error)).toMatch(/window for decreases after purchase or renewal closed on \d{4}-\d\d-\d\d/);
    expect(String(error)).toMatch(/Keep 30 seats now/);
    expect(await control.mutatingCallLines()).toEqual([]);
  });

  it("a new tenant and new subscriptions show their lines; an unknown licence of a new tenant is refused with zero writes", async () => {
    await writeFile(
      estateFile,
      estate(30, {
        contoso: [{ licence: "Microsoft 365 Business Basic", seats: 3 }],
        newCustomer: [{ licence: "Microsoft 365 Business Premium", seats: 4 }],
      }),
    );
    const events = new EventCollector();
    await control.clearCalls();
    await stack.preview({ onEvent: events.onEvent });
    const warnings = warningsByResource(events.events);
    expect(warnings.northwind?.join("\n")).toMatch(/new tenant/);
    expect(warnings.northwind?.join("\n")).toMatch(/no price/);
    const lines = Object.entries(warnings).filter(([name]) => name !== "northwind");
    const all = lines.map(([, w]) => w.join("\n")).join("\n");
    expect(all).toMatch(
      /new subscription of 3 seats of "Microsoft 365 Business Basic": \+\d+\.\d\d €\/month/,
    );
    expect(all).toMatch(
      /new subscription of 4 seats of "Microsoft 365 Business Premium": \+\d+\.\d\d €\/month/,
    );
    expect(all).toMatch(/decreases and cancellation allowed within 7 days after the order/);
    // The total counts the unchanged subscription from its state: 30 × 9.80 + 3 × 5.60 + 4 × 11.70.
    const total = events.events
      .map((e) => e.diagnosticEvent?.message ?? "")
      .filter((m) => m.includes("Billing total:"));
    expect(total.join("\n")).toMatch(/294\.00 € → 357\.60 € per month \(\+63\.60 €\)/);
    expect(await control.mutatingCallLines()).toEqual([]);

    await writeFile(
      estateFile,
      estate(30, { newCustomer: [{ licence: "Microsoft 365 Business Ultra", seats: 4 }] }),
    );
    await control.clearCalls();
    const error = await stack.preview().catch((e: unknown) => e as Error);
    expect(String(error)).toMatch(/no orderable licence is named "Microsoft 365 Business Ultra"/);
    expect(String(error)).toMatch(/the new tenant does not exist yet/);
    expect(await control.mutatingCallLines()).toEqual([]);
  });

  it("an update plan gates up: the reviewed change applies, a change not in the plan is refused", async () => {
    const planFile = path.join(example.workspace.dir, "plan.json");
    const basic = { licence: "Microsoft 365 Business Basic", seats: 3 };
    await writeFile(estateFile, estate(30, { contoso: [basic] }));
    await stack.preview({ plan: planFile });
    await control.clearCalls();
    const up = await stack.up({ plan: planFile });
    expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
    expect((await control.mutatingCallLines()).filter((l) => l.endsWith("/subscription"))).toHaveLength(1);

    // Reviewed: 3 → 4 seats. Applied: 3 → 6 (a change that was not in the plan).
    await writeFile(estateFile, estate(30, { contoso: [{ ...basic, seats: 4 }] }));
    await stack.preview({ plan: planFile });
    await writeFile(estateFile, estate(30, { contoso: [{ ...basic, seats: 6 }] }));
    await control.clearCalls();
    const refused = await stack.up({ plan: planFile }).catch((e: unknown) => e as Error);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/violates plan/);
    expect(await control.mutatingCallLines()).toEqual([]);

    // Inside the window after purchase, a decrease is allowed, and says until when.
    await writeFile(estateFile, estate(30, { contoso: [{ ...basic, seats: 2 }] }));
    const events = new EventCollector();
    await stack.preview({ onEvent: events.onEvent });
    const all = Object.values(warningsByResource(events.events)).flat().join("\n");
    expect(all).toMatch(/3 → 2 \(-1\): -\d+\.\d\d €\/month/);
    expect(all).toMatch(/decrease allowed until \d{4}-\d\d-\d\d/);
  });
});
