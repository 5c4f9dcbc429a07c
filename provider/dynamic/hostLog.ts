/**
 * Messages on the resource they concern, for the TypeScript SDK's dynamic resources.
 *
 * Pulumi's dynamic-provider host (3.248) neither configures Pulumi's runtime with the engine's address (its
 * first argument) nor passes the resource's URN to the provider. This package's code runs inside that host,
 * so it reads the URN from each request as the host unpacks it (the request getters are wrapped to keep the
 * URN for the rest of that request, in an AsyncLocalStorage scope) and sends its messages to the engine's Log
 * RPC with that URN: the engine attaches them to the resource and counts them. Without a URN (the host's very
 * first Check, before this code is loaded; tests), messages go to stderr as before.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { stderrLog } from "../runtime/context";
import type { ResourceLog } from "../resources/types";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf/grpc modules without types */
const urnScope = new AsyncLocalStorage<string>();
const PATCHED = Symbol.for("pulumi-ovh-office365-reseller.urnCapture");

/** The request types the host serves, with the getter it calls first on each. */
const FIRST_GETTERS: ReadonlyArray<readonly [string, string]> = [
  ["CheckRequest", "getNews"],
  ["DiffRequest", "getNews"],
  ["CreateRequest", "getProperties"],
  ["ReadRequest", "getProperties"],
  ["UpdateRequest", "getNews"],
  ["DeleteRequest", "getProperties"],
];

function patch(provproto: any): void {
  for (const [type, getter] of FIRST_GETTERS) {
    const proto = provproto?.[type]?.prototype;
    if (!proto || proto[PATCHED]?.[getter] || typeof proto[getter] !== "function") continue;
    const original = proto[getter];
    proto[getter] = function (this: any, ...args: unknown[]) {
      const urn = typeof this.getUrn === "function" ? this.getUrn() : undefined;
      if (typeof urn === "string" && urn !== "") urnScope.enterWith(urn);
      return original.apply(this, args);
    };
    proto[PATCHED] = { ...(proto[PATCHED] ?? {}), [getter]: true };
  }
}

/** Wraps the request getters of every loaded `@pulumi/pulumi/proto/provider_pb` (the host's). */
export function installUrnCapture(): void {
  for (const [file, loaded] of Object.entries(require.cache as Record<string, NodeModule | undefined>)) {
    if (/[\\/]@pulumi[\\/]pulumi[\\/]proto[\\/]provider_pb\.js$/.test(file)) patch(loaded?.exports);
  }
}

/** The URN of the resource whose request is being served, when known. */
export function currentUrn(): string | undefined {
  return urnScope.getStore();
}

let client: any;

/** The engine's address: the host's first argument (`host:port`). */
function engineAddress(): string | undefined {
  const arg = process.argv[2];
  return arg && /^[\w.-]+:\d+$/.test(arg) ? arg : undefined;
}

function send(severity: "info" | "warning", message: string): void {
  const urn = currentUrn();
  const address = engineAddress();
  if (!urn || !address) {
    (severity === "warning" ? stderrLog.warn : stderrLog.info)(message);
    return;
  }
  try {
    const engproto: any = require(path.join(pulumiDir(), "proto", "engine_pb"));
    const engrpc: any = require(path.join(pulumiDir(), "proto", "engine_grpc_pb"));
    const grpc: any = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir()] }));
    client ??= new engrpc.EngineClient(address, grpc.credentials.createInsecure());
    const req = new engproto.LogRequest();
    req.setSeverity(severity === "warning" ? engproto.LogSeverity.WARNING : engproto.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(urn);
    client.log(req, (error: unknown) => {
      if (error) (severity === "warning" ? stderrLog.warn : stderrLog.info)(message);
    });
  } catch {
    (severity === "warning" ? stderrLog.warn : stderrLog.info)(message);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function pulumiDir(): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

/** The log of the dynamic adapter's operations: on the resource being served. */
export const hostLog: ResourceLog = {
  info: (message) => send("info", message),
  warn: (message) => send("warning", message),
};
