/**
 * Where the native provider's OVH settings come from.
 *
 * What reaches a native Node provider process (pulumi v3.248, checked end to end in test/e2e/native.e2e.test.ts):
 * - Every provider resource, the default one and each explicit `pulumi:providers:ovhoffice`, runs in its OWN
 *   plugin process.
 * - Each process gets the env `PULUMI_CONFIG`: the stack configuration of the `ovhoffice` namespace, namespace
 *   stripped, secrets decrypted (`{"endpoint": "…", "applicationSecret": "…"}`), whatever the provider resource.
 *   `pulumi.runtime.getConfig("endpoint")` reads it.
 * - The engine then calls `Configure` with the provider resource's inputs: for the default provider the stack
 *   configuration again, for an explicit provider exactly its arguments (secrets wrapped, plus `version`).
 *   `server.js` drops that request; `rpc.ts` intercepts it and hands it to {@link ProviderConfiguration.configure}.
 *
 * Resolution per setting, through the one resolver (`resolveOvhConfig`, via `resourceContext`):
 * - default provider: Configure arguments, then `PULUMI_CONFIG`, then `OVH_*` environment, then defaults;
 * - explicit provider: its arguments, then `OVH_*` environment, then defaults. The stack's `ovhoffice:*` keys are
 *   NOT inherited, as with any Pulumi provider: that keeps the accounts of several explicit providers apart.
 * - no Configure seen (interception unavailable): `PULUMI_CONFIG`, then environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { OVH_SETTING_KEYS, type OvhSettingKey } from "../ovh/config";
import type { PulumiConfigLookup } from "../runtime/context";
import { PACKAGE_NAME } from "./schema";
import { unwrapDeep, type Props } from "./secrets";

/** What the engine's Configure request carries that matters here. */
export interface ConfigureArgs {
  /** The provider resource's inputs (`ConfigureRequest.args`), possibly with secret wrappers. */
  readonly args?: Props;
  /** The provider resource's URN, e.g. `urn:pulumi:dev::proj::pulumi:providers:ovhoffice::default_0_1_0`. */
  readonly urn?: string;
}

/** Reads the stack configuration the engine put in `PULUMI_CONFIG` (namespace already stripped). */
export function stackConfigLookup(read: (key: string) => string | undefined = pulumi.runtime.getConfig) {
  return (key: string): string | undefined => read(key) ?? read(`${PACKAGE_NAME}:${key}`);
}

/** Default providers are named `default` or `default_<version>` by the engine. */
export function isDefaultProviderUrn(urn: string | undefined): boolean {
  if (!urn) return true;
  const name = urn.split("::").pop() ?? "";
  return name === "default" || name.startsWith("default_");
}

function settingText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const SETTING_KEYS: ReadonlySet<string> = new Set<string>(OVH_SETTING_KEYS);

/** One provider process's configuration. */
export class ProviderConfiguration {
  private args: Partial<Record<OvhSettingKey, string>> | undefined;
  private explicit = false;
  private unknownKeys: string[] = [];

  constructor(private readonly stackConfig: PulumiConfigLookup = stackConfigLookup()) {}

  /** Records the provider resource's inputs (called once per process, before any resource operation). */
  configure(request: ConfigureArgs): void {
    const plain = (unwrapDeep(request.args ?? {}) ?? {}) as Props;
    const args: Partial<Record<OvhSettingKey, string>> = {};
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(plain)) {
      if (key === "version") continue;
      if (!SETTING_KEYS.has(key)) {
        unknown.push(key);
        continue;
      }
      const text = settingText(value);
      if (text !== undefined) args[key as OvhSettingKey] = text;
    }
    this.args = args;
    this.explicit = !isDefaultProviderUrn(request.urn);
    this.unknownKeys = unknown;
  }

  /** Whether this process serves an explicit provider resource (known once Configure has been seen). */
  get isExplicitProvider(): boolean {
    return this.explicit;
  }

  /** Provider arguments this adapter does not know (reported once by the provider, never fatal). */
  get ignoredKeys(): readonly string[] {
    return this.unknownKeys;
  }

  /** The Pulumi-side lookup handed to the one resolver; the `OVH_*` environment comes after it. */
  lookup(): PulumiConfigLookup {
    const args = this.args;
    if (!args) return this.stackConfig;
    if (this.explicit) return (key) => args[key as OvhSettingKey];
    return (key) => args[key as OvhSettingKey] ?? this.stackConfig(key);
  }
}
