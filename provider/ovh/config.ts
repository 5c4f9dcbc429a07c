/**
 * THE configuration resolver of the provider: endpoint, credentials and client limits.
 *
 * Precedence, per setting: explicit value, then Pulumi config (`ovh:<key>`), then environment (`OVH_*`),
 * then the default. Exactly one authentication method must be configured. The resolved object never
 * reveals a secret: secrets are non-enumerable, and `toJSON` / `util.inspect` redact them.
 */
import { inspect } from "node:util";
import { DEFAULT_ENDPOINT, resolveEndpoint, type OvhEndpoint } from "./endpoints";
import { OvhConfigError } from "./errors";
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_RATE_PER_SECOND } from "./limiter";
import { DEFAULT_MAX_RETRIES } from "./retry";

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Every setting the resolver knows, under its Pulumi config key (without the `ovh:` prefix). */
export interface OvhSettings {
  endpoint: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  /** PEM file path (or PEM text) of a CA to trust in addition to the system roots (private sandbox certificate). */
  caCertPath: string;
  /** Sustained requests per second; 0 or Infinity disables the client-side rate limit. */
  apiRateLimit: number;
  apiBurst: number;
  apiMaxConcurrency: number;
  apiTimeoutMs: number;
  apiMaxRetries: number;
  tokenUrl: string;
}

export type OvhSettingKey = keyof OvhSettings;

/** Where a resolved setting came from. */
export type SettingSource = "explicit" | "pulumi" | "env" | "default";

/** Environment variable of each setting. */
export const OVH_ENV_VARS: Readonly<Record<OvhSettingKey, string>> = Object.freeze({
  endpoint: "OVH_ENDPOINT",
  applicationKey: "OVH_APPLICATION_KEY",
  applicationSecret: "OVH_APPLICATION_SECRET",
  consumerKey: "OVH_CONSUMER_KEY",
  clientId: "OVH_CLIENT_ID",
  clientSecret: "OVH_CLIENT_SECRET",
  accessToken: "OVH_ACCESS_TOKEN",
  caCertPath: "OVH_CA_CERT_PATH",
  apiRateLimit: "OVH_API_RATE_LIMIT",
  apiBurst: "OVH_API_BURST",
  apiMaxConcurrency: "OVH_API_MAX_CONCURRENCY",
  apiTimeoutMs: "OVH_API_TIMEOUT_MS",
  apiMaxRetries: "OVH_API_MAX_RETRIES",
  tokenUrl: "OVH_TOKEN_URL",
});

export const OVH_SETTING_KEYS: readonly OvhSettingKey[] = Object.freeze(
  Object.keys(OVH_ENV_VARS) as OvhSettingKey[],
);

/** Settings whose values are never shown. */
export const SECRET_SETTINGS: ReadonlySet<OvhSettingKey> = new Set<OvhSettingKey>([
  "applicationSecret",
  "consumerKey",
  "clientSecret",
  "accessToken",
]);

/** "OVH_CONSUMER_KEY (or ovh:consumerKey)": how to name a setting to a user. */
export function settingLabel(key: OvhSettingKey): string {
  return `${OVH_ENV_VARS[key]} (or ovh:${key})`;
}

/** Names a setting together with where its value came from, e.g. "ovh:apiBurst (Pulumi config)". */
export function settingWithSource(key: OvhSettingKey, source: SettingSource | undefined): string {
  switch (source) {
    case "explicit":
      return `${key} (explicit provider argument)`;
    case "pulumi":
      return `ovh:${key} (Pulumi config)`;
    case "env":
      return `${OVH_ENV_VARS[key]} (environment)`;
    default:
      return settingLabel(key);
  }
}

export const REDACTED = "[redacted]";

// ---------------------------------------------------------------------------------------------------------
// Resolved shapes

export interface OvhV1Auth {
  readonly kind: "v1";
  readonly applicationKey: string;
  /** Non-enumerable. */
  readonly applicationSecret: string;
  /** Non-enumerable. */
  readonly consumerKey: string;
}

export interface OvhOAuth2Auth {
  readonly kind: "oauth2";
  readonly clientId: string;
  /** Non-enumerable. */
  readonly clientSecret: string;
  readonly tokenUrl: string;
}

export interface OvhAccessTokenAuth {
  readonly kind: "accessToken";
  /** Non-enumerable. */
  readonly accessToken: string;
}

/** No credentials: only `authenticated: false` requests are possible (resolved with `requireAuth: false`). */
export interface OvhNoAuth {
  readonly kind: "none";
}

export type OvhAuth = OvhV1Auth | OvhOAuth2Auth | OvhAccessTokenAuth | OvhNoAuth;

export interface OvhLimits {
  /** Requests per second; Infinity when disabled. */
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxConcurrency: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** The output of `resolveOvhConfig`. Safe to log: secrets never show in JSON or `util.inspect`. */
export interface ResolvedOvhConfig {
  readonly endpoint: OvhEndpoint;
  readonly auth: OvhAuth;
  readonly caCertPath: string | undefined;
  readonly limits: OvhLimits;
  /** Where each setting that has a value came from. */
  readonly sources: Readonly<Partial<Record<OvhSettingKey, SettingSource>>>;
  /** The secret values, for redaction of any text the client produces. Non-enumerable. */
  readonly secretValues: readonly string[];
  toJSON(): Record<string, unknown>;
}

/** Builds an object whose secret fields are non-enumerable and redacted in JSON and `util.inspect`. */
function withHiddenSecrets<T extends object>(
  visible: Record<string, unknown>,
  secrets: Record<string, string>,
): T {
  const target: Record<string, unknown> = { ...visible };
  for (const [key, value] of Object.entries(secrets)) {
    // A non-enumerable getter over a closure: not in JSON, spreads, Object.keys/values/entries, and shown
    // only as "[Getter]" even by util.inspect with showHidden and customInspect off.
    Object.defineProperty(target, key, { get: () => value, enumerable: false, configurable: false });
  }
  const redacted = (): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...visible };
    for (const key of Object.keys(secrets)) out[key] = REDACTED;
    return out;
  };
  Object.defineProperty(target, "toJSON", { value: redacted, enumerable: false });
  Object.defineProperty(target, inspect.custom, {
    value: (_depth: number, options: object) => inspect(redacted(), options),
    enumerable: false,
  });
  return Object.freeze(target) as T;
}

// ---------------------------------------------------------------------------------------------------------
// Resolution

export interface OvhConfigSources {
  /** Values given in code (provider arguments). Highest precedence. */
  readonly explicit?: Partial<OvhSettings>;
  /** Reads a Pulumi config value by bare key (`consumerKey`); the caller maps it to `ovh:<key>`. */
  readonly pulumiConfig?: (key: string) => string | undefined;
  /** Environment; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** When false, a configuration without any credentials resolves to `auth.kind === "none"`. Default true. */
  readonly requireAuth?: boolean;
}

interface RawSetting {
  readonly value: string | number;
  readonly source: SettingSource;
}

function pick(key: OvhSettingKey, sources: OvhConfigSources): RawSetting | undefined {
  const explicit = sources.explicit?.[key];
  if (
    explicit !== undefined &&
    explicit !== null &&
    !(typeof explicit === "string" && explicit.trim() === "")
  ) {
    return { value: typeof explicit === "string" ? explicit.trim() : explicit, source: "explicit" };
  }
  const fromPulumi = sources.pulumiConfig?.(key);
  if (fromPulumi !== undefined && fromPulumi !== null && fromPulumi.trim() !== "") {
    return { value: fromPulumi.trim(), source: "pulumi" };
  }
  const env = sources.env ?? process.env;
  const fromEnv = env[OVH_ENV_VARS[key]];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return { value: fromEnv.trim(), source: "env" };
  return undefined;
}

type NumberRule = { readonly min: number; readonly integer: boolean; readonly allowInfinity: boolean };

const NUMBER_RULES: Readonly<Record<string, NumberRule>> = {
  apiRateLimit: { min: 0, integer: false, allowInfinity: true },
  apiBurst: { min: 1, integer: true, allowInfinity: false },
  apiMaxConcurrency: { min: 1, integer: true, allowInfinity: true },
  apiTimeoutMs: { min: 1, integer: true, allowInfinity: false },
  apiMaxRetries: { min: 0, integer: true, allowInfinity: false },
};

function parseNumberSetting(key: OvhSettingKey, raw: RawSetting): number {
  const rule = NUMBER_RULES[key] as NumberRule;
  const text = String(raw.value).trim();
  const value =
    typeof raw.value === "number" ? raw.value : /^\+?inf(inity)?$/i.test(text) ? Infinity : Number(text);
  const what = rule.integer
    ? `a whole number ≥ ${rule.min}${rule.allowInfinity ? " (or Infinity)" : ""}`
    : `a number ≥ ${rule.min}${rule.allowInfinity ? " (0 or Infinity disables it)" : ""}`;
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const bad =
    text === "" ||
    Number.isNaN(value) ||
    value < rule.min ||
    (value === Infinity && !rule.allowInfinity) ||
    (rule.integer && Number.isFinite(value) && !Number.isInteger(value));
  if (bad) {
    throw new OvhConfigError(`${settingWithSource(key, raw.source)} must be ${what}; got "${shown}"`);
  }
  return value;
}

const AUTH_METHODS = [
  {
    kind: "v1",
    title: "v1",
    keys: ["applicationKey", "applicationSecret", "consumerKey"],
    needs: "v1 authentication needs application key, application secret and consumer key",
  },
  {
    kind: "oauth2",
    title: "OAuth2",
    keys: ["clientId", "clientSecret"],
    needs: "OAuth2 authentication needs client id and client secret",
  },
  {
    kind: "accessToken",
    title: "access token",
    keys: ["accessToken"],
    needs: "access token authentication needs an access token",
  },
] as const;

const ONE_METHOD_HELP =
  "Configure exactly one authentication method: v1 (OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY " +
  "or ovh:applicationKey, ovh:applicationSecret, ovh:consumerKey), OAuth2 (OVH_CLIENT_ID, OVH_CLIENT_SECRET or " +
  "ovh:clientId, ovh:clientSecret), or an access token (OVH_ACCESS_TOKEN or ovh:accessToken).";

function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Resolves endpoint, credentials and limits. Throws OvhConfigError naming the setting to fix. */
export function resolveOvhConfig(sources: OvhConfigSources = {}): ResolvedOvhConfig {
  const raw: Partial<Record<OvhSettingKey, RawSetting>> = {};
  for (const key of OVH_SETTING_KEYS) {
    const found = pick(key, sources);
    if (found) raw[key] = found;
  }
  const origin: Partial<Record<OvhSettingKey, SettingSource>> = {};
  for (const key of OVH_SETTING_KEYS) {
    const found = raw[key];
    if (found) origin[key] = found.source;
  }
  const text = (key: OvhSettingKey): string | undefined => {
    const found = raw[key];
    if (!found) return undefined;
    if (typeof found.value !== "string") {
      throw new OvhConfigError(`${settingWithSource(key, found.source)} must be a string`);
    }
    return found.value;
  };

  // Endpoint
  const endpointRaw = raw.endpoint;
  if (!endpointRaw) origin.endpoint = "default";
  const endpoint = resolveEndpoint(
    text("endpoint") ?? DEFAULT_ENDPOINT,
    text("tokenUrl"),
    settingWithSource("endpoint", origin.endpoint),
  );

  // Authentication: exactly one method, complete.
  const used = AUTH_METHODS.filter((m) => m.keys.some((k) => raw[k] !== undefined));
  if (used.length > 1) {
    const parts = used.map((m) => {
      const present = m.keys.filter((k) => raw[k] !== undefined).map((k) => settingWithSource(k, origin[k]));
      return `${m.title} (${present.join(", ")})`;
    });
    throw new OvhConfigError(
      `Conflicting OVH authentication settings: ${joinList(parts)} are all set. ${ONE_METHOD_HELP}`,
    );
  }
  let auth: OvhAuth;
  const method = used[0];
  if (!method) {
    if (sources.requireAuth === false) {
      auth = Object.freeze({ kind: "none" });
    } else {
      throw new OvhConfigError(`No OVH credentials found. ${ONE_METHOD_HELP}`);
    }
  } else {
    const missing = method.keys.filter((k) => raw[k] === undefined);
    if (missing.length > 0) {
      const verb = missing.length === 1 ? "is" : "are";
      throw new OvhConfigError(`${joinList(missing.map(settingLabel))} ${verb} missing: ${method.needs}`);
    }
    const get = (k: OvhSettingKey): string => text(k) as string;
    switch (method.kind) {
      case "v1":
        auth = withHiddenSecrets<OvhV1Auth>(
          { kind: "v1", applicationKey: get("applicationKey") },
          { applicationSecret: get("applicationSecret"), consumerKey: get("consumerKey") },
        );
        break;
      case "oauth2": {
        if (!endpoint.tokenUrl) {
          throw new OvhConfigError(
            `OAuth2 is not available on endpoint ${endpoint.name ?? endpoint.baseUrl} ` +
              `(${settingWithSource("endpoint", origin.endpoint)}): set ${settingLabel("tokenUrl")} or use v1 credentials`,
          );
        }
        auth = withHiddenSecrets<OvhOAuth2Auth>(
          { kind: "oauth2", clientId: get("clientId"), tokenUrl: endpoint.tokenUrl },
          { clientSecret: get("clientSecret") },
        );
        break;
      }
      case "accessToken":
        auth = withHiddenSecrets<OvhAccessTokenAuth>(
          { kind: "accessToken" },
          { accessToken: get("accessToken") },
        );
        break;
    }
  }

  // Limits
  const num = (key: OvhSettingKey, fallback: number): number => {
    const found = raw[key];
    if (!found) {
      origin[key] = "default";
      return fallback;
    }
    return parseNumberSetting(key, found);
  };
  const rate = num("apiRateLimit", DEFAULT_RATE_PER_SECOND);
  const limits: OvhLimits = Object.freeze({
    ratePerSecond: rate === 0 ? Infinity : rate,
    burst: num("apiBurst", DEFAULT_BURST),
    maxConcurrency: num("apiMaxConcurrency", DEFAULT_MAX_CONCURRENCY),
    timeoutMs: num("apiTimeoutMs", DEFAULT_TIMEOUT_MS),
    maxRetries: num("apiMaxRetries", DEFAULT_MAX_RETRIES),
  });

  const secretValues = OVH_SETTING_KEYS.filter((k) => SECRET_SETTINGS.has(k))
    .map((k) => raw[k]?.value)
    .filter((v): v is string => typeof v === "string" && v.length > 0);

  const visible = {
    endpoint,
    auth,
    caCertPath: text("caCertPath"),
    limits,
    sources: Object.freeze({ ...origin }),
  };
  const toJSON = (): Record<string, unknown> => ({
    endpoint: { ...endpoint },
    auth: (auth as { toJSON?: () => unknown }).toJSON?.() ?? { ...auth },
    caCertPath: visible.caCertPath,
    limits: { ...limits },
    sources: { ...origin },
  });
  const config: Record<string, unknown> = { ...visible };
  const frozenSecrets = Object.freeze(secretValues);
  Object.defineProperty(config, "secretValues", { get: () => frozenSecrets, enumerable: false });
  Object.defineProperty(config, "toJSON", { value: toJSON, enumerable: false });
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => `ResolvedOvhConfig ${inspect(toJSON(), options)}`,
    enumerable: false,
  });
  return Object.freeze(config) as unknown as ResolvedOvhConfig;
}

/** One line describing the configuration for messages: endpoint, auth method and where they came from. */
export function describeOvhConfig(config: ResolvedOvhConfig): string {
  const ep = config.endpoint.name ?? config.endpoint.baseUrl;
  return `endpoint ${ep} (${config.sources.endpoint ?? "default"}), authentication ${config.auth.kind}`;
}
