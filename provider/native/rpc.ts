/**
 * The gaps of `@pulumi/pulumi/provider/server.js` (3.248) that cannot be handled inside the `Provider` object,
 * closed at the gRPC layer before `pulumi.provider.main` starts serving:
 *
 * 1. `Read` calls `req.getProperties().toJavaScript()`; an import (`pulumi import`, the `import` option) sends
 *    no properties, so it throws "Cannot read properties of undefined (reading 'toJavaScript')". Patched on
 *    `ReadRequest.prototype.getProperties` to answer an empty Struct (the documented workaround).
 * 2. `Configure` ignores its request: explicit provider arguments never reach the provider. `server.js`
 *    registers its service object with `grpc.Server.prototype.addService`; that call is intercepted to see the
 *    request first (then `server.js` answers as usual: acceptSecrets, acceptResources).
 * 3. `Diff` forwards only changes/replaces/deleteBeforeReplace. The intercepted service answers Diff itself,
 *    with `diffs` and a `detailedDiff` naming each property and whether it replaces.
 * 4. `Create`/`Update`/`Delete`/`Read` do not pass the request's `timeout` (the resource's `customTimeouts`, in
 *    seconds). The intercepted calls run inside an AsyncLocalStorage scope holding it; {@link currentTimeoutMs}
 *    reads it from the Provider methods they call.
 *
 * 5. `server.js` does not support previews of create/update, so the engine hands the new inputs back as the
 *    outputs of an update in preview: every output is unknown, and an add-on built on an updated subscription's
 *    `subscriptionId` previews a false change. Configure now answers `supportsPreview`, and a preview of create
 *    or update is answered here without calling OVH: the inputs, plus (update) the outputs an update never
 *    changes (subscription id, licence, tenant service name; see `previewUpdate`).
 *
 * Everything else is `server.js` unchanged. Drop each item once `server.js` handles it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import type { ConfigureArgs } from "./config";
import type { Props } from "./secrets";
import { writeDetailedDiff } from "../runtime/detailedDiff";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf/grpc modules without types */
const provproto: any = require("@pulumi/pulumi/proto/provider_pb");
const provrpc: any = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { Struct }: any = require("google-protobuf/google/protobuf/struct_pb");

/** The @grpc/grpc-js copy server.js uses (it is @pulumi/pulumi's dependency, not ours). */
function serverGrpc(): any {
  const serverDir = path.dirname(require.resolve("@pulumi/pulumi/provider/server.js"));
  return require(require.resolve("@grpc/grpc-js", { paths: [serverDir] }));
}
/** A unary call as grpc-js hands it over; `request` is a generated protobuf message. */
interface GrpcCall {
  readonly request: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------------------------------------------------
// 1. Read without properties

let readPatched = false;

export function patchReadWithoutProperties(): void {
  if (readPatched) return;
  readPatched = true;
  const original = provproto.ReadRequest.prototype.getProperties;
  provproto.ReadRequest.prototype.getProperties = function getProperties(this: unknown) {
    return original.call(this) ?? new Struct();
  };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Timeouts

const timeoutScope = new AsyncLocalStorage<number | undefined>();

/** The engine's timeout for the operation being served (customTimeouts), in ms; undefined when none. */
export function currentTimeoutMs(): number | undefined {
  return timeoutScope.getStore();
}

export function secondsToMs(seconds: unknown): number | undefined {
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0
    ? Math.round(seconds * 1000)
    : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// 2 + 3. Configure and Diff

/** How a property changes, as the engine's PropertyDiff.Kind names it. */
export type PropertyDiffKind =
  "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** A Diff answer with the detail `server.js` cannot carry. */
export interface DetailedDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Changed top-level properties. */
  readonly diffs: string[];
  /** Per property path: how it changes. `inputDiff` is false: the adapter compares new inputs with old outputs. */
  readonly detailedDiff: Record<string, PropertyDiffKind>;
  readonly deleteBeforeReplace: boolean;
}

/** What the intercepted service calls on the provider. */
export interface RpcHooks {
  configure(request: ConfigureArgs): void;
  detailedDiff(id: string, urn: string, olds: Props, news: Props): Promise<DetailedDiff>;
  /** What an update will leave known, for a preview: the new inputs and the outputs an update never changes. */
  previewUpdate(urn: string, olds: Props, news: Props): Props;
}

/** Builds the gRPC DiffResponse of a {@link DetailedDiff}. */
export function diffResponse(result: DetailedDiff): unknown {
  const resp = new provproto.DiffResponse();
  const changes = provproto.DiffResponse.DiffChanges;
  resp.setChanges(result.changes ? changes.DIFF_SOME : changes.DIFF_NONE);
  resp.setReplacesList(result.replaces);
  resp.setDeletebeforereplace(result.deleteBeforeReplace);
  writeDetailedDiff(provproto, resp, result);
  return resp;
}

type UnaryCallback = (error: unknown, value?: unknown) => void;
type UnaryHandler = (call: GrpcCall, callback: UnaryCallback) => unknown;

function optionalText(read: (() => unknown) | undefined): string | undefined {
  const value = read?.();
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Wraps server.js's service object: our Configure/Diff/timeouts first, everything else untouched. */
export function interceptService(service: Record<string, unknown>, hooks: RpcHooks): Record<string, unknown> {
  const wrapped: Record<string, unknown> = Object.create(service);
  const original = (name: string) => (service[name] as UnaryHandler).bind(service);

  const configure = original("configure");
  wrapped.configure = (call: GrpcCall, callback: UnaryCallback) => {
    try {
      const req = call.request;
      hooks.configure({
        args: req.getArgs?.()?.toJavaScript() as Props | undefined,
        urn: optionalText(req.getUrn?.bind(req)),
      });
    } catch (error) {
      // Configuration problems are reported on first use, with the setting to fix.
      process.stderr.write(`ovhoffice provider: could not read the Configure request: ${String(error)}\n`);
    }
    // 5. Previews of create/update are answered here (below): the engine may ask for them.
    return configure(call, (error: unknown, value?: unknown) => {
      (value as { setSupportsPreview?: (on: boolean) => void } | undefined)?.setSupportsPreview?.(true);
      callback(error, value);
    });
  };

  const create = original("create");
  wrapped.create = (call: GrpcCall, callback: UnaryCallback) => {
    if (call.request.getPreview?.() !== true) return create(call, callback);
    // Preview of a create: nothing is called; the outputs that only OVH can tell stay unknown.
    const resp = new provproto.CreateResponse();
    resp.setId("");
    resp.setProperties(call.request.getProperties());
    callback(null, resp);
  };

  const update = original("update");
  wrapped.update = (call: GrpcCall, callback: UnaryCallback) => {
    if (call.request.getPreview?.() !== true) return update(call, callback);
    try {
      const req = call.request;
      const outs = hooks.previewUpdate(
        req.getUrn(),
        req.getOlds().toJavaScript(),
        req.getNews().toJavaScript(),
      );
      const resp = new provproto.UpdateResponse();
      resp.setProperties(Struct.fromJavaScript(outs));
      callback(null, resp);
    } catch (error) {
      callback(error);
    }
  };

  wrapped.diff = (call: GrpcCall, callback: UnaryCallback) => {
    const req = call.request;
    hooks
      .detailedDiff(req.getId(), req.getUrn(), req.getOlds().toJavaScript(), req.getNews().toJavaScript())
      .then(
        (result) => callback(null, diffResponse(result)),
        (error: unknown) => {
          console.error(`${String(error)}: ${(error as Error)?.stack ?? ""}`);
          callback(error);
        },
      );
  };

  for (const name of ["create", "update", "delete", "read"]) {
    const handler = Object.hasOwn(wrapped, name) ? (wrapped[name] as UnaryHandler) : original(name);
    wrapped[name] = (call: GrpcCall, callback: UnaryCallback) =>
      timeoutScope.run(secondsToMs(call.request.getTimeout?.()), () => handler(call, callback));
  }
  return wrapped;
}

let serviceHooked = false;

/** Installs every patch; call once, before `pulumi.provider.main`. */
export function installRpcPatches(hooks: RpcHooks): void {
  patchReadWithoutProperties();
  if (serviceHooked) return;
  serviceHooked = true;
  const grpc = serverGrpc();
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: unknown, service: unknown, implementation: unknown) {
    const isProviderService =
      service === provrpc.ResourceProviderService ||
      (service as { diff?: { path?: string } } | null)?.diff?.path === "/pulumirpc.ResourceProvider/Diff";
    const impl = isProviderService
      ? interceptService(implementation as Record<string, unknown>, hooks)
      : implementation;
    return addService.call(this, service, impl);
  };
}

// ---------------------------------------------------------------------------------------------------------
// 6. Diagnostics on a resource

/**
 * `server.js` configures Pulumi's runtime (and so `pulumi.log`) only for Construct and Call, never for
 * Check/Diff/CRUD. Messages meant for the person running Pulumi are sent straight to the engine's Log RPC with
 * the resource's URN: the engine attaches them to that resource, `pulumi preview` counts them, `--json` carries
 * them. The engine's address is the plugin's first argument (the same one `server.js` parses).
 */
export type EngineLog = (severity: "info" | "warning", message: string, urn: string) => Promise<void>;

export function engineLogger(args: readonly string[]): EngineLog | undefined {
  const address = args.find(
    (arg, index) => !arg.startsWith("-") && (index === 0 || args[index - 1] !== "--tracing"),
  );
  if (!address) return undefined;
  /* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf/grpc modules without types */
  const engproto: any = require("@pulumi/pulumi/proto/engine_pb");
  const engrpc: any = require("@pulumi/pulumi/proto/engine_grpc_pb");
  const grpc = serverGrpc();
  let client: any;
  return (severity, message, urn) =>
    new Promise((resolve) => {
      client ??= new engrpc.EngineClient(address, grpc.credentials.createInsecure());
      const req = new engproto.LogRequest();
      req.setSeverity(severity === "warning" ? engproto.LogSeverity.WARNING : engproto.LogSeverity.INFO);
      req.setMessage(message);
      req.setUrn(urn);
      req.setEphemeral(false);
      client.log(req, (error: unknown) => {
        if (error) process.stderr.write(`[ovh-office365] ${severity}: ${message}\n`);
        resolve();
      });
    });
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
