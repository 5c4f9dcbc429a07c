/**
 * Estate convergence: `pulumi up` of the estate example with N new subscriptions over adopted tenants, against a
 * sandbox with per-call latency and task duration, next to the critical-path floor and a sequential script.
 */
import type { PulumiCli } from "../e2e/harness";
import { medianCallMs } from "./clientBench";
import { generatedEstate, provisionTenants, tenantsFor, writeEstate } from "./estates";
import { countCalls, type CallCount } from "./operations";
import {
  measure,
  openEstateStack,
  type OperationResult,
  resourcePhase,
  sampleProviderMemory,
  stateFootprint,
  type StateFootprint,
} from "./pulumiRun";
import { sequentialApply } from "./sequential";
import { startBenchSandbox, type SandboxSettings } from "./sandboxProcess";

/**
 * Round trips on the critical path of one subscription, with unlimited parallelism: the tenant read (tenant and
 * serviceInfos in parallel: 1), the licence name lookup (id list, then every licence in parallel: 2), and the
 * create itself (list before, POST, the one poll that sees the task done, list after, read the new one: 5).
 */
export const CRITICAL_PATH_ROUND_TRIPS = 1 + 2 + 5;

export interface ConvergenceRun {
  readonly label: string;
  readonly subscriptions: number;
  readonly tenants: number;
  /** What the provider was told about limits (env), and the engine's --parallel (undefined = CLI default). */
  readonly limits: string;
  readonly parallel?: number;
  readonly wallMs: number;
  /** First resource step announced → last resource step finished (engine events). */
  readonly resourcePhaseMs: number;
  readonly maxStepsInFlight: number;
  readonly callMs: number;
  /** OVH's critical path alone: round trips × latency + one task (what unlimited parallelism still waits for). */
  readonly floorMs: number;
  /**
   * The realistic floor: a CLI command's fixed cost over this estate (the no-op preview of the converged stack,
   * same --parallel: program, plugins, engine walk, 0 OVH calls) plus OVH's critical path. Any provider driven
   * through the Pulumi CLI pays it.
   */
  readonly realisticFloorMs: number;
  /** up / realistic floor. */
  readonly realisticRatio: number;
  readonly calls: CallCount;
  /** wall / floor and resource phase / floor. */
  readonly wallRatio: number;
  readonly phaseRatio: number;
  readonly peakProviderRssBytes: number;
  readonly footprint?: StateFootprint;
  /** A no-op `pulumi preview` of the converged estate (every run: it is the CLI's fixed cost). */
  readonly noOpPreview: SteadyOperation;
  /** A `pulumi refresh` of the converged estate (`steadyState` runs only). */
  readonly refresh?: SteadyOperation;
  /** `pulumi preview` after changing one seat count: op counts (expected exactly one update). */
  readonly oneSeatChangePreview?: Record<string, number>;
  readonly sequentialMs?: number;
}

export interface SteadyOperation {
  readonly calls: number;
  readonly wallMs: number;
  /** First resource step → last one finished, `same` steps included. */
  readonly resourcePhaseMs: number;
}

export interface ConvergenceOptions {
  readonly subscriptions: number;
  readonly label: string;
  readonly taskDelayMs: number;
  readonly latencyMs: number;
  /** Provider env (rate limit, concurrency). */
  readonly env: Record<string, string>;
  readonly limits: string;
  readonly parallel?: number;
  readonly seatChangePreview?: boolean;
  readonly sequential?: boolean;
  readonly footprint?: boolean;
  /** After the up: a refresh, with its calls and time. */
  readonly steadyState?: boolean;
}

export async function converge(
  cli: PulumiCli,
  options: ConvergenceOptions,
  log: (line: string) => void,
): Promise<ConvergenceRun> {
  const settings: SandboxSettings = {
    taskDelayMs: options.taskDelayMs,
    orderDelayMs: 1000,
    latencyMs: options.latencyMs,
    seed: "empty",
  };
  const tenants = tenantsFor(options.subscriptions);
  const sandbox = await startBenchSandbox(settings);
  let run: ConvergenceRun;
  try {
    const names = await provisionTenants(sandbox, tenants);
    const estate = generatedEstate(names, options.subscriptions);
    const callMs = await medianCallMs(sandbox);
    const floorMs = CRITICAL_PATH_ROUND_TRIPS * callMs + options.taskDelayMs;
    const bench = await openEstateStack(cli, sandbox, options.env, `n${options.subscriptions}`);
    try {
      await writeEstate(bench.estateFile, estate);
      const memory = sampleProviderMemory();
      const result = await measure(sandbox, (onEvent) =>
        bench.stack.up({ onEvent, ...(options.parallel ? { parallel: options.parallel } : {}) }),
      );
      const mem = await memory.stop();
      if (result.errors.length > 0) throw new Error(`${options.label}: ${result.errors.join("\n")}`);
      const created = result.ops["create"] ?? 0;
      if (created !== options.subscriptions + tenants) {
        throw new Error(
          `${options.label}: expected ${options.subscriptions + tenants} creates, got ${created}`,
        );
      }
      const phase = resourcePhase(result.events);
      const footprint = options.footprint ? await stateFootprint(bench.stack) : undefined;
      const preview = await measure(sandbox, (onEvent) =>
        bench.stack.preview({ onEvent, ...(options.parallel ? { parallel: options.parallel } : {}) }),
      );
      if (Object.keys(preview.ops).some((op) => op !== "same")) {
        throw new Error(`${options.label}: the no-op preview planned ${JSON.stringify(preview.ops)}`);
      }
      const noOpPreview = steady(preview);
      const realisticFloorMs = noOpPreview.wallMs + floorMs;
      let refresh: SteadyOperation | undefined;
      if (options.steadyState) {
        const refreshed = await measure(sandbox, (onEvent) =>
          bench.stack.refresh({ onEvent, ...(options.parallel ? { parallel: options.parallel } : {}) }),
        );
        if (refreshed.errors.length > 0) throw new Error(`${options.label}: ${refreshed.errors.join("\n")}`);
        refresh = steady(refreshed);
      }
      let oneSeatChangePreview: Record<string, number> | undefined;
      if (options.seatChangePreview) {
        estate.customers[0]!.licences[0]!.seats += 1;
        await writeEstate(bench.estateFile, estate);
        const preview = await measure(sandbox, (onEvent) => bench.stack.preview({ onEvent }));
        oneSeatChangePreview = preview.ops;
        if (
          preview.ops["update"] !== 1 ||
          Object.keys(preview.ops).some((op) => op !== "same" && op !== "update")
        ) {
          throw new Error(
            `one seat change should preview as exactly one update, got ${JSON.stringify(preview.ops)}`,
          );
        }
      }
      run = {
        label: options.label,
        subscriptions: options.subscriptions,
        tenants,
        limits: options.limits,
        parallel: options.parallel,
        wallMs: Math.round(result.wallMs),
        resourcePhaseMs: Math.round(phase.ms),
        maxStepsInFlight: phase.maxInFlight,
        callMs: Number(callMs.toFixed(1)),
        floorMs: Math.round(floorMs),
        realisticFloorMs: Math.round(realisticFloorMs),
        realisticRatio: Number((result.wallMs / realisticFloorMs).toFixed(2)),
        calls: countCalls(result.calls),
        wallRatio: Number((result.wallMs / floorMs).toFixed(2)),
        phaseRatio: Number((phase.ms / floorMs).toFixed(2)),
        peakProviderRssBytes: mem.peakRssBytes,
        footprint,
        oneSeatChangePreview,
        noOpPreview,
        refresh,
      };
    } finally {
      await bench.workspace.cleanup();
    }
  } finally {
    await sandbox.stop();
  }
  log(
    `  ${run.label}: up ${run.wallMs} ms (resource phase ${run.resourcePhaseMs} ms, ${run.maxStepsInFlight} steps in flight), ` +
      `floor ${run.floorMs} ms (realistic ${run.realisticFloorMs} ms: ×${run.realisticRatio}), ${run.calls.total} calls, provider peak RSS ${(run.peakProviderRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );

  if (options.sequential) {
    const fresh = await startBenchSandbox(settings);
    try {
      const names = await provisionTenants(fresh, tenants);
      const { wallMs } = await sequentialApply(fresh, generatedEstate(names, options.subscriptions));
      run = { ...run, sequentialMs: Math.round(wallMs) };
      log(`  ${run.label}: sequential script (official ovh client) ${run.sequentialMs} ms`);
    } finally {
      await fresh.stop();
    }
  }
  return run;
}

function steady(result: OperationResult): SteadyOperation {
  return {
    calls: result.calls.length,
    wallMs: Math.round(result.wallMs),
    resourcePhaseMs: Math.round(resourcePhase(result.events, { includeSame: true }).ms),
  };
}

/**
 * Under a client rate limit (token bucket: `rate` requests/s sustained, `burst` at once) a run of C calls cannot
 * finish before (C − burst) / rate seconds. Projection: max(measured resource phase, that bound).
 */
export function projectWithRateLimit(run: ConvergenceRun, rate = 1, burst = 60): number {
  const boundMs = (Math.max(0, run.calls.total - burst) / rate) * 1000;
  return Math.max(run.resourcePhaseMs, boundMs);
}

/** A rate limit to project an estate under (`rate` 0 = none). */
export interface RateCandidate {
  readonly label: string;
  readonly rate: number;
  readonly burst: number;
}

export interface EstateProjectionRow {
  readonly operation: string;
  readonly callsPerSubscription: number;
  readonly calls: number;
  /** Projected wall time per candidate label. */
  readonly ms: Record<string, number>;
}

/**
 * Time for an estate of `subscriptions` (10 per tenant, like the measured run) per operation, from the calls and
 * times measured on `run`: calls scale linearly; without a rate limit the resource phase scales linearly at the
 * same engine parallelism (the fixed cost of the CLI command does not); under a limit the run takes at least
 * (calls − burst) / rate.
 */
export function projectEstate(
  run: ConvergenceRun,
  subscriptions: number,
  candidates: readonly RateCandidate[],
): EstateProjectionRow[] {
  const scale = subscriptions / run.subscriptions;
  const rows: Array<{ operation: string; calls: number; wallMs: number; phaseMs: number }> = [
    {
      operation: "create (pulumi up)",
      calls: run.calls.total,
      wallMs: run.wallMs,
      phaseMs: run.resourcePhaseMs,
    },
  ];
  rows.push({ operation: "no-op preview", ...phaseOf(run.noOpPreview) });
  if (run.refresh) rows.push({ operation: "refresh", ...phaseOf(run.refresh) });
  return rows.map((row) => {
    const calls = Math.round(row.calls * scale);
    const unlimitedMs = row.wallMs - row.phaseMs + row.phaseMs * scale;
    const ms: Record<string, number> = {};
    for (const c of candidates) {
      const boundMs = c.rate > 0 ? (Math.max(0, calls - c.burst) / c.rate) * 1000 : 0;
      ms[c.label] = Math.round(Math.max(unlimitedMs, boundMs));
    }
    return {
      operation: row.operation,
      callsPerSubscription: Number((row.calls / run.subscriptions).toFixed(2)),
      calls,
      ms,
    };
  });
}

function phaseOf(op: SteadyOperation): { calls: number; wallMs: number; phaseMs: number } {
  return { calls: op.calls, wallMs: op.wallMs, phaseMs: op.resourcePhaseMs };
}
