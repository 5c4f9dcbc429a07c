/**
 * The estate example through the real Pulumi CLI: adopting existing tenants and subscriptions orders nothing,
 * and a pull request that changes one seat count previews as exactly that change.
 */
import { writeFile } from "node:fs/promises";
import type { Stack } from "@pulumi/pulumi/automation";
import type { SandboxControl } from "../integration/support";
import { EventCollector, openEstateExample, type EstateExample } from "./harness";

/** The seeded Contoso tenant and two of its subscriptions, adopted as they are. */
function estate(businessStandardSeats: number): string {
  return JSON.stringify({
    mpnId: "6543210",
    customers: [
      {
        key: "contoso",
        existingServiceName: "csp2-100001",
        licences: [
          {
            licence: "Microsoft 365 Business Standard",
            seats: businessStandardSeats,
            existingSubscriptionId: 3000001,
          },
          { licence: "Microsoft 365 Business Premium", seats: 10, existingSubscriptionId: 3000003 },
        ],
      },
    ],
  });
}

let example: EstateExample;
let control: SandboxControl;
let stack: Stack;
let estateFile: string;

beforeAll(async () => {
  example = await openEstateExample(estate(30));
  ({ control, stack, estateFile } = example);
}, 15 * 60_000);

afterAll(async () => {
  await example?.close();
});

describe("examples/estate with the real Pulumi CLI", () => {
  it("adopts an existing tenant and its subscriptions without any order or other write", async () => {
    await control.clearCalls();
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBeGreaterThanOrEqual(3); // tenant + 2 subscriptions
    expect(await control.mutatingCallLines()).toEqual([]);
    await stack.preview({ expectNoChanges: true });
    expect(await control.mutatingCallLines()).toEqual([]);
  });

  it("previews a one-line seat change in the data file as exactly one in-place update", async () => {
    await writeFile(estateFile, estate(35));
    const events = new EventCollector();
    await control.clearCalls();
    const preview = await stack.preview({ onEvent: events.onEvent });
    const changed = events.resourceOps().filter((op) => op.op !== "same");
    expect(changed).toHaveLength(1);
    expect(changed[0]?.op).toBe("update");
    expect(changed[0]?.name).toContain("business-standard");
    expect(preview.changeSummary.update).toBe(1);
    expect(await control.mutatingCallLines()).toEqual([]);
  });
});
