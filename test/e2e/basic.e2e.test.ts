/**
 * The basic example through the real Pulumi CLI (Automation API), offline, against a sandbox started here:
 * what a reseller lives through, from the first preview to destroy.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { SandboxControl } from "../integration/support";
import {
  EventCollector,
  createOfflineWorkspace,
  locatePulumiCli,
  repoRoot,
  stageProgram,
  openStack,
  type OfflineWorkspace,
} from "./harness";

const CUSTOMER = {
  displayName: "Acme Corp",
  contact: {
    firstName: "Ada",
    lastName: "Lovelace",
    email: "it@acme.example",
    phone: "+33.123456789",
    address: "1 rue de la Paix",
    city: "Paris",
    zipCode: "75001",
    country: "FR",
  },
};

let sandbox: RunningSandbox;
let control: SandboxControl;
let workspace: OfflineWorkspace;
let stack: Stack;

beforeAll(async () => {
  const cli = await locatePulumiCli();
  sandbox = await startSandbox({ seed: "default", taskDelayMs: 200, orderDelayMs: 400 });
  control = new SandboxControl(sandbox.controlUrl);
  workspace = await createOfflineWorkspace(cli, {
    env: {
      OVH_API_RATE_LIMIT: "0",
      OVH_OFFICE_POLL_FIRST_DELAY_MS: "100",
      OVH_OFFICE_POLL_MAX_DELAY_MS: "500",
    },
  });
  const programDir = await stageProgram(workspace, path.join(repoRoot, "examples", "basic"));
  stack = await openStack({
    cli,
    workspace,
    programDir,
    config: {
      // Credentials as secret stack config: they must reach the provider, and never the state in clear.
      "ovh:endpoint": { value: sandbox.url },
      "ovh:applicationKey": { value: sandbox.applicationKey },
      "ovh:applicationSecret": { value: sandbox.applicationSecret, secret: true },
      "ovh:consumerKey": { value: sandbox.consumerKey, secret: true },
      mpnId: { value: "1234567" },
      domain: { value: "contoso-demo.fr" },
      customer: { value: JSON.stringify(CUSTOMER) },
      seats: { value: "25" },
    },
  });
}, 15 * 60_000);

afterAll(async () => {
  await workspace?.cleanup();
  await sandbox?.stop();
});

async function mutatingCalls(): Promise<string[]> {
  return control.mutatingCallLines();
}

describe("examples/basic with the real Pulumi CLI", () => {
  it("previews the whole order on an empty stack without any mutating call at OVH", async () => {
    await control.clearCalls();
    const events = new EventCollector();
    const preview = await stack.preview({ onEvent: events.onEvent });
    expect(preview.changeSummary.create).toBe(5); // stack + tenant + 2 subscriptions + DNS
    expect(events.opsByName()).toEqual({
      tenant: ["create"],
      "main-licence": ["create"],
      "exchange-archiving": ["create"],
      domain: ["create"],
    });
    expect(events.resourceOps().map((op) => op.type)).toContain(
      "pulumi-nodejs:dynamic/ovh-office365:Office365ResellerTenant",
    );
    expect(await mutatingCalls()).toEqual([]);
  });

  it("creates everything with up, and a second preview shows no changes", async () => {
    await control.clearCalls();
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(5);
    const serviceName = up.outputs.serviceName?.value as string;
    expect(serviceName).toMatch(/^csp2-\d+$/);
    const lines = await mutatingCalls();
    expect(lines.filter((l) => l.startsWith("POST /order/cart/") && l.endsWith("/checkout"))).toHaveLength(1);
    expect(lines.filter((l) => l === `POST /saas/csp2/${serviceName}/subscription`)).toHaveLength(1);
    expect(lines.filter((l) => /\/subscription\/\d+\/orderAddon$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l === "POST /domain/zone/contoso-demo.fr/refresh")).toHaveLength(1);

    await control.clearCalls();
    await stack.preview({ expectNoChanges: true });
    expect(await mutatingCalls()).toEqual([]);
  });

  it("previews a seat increase as an in-place update and applies exactly one changeQuantity", async () => {
    await stack.setConfig("seats", { value: "30" });
    const events = new EventCollector();
    await control.clearCalls();
    await stack.preview({ onEvent: events.onEvent });
    const ops = events.resourceOps();
    // Exactly one update: the add-on built on main-licence's subscriptionId previews no false change.
    const changed = ops.filter((op) => op.op !== "same");
    expect(changed.map((op) => [op.name, op.op])).toEqual([["main-licence", "update"]]);
    // The changed property is named, as `pulumi preview --json` shows it (diffReasons / detailedDiff).
    expect(changed[0]?.diffs).toEqual(["quantity"]);
    expect(Object.keys(changed[0]?.detailedDiff ?? {})).toEqual(["quantity"]);
    expect(await mutatingCalls()).toEqual([]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    const lines = await mutatingCalls();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^POST \/saas\/csp2\/csp2-\d+\/subscription\/\d+\/changeQuantity$/);
    expect(up.outputs.mainSeats?.value).toBe(30);
  });

  it("previews a licence change as a replacement", async () => {
    await stack.setConfig("licence", { value: "Microsoft 365 Business Premium" });
    try {
      const events = new EventCollector();
      await stack.preview({ onEvent: events.onEvent });
      const main = events.resourceOps().filter((op) => op.name === "main-licence");
      expect(main.map((op) => op.op)).toContain("replace");
      expect(main.find((op) => op.op === "replace")?.keys).toContain("licence");
      // A real parent replacement still shows the add-on's replacement (its parent subscription changes).
      const addon = events.resourceOps().filter((op) => op.name === "exchange-archiving");
      expect(addon.find((op) => op.op === "replace")?.keys).toContain("parentSubscriptionId");
    } finally {
      await stack.removeConfig("licence");
    }
  });

  it("refuses a seat count above the licence limit at preview, naming the property, with nothing sent", async () => {
    await stack.setConfig("seats", { value: "500" });
    await control.clearCalls();
    try {
      await expect(stack.preview()).rejects.toThrow(/quantity/);
      expect(await mutatingCalls()).toEqual([]);
    } finally {
      await stack.setConfig("seats", { value: "30" });
    }
  });

  it("catches a seat count changed out of band on refresh, and the next preview puts it back", async () => {
    const state = await stack.exportStack();
    const main = (
      state.deployment.resources as Array<{ urn: string; outputs: Record<string, unknown> }>
    ).find((r) => r.urn.endsWith("::main-licence"));
    const tenant = main?.outputs.tenant as string;
    const id = main?.outputs.subscriptionId as number;
    await control.editSubscription(tenant, id, { quantity: 42 });

    await stack.refresh();
    const after = await stack.exportStack();
    const refreshed = (
      after.deployment.resources as Array<{ urn: string; outputs: Record<string, unknown> }>
    ).find((r) => r.urn.endsWith("::main-licence"));
    expect(refreshed?.outputs.quantity).toBe(42);

    const events = new EventCollector();
    await stack.preview({ onEvent: events.onEvent });
    expect(events.resourceOps().find((op) => op.name === "main-licence")?.op).toBe("update");
  });

  it("keeps credentials out of the state file and the serialized provider small", async () => {
    // The state file as the backend stores it (exportStack would decrypt secrets for us).
    const files = (await readdir(workspace.stateDir, { recursive: true })).filter((f) => f.endsWith(".json"));
    const stateText = (
      await Promise.all(files.map((f) => readFile(path.join(workspace.stateDir, f), "utf8")))
    ).join("\n");
    expect(stateText).toContain("csp2-"); // it is the state we mean
    expect(stateText).not.toContain(sandbox.applicationSecret);
    expect(stateText).not.toContain(sandbox.consumerKey);
    const resources = (await stack.exportStack()).deployment.resources as Array<{
      type: string;
      outputs?: Record<string, unknown>;
    }>;
    const sizes = resources
      .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
      .map((r) => String(r.outputs?.__provider ?? "").length);
    expect(sizes.length).toBe(4);
    console.log(`serialized dynamic provider per resource: ${Math.max(...sizes)} bytes`);
    for (const size of sizes) expect(size).toBeLessThan(8_000);
  });

  it("destroys: cancels the subscriptions, removes exactly its DNS records, retains the tenant", async () => {
    const before = await control.state();
    await control.clearCalls();
    const events = new EventCollector();
    const destroy = await stack.destroy({ onEvent: events.onEvent });
    expect(destroy.summary.resourceChanges?.delete).toBe(5);
    // The retention message lands on the tenant, counted as a warning, and does not claim licences it just cancelled.
    const onTenant = events.events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === "warning" && d.urn?.endsWith("::tenant"))
      .map((d) => d?.message ?? "");
    expect(onTenant.join("\n")).toMatch(/was NOT terminated \(deletionPolicy "retain"\)/);
    expect(onTenant.join("\n")).toMatch(/subscriptions this run cancelled stay cancelled/);
    expect(onTenant.join("\n")).not.toMatch(/with its licences/);
    const lines = await mutatingCalls();
    expect(lines.filter((l) => /^DELETE \/saas\/csp2\/csp2-\d+\/subscription\/\d+$/.test(l)).length).toBe(2);
    expect(lines.filter((l) => l.startsWith("DELETE /domain/zone/contoso-demo.fr/record/"))).toHaveLength(7);
    // retain: the tenant is neither terminated nor set to expire
    expect(lines.filter((l) => l.includes("serviceInfos"))).toEqual([]);
    const after = await control.state();
    expect(JSON.stringify(after)).toContain(CUSTOMER.displayName);
    expect(before).toBeDefined();
  });
});
