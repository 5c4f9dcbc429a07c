/**
 * Client overhead: signed GET round trips per second through our client (`createOvhClient`) and the official
 * `ovh` client, same TLS sandbox (zero added latency), same process, same concurrency, alternating rounds.
 */
import { createOvhClient, resolveOvhConfig } from "../../provider/ovh";
import { officialClient } from "./officialClient";
import type { BenchSandbox } from "./sandboxProcess";

export interface ClientBenchResult {
  readonly concurrency: number;
  readonly roundMs: number;
  readonly rounds: number;
  readonly oursPerSecond: number;
  readonly officialPerSecond: number;
  readonly ratio: number;
}

async function throughput(send: () => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const deadline = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await send();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export async function benchClients(
  sandbox: BenchSandbox,
  options: { concurrency: number; roundMs: number; rounds: number },
): Promise<ClientBenchResult> {
  const path = "/saas/csp2/csp2-100001";
  const ours = createOvhClient(
    resolveOvhConfig({
      explicit: {
        endpoint: sandbox.url,
        applicationKey: sandbox.applicationKey,
        applicationSecret: sandbox.applicationSecret,
        consumerKey: sandbox.consumerKey,
        caCertPath: sandbox.caCertPath,
        apiRateLimit: 0,
        apiMaxConcurrency: options.concurrency,
      },
      env: {},
    }),
  );
  const theirs = officialClient(sandbox);
  const sendOurs = () => ours.request({ method: "GET", path });
  const sendTheirs = () => theirs.requestPromised("GET", path);
  try {
    // Warm-up: time sync, TLS sessions, JIT.
    await throughput(sendOurs, options.concurrency, 300);
    await throughput(sendTheirs, options.concurrency, 300);
    const oursRuns: number[] = [];
    const theirRuns: number[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      oursRuns.push(await throughput(sendOurs, options.concurrency, options.roundMs));
      theirRuns.push(await throughput(sendTheirs, options.concurrency, options.roundMs));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const oursPerSecond = mean(oursRuns);
    const officialPerSecond = mean(theirRuns);
    return {
      concurrency: options.concurrency,
      roundMs: options.roundMs,
      rounds: options.rounds,
      oursPerSecond: Math.round(oursPerSecond),
      officialPerSecond: Math.round(officialPerSecond),
      ratio: Number((oursPerSecond / officialPerSecond).toFixed(2)),
    };
  } finally {
    await ours.close();
  }
}

/** Median round trip of one signed GET through our client (the per-call latency the floor is built from). */
export async function medianCallMs(sandbox: BenchSandbox, samples = 15): Promise<number> {
  const client = createOvhClient(
    resolveOvhConfig({
      explicit: {
        endpoint: sandbox.url,
        applicationKey: sandbox.applicationKey,
        applicationSecret: sandbox.applicationSecret,
        consumerKey: sandbox.consumerKey,
        caCertPath: sandbox.caCertPath,
        apiRateLimit: 0,
      },
      env: {},
    }),
  );
  try {
    await client.request({ method: "GET", path: "/saas/csp2" });
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const start = performance.now();
      await client.request({ method: "GET", path: "/saas/csp2" });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    await client.close();
  }
}
