/** The official `ovh` npm client (v2), configured for the sandbox over TLS (CA trusted via the https global agent). */
import * as https from "node:https";
import { readFileSync } from "node:fs";
import type { BenchSandbox } from "./sandboxProcess";

export interface OfficialOvh {
  requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** Sockets the https global agent (the official client's) has opened since the first `officialClient` call. */
let officialConnections = 0;
let counting = false;

export function officialConnectionsOpened(): number {
  return officialConnections;
}

/** The client uses `https.request` without an agent: the global agent must trust the sandbox CA. */
export function officialClient(sandbox: BenchSandbox): OfficialOvh {
  https.globalAgent.options.ca = readFileSync(sandbox.caCertPath);
  if (!counting) {
    counting = true;
    const agent = https.globalAgent as unknown as { createConnection: (...args: unknown[]) => unknown };
    const create = agent.createConnection.bind(agent);
    agent.createConnection = (...args: unknown[]) => {
      officialConnections += 1;
      return create(...args);
    };
  }
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
