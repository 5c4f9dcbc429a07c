/** The official `ovh` npm client (v2), configured for the sandbox over TLS (CA trusted via the https global agent). */
import * as https from "node:https";
import { readFileSync } from "node:fs";
import type { BenchSandbox } from "./sandboxProcess";

export interface OfficialOvh {
  requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** The client uses `https.request` without an agent: the global agent must trust the sandbox CA. */
export function officialClient(sandbox: BenchSandbox): OfficialOvh {
  https.globalAgent.options.ca = readFileSync(sandbox.caCertPath);
  const ovh = require("ovh") as (options: Record<string, unknown>) => OfficialOvh;
  return ovh({
    appKey: sandbox.applicationKey,
    appSecret: sandbox.applicationSecret,
    consumerKey: sandbox.consumerKey,
    host: "127.0.0.1",
    port: sandbox.port,
    basePath: "/1.0",
  });
}
