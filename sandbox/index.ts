/**
 * A local server that behaves like the parts of the OVH API v1 this project uses (Office 365 Reseller,
 * services, auth, and the areas listed in `areas/index.ts`), so that official OVH clients work against it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { areas as defaultAreas } from "./areas";
import { initAuth } from "./core/auth";
import { AreaModule, FidelityOptions, SandboxContext } from "./core/contract";
import { SandboxEngine, TOKEN_PATH, checkCore, initCore } from "./core/server";
import { MAX_CLOCK_OFFSET_MS, SandboxStore, damaged } from "./core/store";

export { DataFileError } from "./core/store";
export type { FidelityOptions } from "./core/contract";

/** `--realistic-delays`: how long things take at OVH (sandbox time; move through it with the clock control). */
export const REALISTIC_TASK_DELAY_MS = 20 * 60 * 1000;
export const REALISTIC_ORDER_DELAY_MS = 3 * 3600 * 1000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_CALL_LOG_LIMIT = 10_000;

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"];

/** Whether `host` is a loopback interface (only this machine can reach it). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface SandboxStartOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Serve HTTPS with a freshly generated self-signed certificate for 127.0.0.1/localhost. */
  tls?: boolean;
  /** Serve HTTPS with this PEM certificate and key (paths). */
  certFile?: string;
  keyFile?: string;
  /** Persist the whole state to this JSON file (loaded on start, written after every mutating request). */
  dataFile?: string;
  /** Initial content of a new store (default `default`). */
  seed?: "default" | "empty";
  /** Serve the operations only found in the 2022 schema (configureDomain, changeAdministratorPassword). */
  legacy?: boolean;
  /** Duration of an OfficeTask from `todo` to `done` (default 2000 ms). */
  taskDelayMs?: number;
  /** Duration of an order / a tenant creation (default 5000 ms). */
  orderDelayMs?: number;
  /** Added latency on every OVH call (default 0). */
  latencyMs?: number;
  /**
   * Token required on every `/_sandbox` control request (header `X-Sandbox-Token`). Default: none on a loopback
   * interface; a random one (printed in the ready line as `controlToken`) on any other interface.
   */
  controlToken?: string;
  /** Extra host names the Host header may carry (besides loopback names and the listening address). */
  allowHosts?: readonly string[];
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Entries kept in the call log (default 10000); older ones are dropped. */
  callLogLimit?: number;
  /** Fidelity switches (all off by default): see the README's "Fidelity switches". */
  fidelity?: Partial<FidelityOptions>;
  /** Tasks take 20 minutes and orders 3 hours of sandbox time (unless taskDelayMs / orderDelayMs are given). */
  realisticDelays?: boolean;
  /** Sandbox time runs this many times faster than real time (default 1), e.g. 3600: an hour per second. */
  clockSpeed?: number;
  /** Warnings (default: stderr). */
  warn?: (line: string) => void;
  /** Diagnostic output (default: nothing). */
  log?: (line: string) => void;
  /** Override the area list (tests). */
  areas?: readonly AreaModule[];
}

export interface RunningSandbox {
  /** API base, ending in `/1.0`. */
  url: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** PEM certificate to trust, when serving TLS. */
  caCertPath?: string;
  /** Base of the test-control routes (`/_sandbox`). */
  controlUrl: string;
  /** Token of the control routes (header `X-Sandbox-Token`), when they need one. */
  controlToken?: string;
  /** Address and port the server listens on, e.g. `0.0.0.0:8443`. */
  listening: string;
  stop(): Promise<void>;
}

async function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  const selfsigned = await import("selfsigned");
  const notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    notAfterDate: notAfter,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function firstExternalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) {
      if (!address.internal && address.family === "IPv4") return address.address;
    }
  }
  return undefined;
}

function localNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) names.push(address.address);
  }
  return names;
}

/** The host part of a Host header (`[::1]:80` → `::1`), lower-cased. */
function hostPart(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") >= 0 ? h.indexOf("]") : undefined);
  return h.replace(/:\d*$/, "");
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export async function startSandbox(options: SandboxStartOptions = {}): Promise<RunningSandbox> {
  const log = options.log ?? ((): void => undefined);
  const warn = options.warn ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const maxBodyBytes = positive("maxBodyBytes", options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const callLogLimit = positive("callLogLimit", options.callLogLimit, DEFAULT_CALL_LOG_LIMIT);
  const clockSpeed = options.clockSpeed ?? 1;
  if (!Number.isFinite(clockSpeed) || clockSpeed < 1 || clockSpeed > 100_000) {
    throw new Error("clockSpeed must be a number from 1 to 100000");
  }
  const store = options.dataFile ? SandboxStore.open(options.dataFile) : SandboxStore.memory();
  try {
    return await startOn(store, options, { log, warn, maxBodyBytes, callLogLimit, clockSpeed });
  } catch (error) {
    store.close();
    throw error;
  }
}

async function startOn(
  store: SandboxStore,
  options: SandboxStartOptions,
  settings: {
    log: (line: string) => void;
    warn: (line: string) => void;
    maxBodyBytes: number;
    callLogLimit: number;
    clockSpeed: number;
  },
): Promise<RunningSandbox> {
  const { log, warn } = settings;
  const areas = options.areas ?? defaultAreas;
  if (!store.fresh) {
    const problem = checkCore(store.state) ?? areas.map((a) => a.check?.(store.state[a.name])).find(Boolean);
    if (problem) throw damaged(store.file, problem);
  }
  initCore(store);
  const clockState = (): { offsetMs: number } => store.state["clock"] as { offsetMs: number };
  // With clockSpeed > 1 the offset grows with real time (applied lazily, so it persists like any advance).
  let lastReal = Date.now();
  const now = (): number => {
    const real = Date.now();
    if (settings.clockSpeed > 1 && real > lastReal) {
      const state = clockState();
      state.offsetMs = Math.min(
        MAX_CLOCK_OFFSET_MS,
        state.offsetMs + (real - lastReal) * (settings.clockSpeed - 1),
      );
    }
    lastReal = real;
    return real + clockState().offsetMs;
  };
  const realistic = options.realisticDelays ?? false;
  const ctx: SandboxContext = {
    store,
    clock: { now },
    options: {
      legacy: options.legacy ?? false,
      taskDelayMs: options.taskDelayMs ?? (realistic ? REALISTIC_TASK_DELAY_MS : 2000),
      orderDelayMs: options.orderDelayMs ?? (realistic ? REALISTIC_ORDER_DELAY_MS : 5000),
      fidelity: {
        typedLabels: options.fidelity?.typedLabels ?? false,
        strictBody: options.fidelity?.strictBody ?? false,
        nullFields: options.fidelity?.nullFields ?? false,
      },
    },
  };
  const credentials = initAuth(ctx);
  for (const area of areas) area.init(ctx);
  if (store.fresh && (options.seed ?? "default") === "default") {
    for (const area of areas) area.seedDefault?.(ctx);
  }

  let tls: { cert: string; key: string } | undefined;
  let certDir: string | undefined;
  let caCertPath: string | undefined;
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error("--cert and --key must be given together");
    tls = { cert: readFileSync(options.certFile, "utf8"), key: readFileSync(options.keyFile, "utf8") };
    caCertPath = options.certFile;
  } else if (options.tls) {
    tls = await selfSignedCertificate();
    certDir = mkdtempSync(join(tmpdir(), "ovh-sandbox-tls-"));
    caCertPath = join(certDir, "cert.pem");
    writeFileSync(caCertPath, tls.cert);
    writeFileSync(join(certDir, "key.pem"), tls.key, { mode: 0o600 });
  }
  const host = options.host ?? "127.0.0.1";
  const exposed = !isLoopbackHost(host);
  const controlToken = options.controlToken ?? (exposed ? randomBytes(24).toString("base64url") : undefined);
  const scheme = tls ? "https" : "http";
  const engine = new SandboxEngine(ctx, store, areas, {
    latencyMs: options.latencyMs ?? 0,
    scheme,
    log,
    maxBodyBytes: settings.maxBodyBytes,
    callLogLimit: settings.callLogLimit,
    controlToken: controlToken ?? null,
  });
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, engine.listener)
    : http.createServer(engine.listener);
  // Idle connections outlive every common client's own idle timeout (Node's agent 5 s, undici 4 s), so the
  // client always closes first: a server closing at the same moment a client reuses the socket is the
  // classic "socket hang up" race. `stop` closes all connections, so this never delays a shutdown.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const wildcard = host === "0.0.0.0" || host === "::" || host === "";
  const realHost = wildcard ? (firstExternalAddress() ?? hostname()) : host;
  const publicHost = realHost.includes(":") ? `[${realHost}]` : realHost;
  const origin = `${scheme}://${publicHost}:${port}`;
  const allowed = new Set(
    [...LOOPBACK_NAMES, host, realHost, ...(wildcard ? localNames() : []), ...(options.allowHosts ?? [])].map(
      (h) => hostPart(h.includes(":") && !h.startsWith("[") ? `[${h}]` : h),
    ),
  );
  engine.allowedHost = (header: string): boolean => header === "" || allowed.has(hostPart(header));
  engine.controlBase = `${origin}/_sandbox`;
  engine.controlQuery = controlToken === undefined ? "" : `&sandboxToken=${encodeURIComponent(controlToken)}`;
  store.save();
  const listening = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  log(
    `sandbox: listening on ${listening} as ${origin} (${store.file ? `data file ${store.file}` : "in memory"})`,
  );
  if (exposed) {
    warn(
      `sandbox: WARNING: listening on ${listening}, beyond this machine's loopback interface. Anyone who can ` +
        `reach it can call the OVH routes with the printed credentials; the control routes (${origin}/_sandbox, ` +
        `which hand out every credential) need the controlToken of the ready line (header X-Sandbox-Token).` +
        (tls ? "" : " Traffic is not encrypted (use --tls)."),
    );
  }

  let stopped: Promise<void> | undefined;
  const result: RunningSandbox = {
    url: `${origin}/1.0`,
    ...credentials,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    controlUrl: `${origin}/_sandbox`,
    listening,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => {
        store.close();
        if (certDir) rmSync(certDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
  if (controlToken !== undefined) result.controlToken = controlToken;
  if (caCertPath) result.caCertPath = caCertPath;
  return result;
}

/** The switches `OVH_SANDBOX_FIDELITY` may name (comma-separated), e.g. for a test suite run under each. */
export const FIDELITY_SWITCHES = ["typedLabels", "strictBody", "nullFields", "realisticDelays"] as const;

/**
 * Start options for the switches named in `value` (`OVH_SANDBOX_FIDELITY`, comma-separated, `all` for every
 * one). `realisticDelays` also runs the clock 3600 times faster, so an hour of provisioning takes a second.
 */
export function fidelityFromEnvironment(value: string | undefined): Partial<SandboxStartOptions> {
  const names = (value ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const all = names.includes("all");
  for (const name of names) {
    if (name !== "all" && !(FIDELITY_SWITCHES as readonly string[]).includes(name)) {
      throw new Error(
        `OVH_SANDBOX_FIDELITY: unknown switch ${name}; known: ${FIDELITY_SWITCHES.join(", ")}, all`,
      );
    }
  }
  const on = (name: (typeof FIDELITY_SWITCHES)[number]): boolean => all || names.includes(name);
  const options: Partial<SandboxStartOptions> = {
    fidelity: { typedLabels: on("typedLabels"), strictBody: on("strictBody"), nullFields: on("nullFields") },
  };
  if (on("realisticDelays")) {
    options.taskDelayMs = REALISTIC_TASK_DELAY_MS;
    options.orderDelayMs = REALISTIC_ORDER_DELAY_MS;
    options.clockSpeed = 3600;
  }
  return options;
}
