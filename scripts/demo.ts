/**
 * `npm run demo`: the basic example against a local sandbox with the real Pulumi CLI, told the way a reseller
 * would follow it. Starts and stops everything it needs; nothing is left running and nothing is billed.
 */
import path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { startSandbox, type RunningSandbox } from "../sandbox";
import {
  EventCollector,
  createOfflineWorkspace,
  locatePulumiCli,
  openStack,
  repoRoot,
  stageProgram,
  type OfflineWorkspace,
} from "../test/e2e/harness";

const say = (text = "") => console.log(text);
const step = (n: number, title: string) => say(`\n=== ${n}. ${title}`);

async function ovhWrites(sandbox: RunningSandbox): Promise<string[]> {
  const response = await fetch(`${sandbox.controlUrl}/calls`);
  const body = (await response.json()) as
    | { calls?: Array<{ method: string; path: string }> }
    | Array<{
        method: string;
        path: string;
      }>;
  const calls = Array.isArray(body) ? body : (body.calls ?? []);
  return calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`);
}

async function clearCalls(sandbox: RunningSandbox): Promise<void> {
  await fetch(`${sandbox.controlUrl}/calls`, { method: "DELETE" });
}

function describeOps(events: EngineEvent[]): string[] {
  const words: Record<string, string> = {
    create: "will be ordered / created",
    update: "will be changed in place",
    replace: "will be REPLACED (new order)",
    delete: "will be cancelled / removed",
  };
  const lines: string[] = [];
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || !meta.type.startsWith("pulumi-nodejs:dynamic") || !(meta.op in words)) continue;
    const name = meta.urn.split("::").pop();
    const kind = meta.type.split(":").pop();
    const keys = meta.diffs?.length ? ` (${meta.diffs.join(", ")})` : "";
    lines.push(`  - ${kind} "${name}" ${words[meta.op]}${keys}`);
  }
  return lines;
}

/** The billing lines a reviewer reads in the preview: the warnings the provider attached to each resource. */
function describeBilling(events: EngineEvent[]): string[] {
  const lines: string[] = [];
  for (const e of events) {
    const diag = e.diagnosticEvent;
    if (!diag || diag.severity !== "warning") continue;
    const total = /Billing total: (.*)$/s.exec(diag.message.trim());
    if (total) lines.push(`  = Total (billingSummary): ${total[1]}`);
    else if (diag.urn && diag.message.includes("Billing:"))
      lines.push(`  $ ${diag.urn.split("::").pop()}: ${diag.message.trim().replace(/^Billing: /, "")}`);
  }
  return lines;
}

async function main(): Promise<void> {
  say("Office 365 Reseller (CSP2) as code: a local demo. Nothing here reaches OVHcloud or bills anyone.");
  const cli = await locatePulumiCli();
  const sandbox = await startSandbox({ seed: "default", taskDelayMs: 500, orderDelayMs: 1500 });
  let workspace: OfflineWorkspace | undefined;
  let stack: Stack | undefined;
  try {
    say(`Sandbox OVH API at ${sandbox.url}; Pulumi CLI ${cli.version}.`);
    workspace = await createOfflineWorkspace(cli, {
      env: { OVH_API_RATE_LIMIT: "0", OVH_OFFICE_POLL_FIRST_DELAY_MS: "200" },
    });
    const programDir = await stageProgram(workspace, path.join(repoRoot, "examples", "basic"));
    stack = await openStack({
      cli,
      workspace,
      programDir,
      stackName: "demo",
      config: {
        "ovh:endpoint": { value: sandbox.url },
        "ovh:applicationKey": { value: sandbox.applicationKey },
        "ovh:applicationSecret": { value: sandbox.applicationSecret, secret: true },
        "ovh:consumerKey": { value: sandbox.consumerKey, secret: true },
        mpnId: { value: "1234567" },
        domain: { value: "contoso-demo.fr" },
        seats: { value: "25" },
        customer: {
          value: JSON.stringify({
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
          }),
        },
      },
    });

    step(1, "Preview: what would be ordered for customer Acme Corp");
    let events = new EventCollector();
    await stack.preview({ onEvent: events.onEvent });
    describeOps(events.events).forEach((l) => say(l));
    say("  What it bills, as the preview shows it on each resource:");
    describeBilling(events.events).forEach((l) => say(l));
    say(`  Calls that changed anything at OVH during the preview: ${(await ovhWrites(sandbox)).length}`);

    step(2, "Apply: order the tenant, 25 Business Standard seats, the archiving add-on, and the DNS records");
    await clearCalls(sandbox);
    const up = await stack.up();
    const out = (k: string) => JSON.stringify(up.outputs[k]?.value);
    say(`  Tenant ordered and delivered: ${out("serviceName")}`);
    say(
      `  Main subscription ${out("mainSubscriptionId")} with ${out("mainSeats")} seats; add-on ${out("archivingSubscriptionId")}`,
    );
    say(`  DNS records written into contoso-demo.fr:`);
    for (const r of (up.outputs.dnsRecords?.value as string[]) ?? []) say(`    ${r}`);
    const writes = await ovhWrites(sandbox);
    say(
      `  Orders placed: ${writes.filter((w) => w.endsWith("/checkout")).length} tenant, ` +
        `${writes.filter((w) => /\/subscription$|orderAddon$/.test(w)).length} licences`,
    );

    step(3, "The customer needs 30 seats: preview the change, then apply it");
    await stack.setConfig("seats", { value: "30" });
    events = new EventCollector();
    await stack.preview({ onEvent: events.onEvent });
    describeOps(events.events).forEach((l) => say(l));
    describeBilling(events.events).forEach((l) => say(l));
    await clearCalls(sandbox);
    await stack.up();
    say(`  Sent to OVH, and nothing else: ${(await ovhWrites(sandbox)).join("; ")}`);

    step(4, "Someone changes the seat count to 42 in a portal; refresh notices");
    const state = await stack.exportStack();
    const main = (
      state.deployment.resources as Array<{ urn: string; outputs: Record<string, unknown> }>
    ).find((r) => r.urn.endsWith("::main-licence"));
    await fetch(
      `${sandbox.controlUrl}/csp2/tenants/${main?.outputs.tenant}/subscriptions/${main?.outputs.subscriptionId}`,
      {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ quantity: 42 }),
      },
    );
    await stack.refresh();
    events = new EventCollector();
    await stack.preview({ onEvent: events.onEvent });
    say("  After refresh, the next preview proposes to put the declared 30 seats back:");
    describeOps(events.events).forEach((l) => say(l));
    describeBilling(events.events).forEach((l) => say(l));

    step(5, "Destroy: cancel the subscriptions, remove our DNS records, keep the customer's tenant");
    await clearCalls(sandbox);
    await stack.destroy();
    const gone = await ovhWrites(sandbox);
    say(`  Subscriptions cancelled: ${gone.filter((w) => w.startsWith("DELETE /saas/csp2")).length}`);
    say(`  DNS records removed: ${gone.filter((w) => w.startsWith("DELETE /domain/zone")).length}`);
    say(
      '  Tenant: retained (deletionPolicy "retain"), as a customer\'s tenant is never terminated by accident.',
    );
    say("\nDemo complete.");
  } finally {
    await workspace?.cleanup();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
