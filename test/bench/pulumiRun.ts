/**
 * Drives the estate example through the real Pulumi CLI (Automation API, offline harness of the e2e suite) and
 * measures each operation: wall time, the OVH calls it caused (sandbox call log), what the engine did, and when.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import {
  createOfflineWorkspace,
  openStack,
  stageProgram,
  type OfflineWorkspace,
  type PulumiCli,
} from "../e2e/harness";
import type { BenchSandbox, LoggedCall } from "./sandboxProcess";

export const estateExampleDir = path.resolve(__dirname, "..", "..", "examples", "estate");

export interface BenchStack {
  readonly stack: Stack;
  readonly workspace: OfflineWorkspace;
  readonly estateFile: string;
}

/** A fresh offline workspace with the estate example staged in it, its stack reading `estateFile`. */
export async function openEstateStack(
  cli: PulumiCli,
  sandbox: BenchSandbox,
  env: Record<string, string>,
  stackName: string,
): Promise<BenchStack> {
  const workspace = await createOfflineWorkspace(cli, { env: { ...sandbox.providerEnv, ...env } });
  const programDir = await stageProgram(workspace, estateExampleDir, { name: `estate-${stackName}` });
  const estateFile = path.join(workspace.dir, "estate.json");
  const stack = await openStack({
    cli,
    workspace,
    programDir,
    stackName,
    config: { estateFile: { value: estateFile } },
  });
  return { stack, workspace, estateFile };
}

/** Our resources, not the stack nor the default `pulumi-nodejs` provider resource. */
function isCustomResource(type: string): boolean {
  return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/** Engine events with the time (ms since the operation started) this process received them. */
export interface TimedEvent {
  readonly at: number;
  readonly event: EngineEvent;
}

export interface OperationResult {
  readonly wallMs: number;
  readonly calls: LoggedCall[];
  readonly events: TimedEvent[];
  /** op → count, from resourcePreEvents of our resources (stack and default provider excluded). */
  readonly ops: Record<string, number>;
  /** Errors reported by the engine (diagnostics of severity error). */
  readonly errors: string[];
}

export type Operation = (onEvent: (event: EngineEvent) => void) => Promise<unknown>;

/** Runs one CLI operation with a clean call log, and collects calls, events and timings. */
export async function measure(sandbox: BenchSandbox, run: Operation): Promise<OperationResult> {
  await sandbox.clearCalls();
  const events: TimedEvent[] = [];
  const start = performance.now();
  await run((event) => events.push({ at: performance.now() - start, event }));
  const wallMs = performance.now() - start;
  const calls = await sandbox.calls();
  const ops: Record<string, number> = {};
  for (const { event } of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || !isCustomResource(meta.type)) continue;
    ops[meta.op] = (ops[meta.op] ?? 0) + 1;
  }
  const errors = events.flatMap(({ event }) =>
    event.diagnosticEvent?.severity === "error" ? [event.diagnosticEvent.message.trim()] : [],
  );
  return { wallMs, calls, events, ops, errors };
}

/**
 * The resource phase of an operation: from the first resource step the engine announced to the last one it
 * finished, and the most resource steps in flight at once (a view of the engine's `--parallel` at work).
 * `same` steps (a no-op preview, a refresh) count only with `includeSame`.
 */
export function resourcePhase(
  events: readonly TimedEvent[],
  options: { includeSame?: boolean } = {},
): { ms: number; maxInFlight: number } {
  const marks: Array<{ at: number; delta: number }> = [];
  for (const { at, event } of events) {
    const pre = event.resourcePreEvent?.metadata;
    const out = event.resOutputsEvent?.metadata;
    const meta = pre ?? out;
    if (!meta || !isCustomResource(meta.type)) continue;
    if (meta.op === "same" && !options.includeSame) continue;
    marks.push({ at, delta: pre ? 1 : -1 });
  }
  if (marks.length === 0) return { ms: 0, maxInFlight: 0 };
  let current = 0;
  let maxInFlight = 0;
  for (const mark of marks) {
    current += mark.delta;
    maxInFlight = Math.max(maxInFlight, current);
  }
  return { ms: marks[marks.length - 1]!.at - marks[0]!.at, maxInFlight };
}

// ---------------------------------------------------------------------------------------------------------
// Peak memory of the dynamic-provider plugin

export interface MemorySample {
  /** Largest VmHWM (peak resident set) seen for any dynamic-provider process, in bytes. */
  readonly peakRssBytes: number;
  readonly processes: number;
}

/**
 * Samples `/proc/<pid>/status` of every process running `@pulumi/pulumi/cmd/dynamic-provider` (the node process
 * that `pulumi-resource-pulumi-nodejs` execs) until stopped. VmHWM is the kernel's own high-water mark, so a
 * coarse sampling interval only needs to catch the process alive once near its end.
 */
export function sampleProviderMemory(intervalMs = 200): { stop(): Promise<MemorySample> } {
  const peaks = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const entry of await readdir("/proc").catch(() => [] as string[])) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8");
          if (!cmdline.includes("dynamic-provider")) continue;
          const status = await readFile(`/proc/${entry}/status`, "utf8");
          const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
          const pid = Number(entry);
          peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb * 1024));
        } catch {
          // The process ended between readdir and read.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peakRssBytes: Math.max(0, ...peaks.values()), processes: peaks.size };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// State footprint

export interface StateFootprint {
  readonly resources: number;
  readonly stateBytes: number;
  /** Mean serialized size of one resource entry, per type token suffix (Subscription, ...). */
  readonly bytesPerResource: Record<string, number>;
  /** Size of one serialized `__provider` string (stored in both inputs and outputs of every resource). */
  readonly providerBytes: number;
  /** Share of the state taken by `__provider` strings. */
  readonly providerShare: number;
  /** Largest serialized `__provider` per type. */
  readonly providerBytesByKind: Record<string, number>;
  /**
   * Mean bytes per resource beyond its own data, per type: the resource entry minus the JSON of its inputs and
   * outputs without the adapter's `__` keys (so: `__provider` twice, `__timeouts`, and what Pulumi records for
   * any resource: URN, type, id, parent, provider reference, dependencies, timestamps, source stack trace).
   */
  readonly overheadPerResource: Record<string, number>;
  /** Mean bytes of the adapter's own keys (`__provider`, `__timeouts`) per resource, inputs and outputs, per type. */
  readonly adapterBytesPerResource: Record<string, number>;
}

function adapterKeyBytes(bag: Record<string, unknown> | undefined): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(bag ?? {})) {
    if (key.startsWith("__")) bytes += Buffer.byteLength(`${JSON.stringify(key)}:${JSON.stringify(value)},`);
  }
  return bytes;
}

function withoutAdapterKeys(bag: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(bag ?? {}).filter(([key]) => !key.startsWith("__")));
}

export async function stateFootprint(stack: Stack): Promise<StateFootprint> {
  const exported = await stack.exportStack();
  const deployment = exported.deployment as {
    resources?: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  };
  const resources = (deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const sums: Record<string, { bytes: number; overhead: number; adapter: number; count: number }> = {};
  const providerBytesByKind: Record<string, number> = {};
  let providerBytes = 0;
  let providerTotal = 0;
  for (const resource of resources) {
    const kind = resource.type.split(":").pop() ?? resource.type;
    const bytes = Buffer.byteLength(JSON.stringify(resource));
    const own =
      Buffer.byteLength(JSON.stringify(withoutAdapterKeys(resource.inputs))) +
      Buffer.byteLength(JSON.stringify(withoutAdapterKeys(resource.outputs)));
    const sum = (sums[kind] ??= { bytes: 0, overhead: 0, adapter: 0, count: 0 });
    sum.bytes += bytes;
    sum.overhead += bytes - own;
    sum.adapter += adapterKeyBytes(resource.inputs) + adapterKeyBytes(resource.outputs);
    sum.count += 1;
    for (const bag of [resource.inputs, resource.outputs]) {
      const provider = bag?.["__provider"];
      if (typeof provider === "string") {
        providerBytes = Math.max(providerBytes, Buffer.byteLength(provider));
        providerBytesByKind[kind] = Math.max(providerBytesByKind[kind] ?? 0, Buffer.byteLength(provider));
        providerTotal += Buffer.byteLength(JSON.stringify(provider));
      }
    }
  }
  const stateBytes = Buffer.byteLength(JSON.stringify(exported.deployment));
  return {
    resources: resources.length,
    stateBytes,
    bytesPerResource: Object.fromEntries(
      Object.entries(sums).map(([kind, s]) => [kind, Math.round(s.bytes / s.count)]),
    ),
    providerBytes,
    providerShare: stateBytes === 0 ? 0 : providerTotal / stateBytes,
    providerBytesByKind,
    overheadPerResource: Object.fromEntries(
      Object.entries(sums).map(([kind, s]) => [kind, Math.round(s.overhead / s.count)]),
    ),
    adapterBytesPerResource: Object.fromEntries(
      Object.entries(sums).map(([kind, s]) => [kind, Math.round(s.adapter / s.count)]),
    ),
  };
}
