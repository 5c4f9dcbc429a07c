/**
 * The native provider (PulumiPlugin.yaml) through the real Pulumi CLI, offline, against sandboxes started here:
 * - `pulumi import` of a seeded tenant, a seeded subscription and a DNS configuration: nothing mutating reaches
 *   OVH, and the generated Pulumi YAML previews as no changes;
 * - the Pulumi YAML example (examples/yaml): preview, up, update with a detailed diff, refresh after drift, destroy;
 * - two OVH accounts in one program through an explicit `pulumi:providers:ovhoffice`.
 *
 * Needs `npm run build` (the plugin runs dist/), the CLI (scripts/pulumi-cli.sh) and the YAML language host
 * (scripts/pulumi-yaml-host.sh). Any of them missing fails the suite: it never skips.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { domainAutoConfigHandler } from "../../provider/resources/domainAutoConfig";
import { closeAllClients, resourceContext } from "../../provider/runtime/context";
import {
  cleanupAllWorkspaces,
  createOfflineWorkspace,
  EventCollector,
  locatePulumiCli,
  locateYamlHost,
  openStack,
  repoRoot,
  stageProgram,
  type OfflineWorkspace,
  type PulumiCli,
} from "./harness";

/** What package.json `main` must be for the plugin directory to serve the provider (see provider/native/main.ts). */
const NATIVE_MAIN = "dist/provider/native/main.js";
const TENANT = "csp2-100001";
const DOMAIN = "contoso-demo.fr";

let cli: PulumiCli;
let workspace: OfflineWorkspace;
let pluginDir: string;
const sandboxes: RunningSandbox[] = [];

/**
 * The package root as it is installed: PulumiPlugin.yaml, package.json, dist/ and node_modules/. Until package.json
 * `main` is the native dispatcher (a change requested for the package), the staged copy sets it.
 */
async function stagePlugin(into: string): Promise<string> {
  const dir = path.join(into, "ovhoffice-plugin");
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(repoRoot, "PulumiPlugin.yaml"), path.join(dir, "PulumiPlugin.yaml"));
  const manifest = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as {
    main?: string;
  };
  if (manifest.main !== NATIVE_MAIN) {
    console.warn(`package.json main is "${manifest.main}"; the staged plugin uses "${NATIVE_MAIN}"`);
    manifest.main = NATIVE_MAIN;
  }
  await writeFile(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  await symlink(path.join(repoRoot, "dist"), path.join(dir, "dist"));
  await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

async function newSandbox(): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ taskDelayMs: 200, orderDelayMs: 500 });
  sandboxes.push(sandbox);
  return sandbox;
}

function providerConfig(sandbox: RunningSandbox): ConfigMap {
  return {
    "ovhoffice:endpoint": { value: sandbox.url },
    "ovhoffice:applicationKey": { value: sandbox.applicationKey },
    "ovhoffice:applicationSecret": { value: sandbox.applicationSecret, secret: true },
    "ovhoffice:consumerKey": { value: sandbox.consumerKey, secret: true },
  };
}

interface CallRecord {
  readonly method: string;
  readonly path: string;
  readonly caller: string | null;
}

async function control<T>(sandbox: RunningSandbox, route: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${sandbox.controlUrl}${route}`, {
    ...init,
    headers: { "content-type": "application/json" },
  });
  if (!response.ok)
    throw new Error(`${init?.method ?? "GET"} ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function calls(sandbox: RunningSandbox): Promise<CallRecord[]> {
  return control<CallRecord[]>(sandbox, "/calls");
}

async function mutatingCalls(sandbox: RunningSandbox): Promise<string[]> {
  return (await calls(sandbox)).filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`);
}

async function clearCalls(sandbox: RunningSandbox): Promise<void> {
  await fetch(`${sandbox.controlUrl}/calls`, { method: "DELETE" });
}

interface SandboxSubscription {
  readonly id: number;
  readonly serviceName: string;
  readonly licenseId: number;
  readonly quantity: number;
  readonly status: string;
}

interface SandboxState {
  readonly state: {
    readonly csp2: { readonly subscriptions: Record<string, SandboxSubscription> };
    readonly domain: { readonly zones: Record<string, { records: { fieldType: string; target: string }[] }> };
  };
}

async function subscriptions(sandbox: RunningSandbox): Promise<SandboxSubscription[]> {
  const { state } = await control<SandboxState>(sandbox, "/state");
  return Object.values(state.csp2.subscriptions).filter((s) => s.serviceName === TENANT);
}

async function zoneRecords(sandbox: RunningSandbox, zone: string) {
  const { state } = await control<SandboxState>(sandbox, "/state");
  return state.domain.zones[zone]?.records ?? [];
}

async function seededStandard(sandbox: RunningSandbox): Promise<SandboxSubscription> {
  const found = (await subscriptions(sandbox)).find((s) => s.licenseId === 1002);
  if (!found) throw new Error("the sandbox seed has no Business Standard subscription on csp2-100001");
  return found;
}

/** The stack's state file as the file backend stores it. */
async function storedState(s: Stack): Promise<string> {
  const project = (await s.workspace.projectSettings()).name;
  return readFile(path.join(workspace.stateDir, ".pulumi", "stacks", project, `${s.name}.json`), "utf8");
}

/** A Pulumi YAML project that loads the staged plugin. */
async function yamlProject(name: string, body: string): Promise<string> {
  const dir = path.join(workspace.dir, "programs", name);
  await mkdir(dir, { recursive: true });
  const header = [
    `name: ${name}`,
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: ovhoffice",
    `      path: ${pluginDir}`,
    "",
  ].join("\n");
  await writeFile(path.join(dir, "Pulumi.yaml"), header + body);
  return dir;
}

async function stack(programDir: string, config: ConfigMap, stackName = "e2e"): Promise<Stack> {
  return openStack({ cli, workspace, programDir, stackName, config });
}

beforeAll(
  async () => {
    cli = await locatePulumiCli();
    await locateYamlHost(cli);
    if (!existsSync(path.join(repoRoot, NATIVE_MAIN))) {
      throw new Error(`${NATIVE_MAIN} is missing: run \`npm run build\` before the e2e suite`);
    }
    workspace = await createOfflineWorkspace(cli);
    pluginDir = await stagePlugin(workspace.dir);
  },
  30 * 60 * 1000,
);

afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.stop()));
  await closeAllClients();
  await cleanupAllWorkspaces();
});

describe("pulumi import through the native provider", () => {
  it("imports a tenant, a subscription and a DNS configuration without ordering; the code previews as no changes", async () => {
    const sandbox = await newSandbox();
    // A DNS configuration to import, written through the provider's own resource logic.
    const lookup = (key: string): string | undefined =>
      (
        ({
          endpoint: sandbox.url,
          applicationKey: sandbox.applicationKey,
          applicationSecret: sandbox.applicationSecret,
          consumerKey: sandbox.consumerKey,
        }) as Record<string, string>
      )[key];
    const ctx = resourceContext(lookup, undefined);
    const checked = await domainAutoConfigHandler.check({ tenant: TENANT, domain: DOMAIN }, ctx);
    expect(checked.failures).toEqual([]);
    await domainAutoConfigHandler.create(checked.inputs!, ctx);
    const standard = await seededStandard(sandbox);
    await clearCalls(sandbox);

    const programDir = await yamlProject("imports", "");
    const s = await stack(programDir, providerConfig(sandbox));
    const imported = await s.import({
      protect: false,
      generateCode: true,
      resources: [
        { type: "ovhoffice:index:Office365ResellerTenant", name: "contoso", id: TENANT },
        { type: "ovhoffice:index:Subscription", name: "standard", id: `${TENANT}/${standard.id}` },
        { type: "ovhoffice:index:DomainAutoConfig", name: "dns", id: `${TENANT}/${DOMAIN}` },
      ],
    });
    expect(imported.summary.result).toBe("succeeded");
    expect(imported.summary.resourceChanges?.import).toBe(3);
    expect(await mutatingCalls(sandbox)).toEqual([]);

    // Adopting inputs, never ordering ones.
    const code = imported.generatedCode;
    expect(code).toContain(`existingServiceName: ${TENANT}`);
    expect(code).toMatch(/existingSubscriptionId: /);
    expect(code).toContain(`domain: ${DOMAIN}`);
    expect(code).not.toMatch(/protect: true/);

    // The generated program is the project's program: nothing to do.
    await writeFile(
      path.join(programDir, "Pulumi.yaml"),
      (await readFile(path.join(programDir, "Pulumi.yaml"), "utf8")) + code,
    );
    const events = new EventCollector();
    await s.preview({ expectNoChanges: true, onEvent: events.onEvent });
    expect(events.resourceOps().map((op) => [op.name, op.op])).toEqual(
      expect.arrayContaining([
        ["contoso", "same"],
        ["standard", "same"],
        ["dns", "same"],
      ]),
    );
    expect(await mutatingCalls(sandbox)).toEqual([]);

    const state = await s.exportStack();
    const resources = (
      state.deployment as { resources: { type: string; inputs?: Record<string, unknown> }[] }
    ).resources;
    const tenant = resources.find((r) => r.type === "ovhoffice:index:Office365ResellerTenant");
    expect(tenant?.inputs).toMatchObject({ existingServiceName: TENANT, displayName: "Contoso Ltd" });
    await s.workspace.removeStack(s.name, { force: true });
  });
});

describe("examples/yaml through the native provider", () => {
  it("previews without writing, creates, updates with a detailed diff, refreshes drift and destroys", async () => {
    const sandbox = await newSandbox();
    const standard = await seededStandard(sandbox);
    const programDir = await stageProgram(workspace, path.join(repoRoot, "examples", "yaml"), {
      name: "example-yaml",
      linkProjectPackage: false,
    });
    const projectFile = path.join(programDir, "Pulumi.yaml");
    const project = await readFile(projectFile, "utf8");
    expect(project).toContain("path: ../..");
    await writeFile(projectFile, project.replace("path: ../..", `path: ${pluginDir}`));
    const s = await stack(programDir, {
      ...providerConfig(sandbox),
      adoptedSubscriptionId: { value: String(standard.id) },
      adoptedSeats: { value: String(standard.quantity) },
    });
    await clearCalls(sandbox);

    // Preview: three creations, nothing written.
    const preview = new EventCollector();
    const pv = await s.preview({ onEvent: preview.onEvent });
    expect(pv.changeSummary.create).toBe(4); // 3 resources + the stack
    expect(preview.opsByName()).toEqual({ adopted: ["create"], basic: ["create"], dns: ["create"] });
    expect(await mutatingCalls(sandbox)).toEqual([]);
    // The new subscription's billing line, as a warning on that resource (the engine's log with its URN).
    const newLine = preview.events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === "warning" && d.urn?.endsWith("::basic"))
      .map((d) => d?.message ?? "");
    expect(newLine.join("\n")).toMatch(
      /Billing: new subscription of 3 seats of "Microsoft 365 Business Basic": \+16\.80 €\/month/,
    );

    // Up: one order (the adopted subscription is not ordered), the DNS records written.
    const before = await subscriptions(sandbox);
    const up = await s.up();
    expect(up.summary.result).toBe("succeeded");
    const basicId = up.outputs.basicSubscriptionId?.value as number;
    expect(basicId).toEqual(expect.any(Number));
    const orders = (await mutatingCalls(sandbox)).filter((c) => c.endsWith("/subscription"));
    expect(orders).toEqual([`POST /saas/csp2/${TENANT}/subscription`]);
    const after = await subscriptions(sandbox);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((x) => x.id === basicId)).toMatchObject({ licenseId: 1001, quantity: 3 });
    expect((await zoneRecords(sandbox, DOMAIN)).map((r) => r.target)).toContain(
      "0 contoso-demo-fr.mail.protection.outlook.com.",
    );
    await s.preview({ expectNoChanges: true });

    // A seat change: an update naming `quantity`, not a replacement.
    await s.setConfig("basicSeats", { value: "5" });
    const change = new EventCollector();
    await s.preview({ diff: true, onEvent: change.onEvent });
    const basicOp = change.resourceOps().find((op) => op.name === "basic");
    expect(basicOp?.op).toBe("update");
    expect(basicOp?.keys).toEqual([]);
    expect(basicOp?.diffs).toEqual(["quantity"]);
    expect(basicOp?.detailedDiff).toEqual({ quantity: { diffKind: "update", inputDiff: false } });
    const seatLine = change.events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === "warning" && d.urn?.endsWith("::basic"))
      .map((d) => d?.message ?? "");
    expect(seatLine.join("\n")).toMatch(
      /3 → 5 \(\+2\): \+11\.20 €\/month.*decreases allowed until \d{4}-\d\d-\d\d/,
    );
    await s.up();
    expect((await subscriptions(sandbox)).find((x) => x.id === basicId)?.quantity).toBe(5);

    // Drift made at OVH is picked up by refresh, and the next preview puts it back.
    await control(sandbox, `/csp2/tenants/${TENANT}/subscriptions/${basicId}`, {
      method: "PUT",
      body: JSON.stringify({ quantity: 7 }),
    });
    await s.refresh();
    const refreshed = await s.exportStack();
    const basicState = (
      refreshed.deployment as { resources: { urn: string; outputs?: Record<string, unknown> }[] }
    ).resources.find((r) => r.urn.endsWith("::basic"));
    expect(basicState?.outputs?.quantity).toBe(7);
    const back = new EventCollector();
    await s.preview({ onEvent: back.onEvent });
    expect(back.opsByName().basic).toEqual(["update"]);

    // Destroy: the ordered subscription is cancelled, the adopted one kept, the records removed.
    const destroyed = await s.destroy();
    expect(destroyed.summary.resourceChanges?.delete).toBe(4);
    const left = await subscriptions(sandbox);
    expect(left.find((x) => x.id === basicId)).toBeUndefined();
    expect(left.find((x) => x.id === standard.id)).toMatchObject({ quantity: standard.quantity });
    expect((await zoneRecords(sandbox, DOMAIN)).map((r) => r.target)).not.toContain(
      "0 contoso-demo-fr.mail.protection.outlook.com.",
    );
    await s.workspace.removeStack(s.name);
  });
});

describe("several OVH accounts in one program", () => {
  it("an explicit provider's arguments reach its own plugin process; the default provider uses the stack config", async () => {
    const first = await newSandbox();
    const second = await newSandbox();
    const programDir = await yamlProject(
      "two-accounts",
      [
        "config:",
        "  secondEndpoint: { type: string }",
        "  secondApplicationKey: { type: string }",
        "  secondApplicationSecret: { type: string, secret: true }",
        "  secondConsumerKey: { type: string, secret: true }",
        "resources:",
        "  second:",
        "    type: pulumi:providers:ovhoffice",
        "    properties:",
        "      endpoint: ${secondEndpoint}",
        "      applicationKey: ${secondApplicationKey}",
        "      applicationSecret: ${secondApplicationSecret}",
        "      consumerKey: ${secondConsumerKey}",
        "      apiRateLimit: 20",
        "  inFirst:",
        "    type: ovhoffice:Subscription",
        "    properties: { tenant: csp2-100001, licenceId: 1001, quantity: 1 }",
        "  inSecond:",
        "    type: ovhoffice:Subscription",
        "    properties: { tenant: csp2-100001, licenceId: 1011, quantity: 2 }",
        "    options: { provider: '${second}' }",
        "",
      ].join("\n"),
    );
    const s = await stack(programDir, {
      ...providerConfig(first),
      secondEndpoint: { value: second.url },
      secondApplicationKey: { value: second.applicationKey },
      secondApplicationSecret: { value: second.applicationSecret, secret: true },
      secondConsumerKey: { value: second.consumerKey, secret: true },
    });
    await clearCalls(first);
    await clearCalls(second);
    await s.up();

    const orders = async (sandbox: RunningSandbox) =>
      (await calls(sandbox)).filter((c) => c.method === "POST").map((c) => [c.path, c.caller]);
    expect(await orders(first)).toEqual([
      [`/saas/csp2/${TENANT}/subscription`, `consumerKey:${first.consumerKey}`],
    ]);
    expect(await orders(second)).toEqual([
      [`/saas/csp2/${TENANT}/subscription`, `consumerKey:${second.consumerKey}`],
    ]);
    expect((await subscriptions(first)).some((x) => x.licenseId === 1001 && x.quantity === 1)).toBe(true);
    expect((await subscriptions(second)).some((x) => x.licenseId === 1011 && x.quantity === 2)).toBe(true);

    // The providers' secrets are encrypted in the stored state (exportStack would decrypt them).
    const stored = await storedState(s);
    expect(stored).toContain(second.applicationKey);
    expect(stored).not.toContain(second.applicationSecret);
    expect(stored).not.toContain(first.applicationSecret);
    expect(stored).not.toContain(second.consumerKey);

    await s.destroy();
    expect((await subscriptions(second)).some((x) => x.licenseId === 1011)).toBe(false);
    await s.workspace.removeStack(s.name);
  });
});
