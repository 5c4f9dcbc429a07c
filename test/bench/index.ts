/**
 * `npm run bench` (full, ~10 min on 2 cores) and `npm run bench:smoke` (`--smoke`: tiny sizes, for CI).
 *
 * Measures, against the local sandbox and its call log, in one run:
 *  1. OVH calls per operation (real Pulumi CLI) next to the minimum the API allows, and task polling cost;
 *  2. estate convergence (10/40/160 subscriptions) next to the critical-path floor and a sequential script;
 *  3. client overhead (our client vs the official `ovh` client, signed GETs over TLS);
 *  4. footprint (state bytes per resource, `__provider` size, provider peak RSS).
 * Prints tables and writes JSON (`results/latest.json` for a full run). Exits non-zero when something breaks,
 * never because of a performance number.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { locatePulumiCli } from "../e2e/harness";
import { benchClients, type ClientBenchResult } from "./clientBench";
import {
  converge,
  projectEstate,
  projectWithRateLimit,
  type ConvergenceRun,
  type RateCandidate,
} from "./convergence";
import { fixedIntervalPolls, measureOperations, pollsForTask, type OperationRow } from "./operations";
import { startBenchSandbox } from "./sandboxProcess";

const smoke = process.argv.includes("--smoke");
const outArg = process.argv.indexOf("--out");
const outFile =
  outArg > 0 && process.argv[outArg + 1]
    ? path.resolve(process.argv[outArg + 1]!)
    : smoke
      ? path.join(os.tmpdir(), "ovh-office365-bench-smoke.json")
      : path.join(__dirname, "results", "latest.json");

const TASK_MS = 1000;
const LATENCY_MS = 50;
/** The client's limits before this benchmark's evidence: 1 request/s sustained, bursts of 60. */
const OLD_DEFAULT_LIMIT = { OVH_API_RATE_LIMIT: "1", OVH_API_BURST: "60" };
/** The estate size the rate-limit projection is made for, and the limits it compares. */
const ESTATE_SUBSCRIPTIONS = 2000;
const RATE_CANDIDATES: RateCandidate[] = [
  { label: "no rate limit (default)", rate: 0, burst: 60 },
  { label: "10 req/s, burst 60", rate: 10, burst: 60 },
  { label: "1 req/s, burst 60 (old default)", rate: 1, burst: 60 },
];

const log = (line: string) => process.stderr.write(`${line}\n`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Seconds, minutes or hours, whichever reads best. */
const duration = (ms: number) =>
  ms < 120_000
    ? sec(ms)
    : ms < 7_200_000
      ? `${(ms / 60_000).toFixed(1)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(headers),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.slice(1).map(line),
  ].join("\n");
}

async function main(): Promise<void> {
  const started = Date.now();
  const cli = await locatePulumiCli();
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    pulumi: cli.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  log(
    `bench (${smoke ? "smoke" : "full"}) on ${machine.cpu} ×${machine.cores}, Node ${machine.node}, pulumi ${machine.pulumi}`,
  );

  // 1. Calls per operation.
  log("1. calls per operation (sandbox: no added latency, tasks 1 s, orders 0.5 s; default client limits)");
  const opsSandbox = await startBenchSandbox({ taskDelayMs: TASK_MS, orderDelayMs: 500, latencyMs: 0 });
  let operations: OperationRow[];
  try {
    operations = await measureOperations(cli, opsSandbox, log);
  } finally {
    await opsSandbox.stop();
  }
  const polls = [];
  for (const ms of [1_000, 10_000, 60_000, 600_000]) {
    polls.push({ taskMs: ms, provider: await pollsForTask(ms), fixedEverySecond: fixedIntervalPolls(ms) });
  }

  // 2. Convergence.
  log(`2. convergence (sandbox: ${LATENCY_MS} ms per call, tasks ${TASK_MS} ms)`);
  const sizes = smoke ? [2] : [10, 40, 160, 400];
  // The sequential script grows linearly (≈ 1.4 s per subscription): two sizes show it, and keep the bench short.
  const sequentialSizes = smoke ? sizes : [10, 40];
  // Footprint and steady state (refresh) at 160: the size the README's state and estate figures are given for.
  const steadySize = smoke ? 2 : 160;
  const convergence: ConvergenceRun[] = [];
  for (const n of sizes) {
    convergence.push(
      await converge(
        cli,
        {
          subscriptions: n,
          label: `${n} subs, default limits`,
          taskDelayMs: TASK_MS,
          latencyMs: LATENCY_MS,
          env: {},
          limits: "no rate limit, concurrency 8 (defaults)",
          seatChangePreview: n === sizes[0],
          sequential: sequentialSizes.includes(n),
          footprint: n === steadySize,
          steadyState: n === steadySize,
        },
        log,
      ),
    );
  }
  const diagnostics: ConvergenceRun[] = [];
  if (!smoke) {
    diagnostics.push(
      await converge(
        cli,
        {
          subscriptions: 10,
          label: "10 subs, 1 req/s burst 60 (old default)",
          taskDelayMs: TASK_MS,
          latencyMs: LATENCY_MS,
          env: OLD_DEFAULT_LIMIT,
          limits: "rate 1/s, burst 60, concurrency 8",
        },
        log,
      ),
    );
    diagnostics.push(
      await converge(
        cli,
        {
          subscriptions: 160,
          label: "160 subs, --parallel 256, concurrency 64",
          taskDelayMs: TASK_MS,
          latencyMs: LATENCY_MS,
          env: { OVH_API_MAX_CONCURRENCY: "64" },
          limits: "no rate limit, concurrency 64",
          parallel: 256,
        },
        log,
      ),
    );
  }

  // 3. Client overhead.
  log("3. client overhead (TLS sandbox, no added latency)");
  const clientSandbox = await startBenchSandbox({ taskDelayMs: TASK_MS, orderDelayMs: 500, latencyMs: 0 });
  let clients: ClientBenchResult;
  try {
    clients = await benchClients(
      clientSandbox,
      smoke ? { concurrency: 8, roundMs: 500, rounds: 1 } : { concurrency: 8, roundMs: 1500, rounds: 7 },
    );
  } finally {
    await clientSandbox.stop();
  }
  log(
    `  ours ${clients.ours.perSecond}/s, official ${clients.official.perSecond}/s (×${clients.ratio}), ` +
      `raw undici ${clients.rawUndici.perSecond}/s (×${clients.ratioToRaw})`,
  );

  const largest = convergence.find((run) => run.subscriptions === steadySize)!;
  const estate = projectEstate(largest, ESTATE_SUBSCRIPTIONS, RATE_CANDIDATES);
  const results = {
    kind: smoke ? "smoke" : "full",
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    settings: { taskDelayMs: TASK_MS, latencyMs: LATENCY_MS, oldDefaultLimit: OLD_DEFAULT_LIMIT },
    operations,
    polls,
    convergence: convergence.map((run) => ({
      ...run,
      projectedDefaultLimitMs: Math.round(projectWithRateLimit(run)),
    })),
    diagnostics,
    estateProjection: { subscriptions: ESTATE_SUBSCRIPTIONS, from: largest.label, rows: estate },
    clients,
    footprint: {
      ...largest.footprint,
      peakProviderRssBytes: largest.peakProviderRssBytes,
      atSubscriptions: largest.subscriptions,
    },
  };
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);

  const out: string[] = [];
  out.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, Pulumi ${machine.pulumi}`,
  );
  out.push("", "Calls per operation (provider = calls of that resource type; whole-stack rows: all calls)");
  out.push(
    table(
      ["Operation", "Provider", "Floor", "×", "Task polls", "Catalogue GETs", "Floor = "],
      operations.map((r) => [
        r.operation,
        r.provider,
        r.floor,
        r.floor === 0 ? "∞" : (r.provider / r.floor).toFixed(1),
        r.calls.taskPolls,
        r.calls.catalogue,
        r.floorWhy,
      ]),
    ),
  );
  out.push("", "Task polling (provider backoff vs polling every second)");
  out.push(
    table(
      ["Task", "Provider polls", "Every 1 s"],
      polls.map((p) => [sec(p.taskMs), p.provider, p.fixedEverySecond]),
    ),
  );
  out.push("", `Convergence (${LATENCY_MS} ms per call, ${TASK_MS} ms tasks)`);
  out.push(
    table(
      [
        "Run",
        "Calls",
        "pulumi up",
        "Resource phase",
        "OVH floor",
        "phase/OVH floor",
        "No-op preview",
        "Realistic floor",
        "up/realistic floor",
        "Steps in flight",
        "Sequential script",
        "At 1 req/s (projected)",
      ],
      [...convergence, ...diagnostics].map((r) => [
        r.label,
        r.calls.total,
        sec(r.wallMs),
        sec(r.resourcePhaseMs),
        sec(r.floorMs),
        r.phaseRatio,
        `${sec(r.noOpPreview.wallMs)}, ${r.noOpPreview.calls} calls`,
        sec(r.realisticFloorMs),
        r.realisticRatio,
        r.maxStepsInFlight,
        r.sequentialMs === undefined ? "–" : sec(r.sequentialMs),
        convergence.includes(r) ? sec(projectWithRateLimit(r)) : "–",
      ]),
    ),
  );
  if (largest.refresh) {
    out.push(
      "",
      `Steady state at ${largest.subscriptions} subscriptions: no-op preview ${largest.noOpPreview.calls} calls in ` +
        `${sec(largest.noOpPreview.wallMs)}, refresh ${largest.refresh.calls} calls in ${sec(largest.refresh.wallMs)}`,
    );
  }
  out.push(
    "",
    `Estate of ${ESTATE_SUBSCRIPTIONS} subscriptions (${ESTATE_SUBSCRIPTIONS / 10} tenants), projected from the ` +
      `${largest.subscriptions}-subscription run (${LATENCY_MS} ms per call; at least (calls − burst) / rate under a limit)`,
  );
  out.push(
    table(
      ["Operation", "Calls/subscription", "Calls", ...RATE_CANDIDATES.map((c) => c.label)],
      estate.map((row) => [
        row.operation,
        row.callsPerSubscription,
        row.calls,
        ...RATE_CANDIDATES.map((c) => duration(row.ms[c.label] ?? 0)),
      ]),
    ),
  );
  const c = clients;
  out.push(
    "",
    `Client (signed GETs over TLS, concurrency ${c.concurrency}, median of ${c.rounds} interleaved ${c.roundMs} ms rounds)`,
  );
  out.push(
    table(
      [
        "Client",
        "req/s",
        "× official",
        "× raw undici",
        "Connections opened",
        "Requests",
        "Connections per 1,000",
      ],
      (
        [
          ["ours (createOvhClient)", c.ours],
          ["official ovh", c.official],
          ["raw undici (Pool, signed)", c.rawUndici],
        ] as const
      ).map(([name, fig]) => [
        name,
        fig.perSecond,
        (fig.perSecond / c.official.perSecond).toFixed(2),
        (fig.perSecond / c.rawUndici.perSecond).toFixed(2),
        fig.connectionsOpened,
        fig.requests,
        fig.connectionsPer1000Requests,
      ]),
    ),
  );
  const fp = largest.footprint;
  if (fp) {
    out.push(
      `Footprint at ${largest.subscriptions} subscriptions: state ${fp.stateBytes} bytes for ${fp.resources} resources; ` +
        `bytes per resource ${JSON.stringify(fp.bytesPerResource)}; __provider ${fp.providerBytes} bytes ` +
        `(${(fp.providerShare * 100).toFixed(0)} % of the state; per type ${JSON.stringify(fp.providerBytesByKind)}); ` +
        `bytes per resource beyond its own data ${JSON.stringify(fp.overheadPerResource)}, of which the ` +
        `adapter's __ keys ${JSON.stringify(fp.adapterBytesPerResource)} (the rest is Pulumi's own metadata); ` +
        `provider peak RSS ${mib(largest.peakProviderRssBytes)}`,
    );
  }
  out.push(`Results: ${outFile} (${results.durationSeconds} s)`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
