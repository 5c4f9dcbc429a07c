/**
 * The sandbox as a separate process (`dist/sandbox/cli.js`), so its event loop never competes with the bench's
 * own (the client benchmark and the event collection run here), plus the control routes the bench needs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";

export interface SandboxSettings {
  readonly taskDelayMs: number;
  readonly orderDelayMs: number;
  readonly latencyMs: number;
  readonly seed?: "default" | "empty";
}

/** One entry of `GET /_sandbox/calls`. */
export interface LoggedCall {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number | null;
}

export interface BenchSandbox {
  readonly url: string;
  readonly port: number;
  readonly applicationKey: string;
  readonly applicationSecret: string;
  readonly consumerKey: string;
  readonly caCertPath: string;
  readonly controlUrl: string;
  /** Environment for the provider (the Pulumi CLI passes it on to the dynamic-provider plugin). */
  readonly providerEnv: Record<string, string>;
  control<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  calls(): Promise<LoggedCall[]>;
  clearCalls(): Promise<void>;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, "..", "..");

export async function startBenchSandbox(settings: SandboxSettings): Promise<BenchSandbox> {
  const cli = path.join(repoRoot, "dist", "sandbox", "cli.js");
  const args = [
    cli,
    "--tls",
    "--seed",
    settings.seed ?? "default",
    "--task-delay-ms",
    String(settings.taskDelayMs),
    "--order-delay-ms",
    String(settings.orderDelayMs),
    "--latency-ms",
    String(settings.latencyMs),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line as string),
    once(child, "exit").then(([code]) => {
      throw new Error(`sandbox exited with code ${String(code)} before it was ready:\n${stderr}`);
    }),
  ]);
  const info = JSON.parse(first) as {
    url: string;
    applicationKey: string;
    applicationSecret: string;
    consumerKey: string;
    caCertPath: string;
    controlUrl: string;
  };

  // The control routes use fetch (undici), which does not trust the sandbox CA: talk to them via node:https.
  const { readFileSync } = await import("node:fs");
  const https = await import("node:https");
  const ca = readFileSync(info.caCertPath);
  // A new connection per control call: they are few, and a kept-alive socket reused just as the server
  // drops it fails with "socket hang up" (it broke a CI run between two benchmark steps).
  const agent = new https.Agent({ ca, keepAlive: false });
  const control = <T>(method: string, route: string, body?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${info.controlUrl}${route}`,
        {
          method,
          agent,
          headers: payload === undefined ? {} : { "Content-Type": "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 500) >= 300) {
              reject(new Error(`sandbox control ${method} ${route}: HTTP ${String(res.statusCode)} ${text}`));
            } else resolve((text === "" ? null : JSON.parse(text)) as T);
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });

  return {
    ...info,
    port: Number(new URL(info.url).port),
    providerEnv: {
      OVH_ENDPOINT: info.url,
      OVH_APPLICATION_KEY: info.applicationKey,
      OVH_APPLICATION_SECRET: info.applicationSecret,
      OVH_CONSUMER_KEY: info.consumerKey,
      OVH_CA_CERT_PATH: info.caCertPath,
    },
    control,
    calls: () => control<LoggedCall[]>("GET", "/calls"),
    clearCalls: async () => {
      await control("DELETE", "/calls");
    },
    stop: async () => {
      agent.destroy();
      if (child.exitCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
