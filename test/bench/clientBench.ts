/**
 * Client overhead: signed GET round trips per second, side by side in one process against the same TLS sandbox
 * (its own process, zero added latency), same concurrency, interleaved rounds (median reported):
 *  - ours: `createOvhClient` (rate limit off, concurrency 8);
 *  - the official `ovh` client (CA via the https global agent);
 *  - raw undici: a Pool of 8 connections, the same v1 signature computed inline, JSON parsed, nothing else (the
 *    floor any undici-based client can reach).
 * Also counts the connections each one opened (per 1,000 requests).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildConnector, Pool } from "undici";
import { createOvhClient, resolveOvhConfig } from "../../provider/ovh";
import { officialClient, officialConnectionsOpened } from "./officialClient";
import type { BenchSandbox } from "./sandboxProcess";

export interface ClientFigures {
  readonly perSecond: number;
  readonly requests: number;
  readonly connectionsOpened: number;
  readonly connectionsPer1000Requests: number;
}

export interface ClientBenchResult {
  readonly concurrency: number;
  readonly roundMs: number;
  readonly rounds: number;
  readonly ours: ClientFigures;
  readonly official: ClientFigures;
  readonly rawUndici: ClientFigures;
  /** ours / official. */
  readonly ratio: number;
  /** ours / raw undici. */
  readonly ratioToRaw: number;
  /** Kept for older readers of results JSON. */
  readonly oursPerSecond: number;
  readonly officialPerSecond: number;
}

async function throughput(
  send: () => Promise<unknown>,
  concurrency: number,
  ms: number,
): Promise<{ perSecond: number; done: number }> {
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
  return { perSecond: done / ((performance.now() - start) / 1000), done };
}

/** Raw undici with the v1 signature: what our client does on the wire, without anything around it. */
export async function rawUndiciClient(sandbox: BenchSandbox, concurrency: number) {
  let opened = 0;
  const connector = buildConnector({ ca: readFileSync(sandbox.caCertPath, "utf8") });
  const origin = new URL(sandbox.url).origin;
  const pool = new Pool(origin, {
    connections: concurrency,
    connect: (opts, callback) => {
      opened += 1;
      connector(opts, callback);
    },
  });
  const base = new URL(sandbox.url).pathname;
  const time = await pool.request({ method: "GET", path: `${base}/auth/time` });
  const serverTime = Number(await time.body.text());
  const offset = serverTime - Math.floor(Date.now() / 1000);
  const get = async (path: string): Promise<unknown> => {
    const url = `${sandbox.url}${path}`;
    const timestamp = String(Math.floor(Date.now() / 1000) + offset);
    const signature =
      "$1$" +
      createHash("sha1")
        .update([sandbox.applicationSecret, sandbox.consumerKey, "GET", url, "", timestamp].join("+"))
        .digest("hex");
    const response = await pool.request({
      method: "GET",
      path: `${base}${path}`,
      headers: {
        accept: "application/json",
        "x-ovh-application": sandbox.applicationKey,
        "x-ovh-consumer": sandbox.consumerKey,
        "x-ovh-timestamp": timestamp,
        "x-ovh-signature": signature,
      },
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`raw undici: HTTP ${response.statusCode} ${body}`);
    return JSON.parse(body);
  };
  return { get, opened: () => opened, close: () => pool.close() };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function figures(runs: number[], requests: number, connections: number): ClientFigures {
  return {
    perSecond: Math.round(median(runs)),
    requests,
    connectionsOpened: connections,
    connectionsPer1000Requests: Number(((connections / Math.max(1, requests)) * 1000).toFixed(2)),
  };
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
  const officialBefore = officialConnectionsOpened();
  const raw = await rawUndiciClient(sandbox, options.concurrency);
  const contenders = [
    { name: "ours", send: () => ours.request({ method: "GET", path }), runs: [] as number[], requests: 0 },
    { name: "official", send: () => theirs.requestPromised("GET", path), runs: [] as number[], requests: 0 },
    { name: "raw", send: () => raw.get(path), runs: [] as number[], requests: 0 },
  ];
  try {
    // Warm-up: time sync, TLS sessions, JIT. Counted in requests and connections, not in the rates.
    for (const c of contenders) c.requests += (await throughput(c.send, options.concurrency, 300)).done;
    // Short rounds, each starting with the next contender in turn, so that neither the order nor a burst of
    // load from the other tenants of this shared machine favours one of them; the median round is reported.
    for (let round = 0; round < options.rounds; round += 1) {
      for (let i = 0; i < contenders.length; i += 1) {
        const c = contenders[(round + i) % contenders.length]!;
        const result = await throughput(c.send, options.concurrency, options.roundMs);
        c.runs.push(result.perSecond);
        c.requests += result.done;
      }
    }
    const [o, t, r] = [contenders[0]!, contenders[1]!, contenders[2]!];
    const oursFigures = figures(o.runs, o.requests, ours.transportStats()?.connectionsOpened ?? NaN);
    const officialFigures = figures(t.runs, t.requests, officialConnectionsOpened() - officialBefore);
    const rawFigures = figures(r.runs, r.requests, raw.opened());
    return {
      concurrency: options.concurrency,
      roundMs: options.roundMs,
      rounds: options.rounds,
      ours: oursFigures,
      official: officialFigures,
      rawUndici: rawFigures,
      ratio: Number((oursFigures.perSecond / officialFigures.perSecond).toFixed(2)),
      ratioToRaw: Number((oursFigures.perSecond / rawFigures.perSecond).toFixed(2)),
      oursPerSecond: oursFigures.perSecond,
      officialPerSecond: officialFigures.perSecond,
    };
  } finally {
    await ours.close();
    await raw.close();
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
