/**
 * The native provider: `pulumi.provider.Provider` over the same resource handlers as the dynamic adapter
 * (`provider/resources`). This file only translates between the engine's shapes and the handlers':
 * secret wrappers, type tokens, detailed diffs, partial creates, timeouts and provider configuration.
 */
import type * as pulumi from "@pulumi/pulumi";
import { OvhConfigError } from "../ovh/errors";
import { PartialCreateError } from "../resources/errors";
import * as lookups from "../resources/lookups";
import { handlerFor } from "../resources/registry";
import type { DiffResult, ResourceContext, ResourceLog } from "../resources/types";
import { resourceContext } from "../runtime/context";
import { ProviderConfiguration, type ConfigureArgs } from "./config";
import {
  currentTimeoutMs,
  type DetailedDiff,
  type EngineLog,
  type PropertyDiffKind,
  type RpcHooks,
} from "./rpc";
import {
  functionToken,
  inputNames,
  kindOf,
  packageVersion,
  schemaText,
  secretInputNames,
  secretOutputNames,
} from "./schema";
import { toWire, unwrapProps, wrapKeys, type Props } from "./secrets";

type Provider = pulumi.provider.Provider;
type CheckResult = pulumi.provider.CheckResult;
type CreateResult = pulumi.provider.CreateResult;
type ReadResult = pulumi.provider.ReadResult;
type UpdateResult = pulumi.provider.UpdateResult;
type InvokeResult = pulumi.provider.InvokeResult;

/** The read-only lookups served through Invoke, by function token. */
const FUNCTIONS: Readonly<Record<string, (ctx: ResourceContext, args: Props) => Promise<Props>>> = {
  [functionToken("getOrderableLicences")]: async (ctx, args) => ({
    tenant: args.tenant,
    licences: await lookups.getOrderableLicences(ctx, args as lookups.OrderableLicencesArgs),
  }),
  [functionToken("getUsageStatistics")]: async (ctx, args) =>
    toWire(await lookups.getUsageStatistics(ctx, args as lookups.UsageStatisticsArgs)),
  [functionToken("getBillingPeriodPeaks")]: async (ctx, args) =>
    toWire(await lookups.getBillingPeriodPeaks(ctx, args as lookups.BillingPeriodPeaksArgs)),
};

/**
 * Outputs an in-place update never changes (identity, and what the order fixed): known in the preview of an
 * update, so what is built on them (an add-on's parentSubscriptionId) previews no false change.
 */
const STABLE_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  Subscription: ["tenant", "subscriptionId", "licenceId", "licenceName", "licenceType", "creationDate"],
  Office365ResellerTenant: [
    "serviceName",
    "serviceId",
    "creationDate",
    "orderId",
    "adminPortalUrl",
    "planCode",
    "duration",
    "pricingMode",
    "ovhSubsidiary",
  ],
};

export const FUNCTION_TOKENS: readonly string[] = Object.keys(FUNCTIONS);

/**
 * The engine's view of a handler's diff: each changed property with how it changes. Olds are outputs, so
 * `add`/`delete` are only told for input properties (an output-only key such as `records` is an update).
 */
export function detailedDiffOf(kind: string, result: DiffResult, olds: Props, news: Props): DetailedDiff {
  const inputs = new Set(inputNames(kind));
  const replaces = new Set(result.replaces);
  const detailedDiff: Record<string, PropertyDiffKind> = {};
  const present = (value: unknown) => value !== undefined && value !== null;
  const changed = result.changes ? [...new Set([...result.changedKeys, ...result.replaces])] : [];
  for (const key of changed) {
    let base: "add" | "delete" | "update" = "update";
    if (inputs.has(key)) {
      if (!present(olds[key]) && present(news[key])) base = "add";
      else if (present(olds[key]) && !present(news[key])) base = "delete";
    }
    detailedDiff[key] = replaces.has(key) ? `${base}-replace` : base;
  }
  return {
    changes: result.changes,
    replaces: result.changes ? [...replaces] : [],
    diffs: changed,
    detailedDiff,
    deleteBeforeReplace: result.deleteBeforeReplace ?? false,
  };
}

/** Configuration errors name the Pulumi key; the resolver's wording is the dynamic adapter's (`ovh:`). */
function inProviderTerms(error: unknown): unknown {
  if (error instanceof OvhConfigError) {
    const message = error.message.replace(/\bovh:(\w+)/g, "ovhoffice:$1");
    return Object.assign(new Error(message, { cause: error }), { name: error.name });
  }
  return error;
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw inProviderTerms(error);
  }
}

export interface OvhOfficeProviderOptions {
  /** Defaults to the version in the package's package.json. */
  readonly version?: string;
  readonly configuration?: ProviderConfiguration;
  /** Where messages about a resource go (the engine's log); stderr when absent. */
  readonly engineLog?: EngineLog;
}

export class OvhOfficeProvider implements Provider, RpcHooks {
  readonly version: string;
  readonly schema: string;
  private readonly configuration: ProviderConfiguration;
  private readonly engineLog: EngineLog | undefined;
  private warnedIgnored = false;

  constructor(options: OvhOfficeProviderOptions = {}) {
    this.version = options.version ?? packageVersion();
    this.schema = schemaText(this.version);
    this.configuration = options.configuration ?? new ProviderConfiguration();
    this.engineLog = options.engineLog;
  }

  // ----- configuration ---------------------------------------------------------------------------------

  configure(request: ConfigureArgs): void {
    this.configuration.configure(request);
  }

  /** The handlers' context: one OVH client per distinct configuration, through the one config resolver. */
  /** Messages about the resource `urn`: on that resource in the engine (stderr without an engine). */
  private logFor(urn: string | undefined): ResourceLog | undefined {
    const send = this.engineLog;
    if (!send || !urn) return undefined;
    return {
      info: (message) => void send("info", message, urn),
      warn: (message) => void send("warning", message, urn),
    };
  }

  private context(timeoutMs: number | undefined, urn?: string): ResourceContext {
    const ignored = this.configuration.ignoredKeys;
    if (ignored.length > 0 && !this.warnedIgnored) {
      this.warnedIgnored = true;
      process.stderr.write(
        `ovhoffice provider: ignoring unknown provider arguments: ${ignored.join(", ")}\n`,
      );
    }
    try {
      const log = this.logFor(urn);
      return log
        ? resourceContext(this.configuration.lookup(), timeoutMs, log)
        : resourceContext(this.configuration.lookup(), timeoutMs);
    } catch (error) {
      throw inProviderTerms(error);
    }
  }

  // ----- outputs ---------------------------------------------------------------------------------------

  /** Outputs as the engine must store them: wire-safe, secret where the schema or the inputs say so. */
  private outputs(kind: string, outs: unknown, inputSecrets: ReadonlySet<string>): Props {
    return wrapKeys(toWire(outs), [...secretOutputNames(kind), ...inputSecrets]);
  }

  private inputs(kind: string, inputs: unknown, inputSecrets: ReadonlySet<string>): Props {
    return wrapKeys(toWire(inputs), [...secretInputNames(kind), ...inputSecrets]);
  }

  // ----- CRUD ------------------------------------------------------------------------------------------

  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const kind = kindOf(urn);
    const next = unwrapProps(news);
    const prior = unwrapProps(olds);
    const result = await translated(() =>
      handlerFor(kind).check(
        next.plain,
        this.context(undefined, urn),
        Object.keys(prior.plain).length > 0 ? prior.plain : undefined,
      ),
    );
    if (result.failures.length > 0 || result.inputs === undefined) {
      return { inputs: news, failures: result.failures };
    }
    for (const note of result.notes ?? []) await this.noteOnResource(urn, note);
    return { inputs: this.inputs(kind, result.inputs, next.secretKeys), failures: [] };
  }

  /** Preview of an update: the new inputs, plus the old outputs an update never changes (see STABLE_OUTPUTS). */
  previewUpdate(urn: string, olds: Props, news: Props): Props {
    const stable = STABLE_OUTPUTS[kindOf(urn)] ?? [];
    const kept = Object.fromEntries(
      stable.filter((key) => olds[key] !== undefined).map((key) => [key, olds[key]]),
    );
    return { ...news, ...kept };
  }

  /**
   * A billing note as a warning on the resource: the engine's Log RPC with the resource's URN (rpc.ts, 6), so
   * `pulumi preview` counts it and `--json` carries it. stderr when there is no engine (tests).
   */
  private async noteOnResource(urn: string, note: string): Promise<void> {
    if (this.engineLog) await this.engineLog("warning", note, urn);
    else process.stderr.write(`[ovh-office365] warning: ${note}\n`);
  }

  /** What `server.js` would forward (changes, replaces); {@link detailedDiff} carries the rest. */
  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DetailedDiff> {
    return this.detailedDiff(id, urn, olds, news);
  }

  async detailedDiff(id: string, urn: string, olds: Props, news: Props): Promise<DetailedDiff> {
    const kind = kindOf(urn);
    const prior = unwrapProps(olds).plain;
    const next = unwrapProps(news).plain;
    return detailedDiffOf(kind, handlerFor(kind).diff(id, prior, next), prior, next);
  }

  async create(urn: string, inputs: Props): Promise<CreateResult> {
    const kind = kindOf(urn);
    const { plain, secretKeys } = unwrapProps(inputs);
    const ctx = this.context(currentTimeoutMs(), urn);
    try {
      const result = await handlerFor(kind).create(plain, ctx);
      return { id: result.id, outs: this.outputs(kind, result.outs, secretKeys) };
    } catch (error) {
      throw this.partial(kind, error, secretKeys);
    }
  }

  async read(id: string, urn: string, props?: Props): Promise<ReadResult> {
    const kind = kindOf(urn);
    const { plain, secretKeys } = unwrapProps(props);
    // An import (or `get`) sends no properties: the handler then looks the object up by id alone.
    const olds = Object.keys(plain).length > 0 ? plain : undefined;
    const result = await translated(() =>
      handlerFor(kind).read(id, olds, this.context(currentTimeoutMs(), urn)),
    );
    // An empty id tells the engine the object is gone (refresh drops it from the state).
    if (result.id === undefined) return { id: "", props: {} };
    return {
      id: result.id,
      props: this.outputs(kind, result.props ?? {}, secretKeys),
      ...(result.inputs === undefined ? {} : { inputs: this.inputs(kind, result.inputs, secretKeys) }),
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<UpdateResult> {
    const kind = kindOf(urn);
    const prior = unwrapProps(olds);
    const next = unwrapProps(news);
    const ctx = this.context(currentTimeoutMs(), urn);
    const secrets = new Set([...prior.secretKeys, ...next.secretKeys]);
    try {
      const outs = await handlerFor(kind).update(id, prior.plain, next.plain, ctx);
      return { outs: this.outputs(kind, outs, secrets) };
    } catch (error) {
      throw this.partial(kind, error, secrets);
    }
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const kind = kindOf(urn);
    const { plain } = unwrapProps(props);
    await translated(() => handlerFor(kind).delete(id, plain, this.context(currentTimeoutMs(), urn)));
  }

  /**
   * A PartialCreateError becomes the error shape server.js turns into `ErrorResourceInitFailed`: the engine
   * records the resource with `id` and `properties`, and the next `up` updates it instead of creating again.
   */
  private partial(kind: string, error: unknown, inputSecrets: ReadonlySet<string>): unknown {
    if (error instanceof PartialCreateError) {
      return Object.assign(new Error(error.message), {
        id: error.id,
        properties: this.outputs(kind, error.properties, inputSecrets),
        reasons: error.reasons,
      });
    }
    return inProviderTerms(error);
  }

  // ----- functions -------------------------------------------------------------------------------------

  async invoke(token: string, inputs: Props): Promise<InvokeResult> {
    const lookup = FUNCTIONS[token];
    if (!lookup) {
      throw new Error(`ovhoffice provider: unknown function ${token}; known: ${FUNCTION_TOKENS.join(", ")}`);
    }
    const args = unwrapProps(inputs).plain;
    const outputs = await translated(() => lookup(this.context(undefined), args));
    return { outputs: toWire(outputs) };
  }
}
