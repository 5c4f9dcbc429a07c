/**
 * A local server that behaves like the parts of the OVH API v1 this project uses (Office 365 Reseller,
 * services, auth, and the areas listed in `areas/index.ts`), so that official OVH clients work against it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { areas as defaultAreas } from "./areas";
import { initAuth } from "./core/auth";
import { AreaModule, SandboxContext } from "./core/contract";
import { SandboxEngine, TOKEN_PATH, initCore } from "./core/server";
import { SandboxStore } from "./core/store";

export { DataFileError } from "./core/store";

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

export async function startSandbox(options: SandboxStartOptions = {}): Promise<RunningSandbox> {
  const log = options.log ?? ((): void => undefined);
  const store = options.dataFile ? SandboxStore.open(options.dataFile) : SandboxStore.memory();
  initCore(store);
  const clockState = store.state["clock"] as { offsetMs: number };
  const ctx: SandboxContext = {
    store,
    clock: { now: () => Date.now() + clockState.offsetMs },
    options: {
      legacy: options.legacy ?? false,
      taskDelayMs: options.taskDelayMs ?? 2000,
      orderDelayMs: options.orderDelayMs ?? 5000,
    },
  };
  const areas = options.areas ?? defaultAreas;
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
  const scheme = tls ? "https" : "http";
  const engine = new SandboxEngine(ctx, store, areas, { latencyMs: options.latencyMs ?? 0, scheme, log });
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, engine.listener)
    : http.createServer(engine.listener);
  server.keepAliveTimeout = 5000;

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const publicHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `${scheme}://${publicHost}:${port}`;
  engine.controlBase = `${origin}/_sandbox`;
  store.save();
  log(`sandbox: listening on ${origin} (${store.file ? `data file ${store.file}` : "in memory"})`);

  let stopped: Promise<void> | undefined;
  const result: RunningSandbox = {
    url: `${origin}/1.0`,
    ...credentials,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    controlUrl: `${origin}/_sandbox`,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => {
        if (certDir) rmSync(certDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
  if (caCertPath) result.caCertPath = caCertPath;
  return result;
}
