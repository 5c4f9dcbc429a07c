/**
 * The estate example through the real Pulumi CLI: adopting existing tenants and subscriptions orders nothing,
 * and a pull request that changes one seat count previews as exactly that change.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { SandboxControl } from "../integration/support";
import {
  EventCollector,
  createOfflineWorkspace,
  locatePulumiCli,
  openStack,
  repoRoot,
  sandboxEnvironment,
  stageProgram,
  type OfflineWorkspace,
} from "./harness";

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

let sandbox: RunningSandbox;
let control: SandboxControl;
let workspace: OfflineWorkspace;
let stack: Stack;
let estateFile: string;

beforeAll(async () => {
  const cli = await locatePulumiCli();
  sandbox = await startSandbox({ seed: "default", taskDelayMs: 200, orderDelayMs: 400 });
  control = new SandboxControl(sandbox.controlUrl);
  workspace = await createOfflineWorkspace(cli, {
    env: sandboxEnvironment(sandbox),
  });
  const programDir = await stageProgram(workspace, path.join(repoRoot, "examples", "estate"));
  estateFile = path.join(workspace.dir, "estate.json");
  await writeFile(estateFile, estate(30));
  stack = await openStack({ cli, workspace, programDir, config: { estateFile: { value: estateFile } } });
}, 15 * 60_000);

afterAll(async () => {
  await workspace?.cleanup();
  await sandbox?.stop();
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
