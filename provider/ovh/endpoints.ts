import { OvhConfigError } from "./errors";

/** Where the client sends API calls and (for OAuth2) where it gets tokens. */
export interface OvhEndpoint {
  /** The endpoint name (`ovh-eu`, ...), or undefined for a custom base URL. */
  readonly name: string | undefined;
  /** API base URL without a trailing slash, e.g. `https://eu.api.ovh.com/1.0`. */
  readonly baseUrl: string;
  /** OAuth2 token URL, or undefined where OVH offers no OAuth2 (kimsufi, soyoustart). */
  readonly tokenUrl: string | undefined;
}

interface KnownEndpoint {
  readonly baseUrl: string;
  readonly tokenUrl: string | undefined;
}

/** OVH's named endpoints (same names as go-ovh, python-ovh and the Terraform provider). */
export const OVH_ENDPOINTS: Readonly<Record<string, KnownEndpoint>> = Object.freeze({
  "ovh-eu": { baseUrl: "https://eu.api.ovh.com/1.0", tokenUrl: "https://www.ovh.com/auth/oauth2/token" },
  "ovh-ca": { baseUrl: "https://ca.api.ovh.com/1.0", tokenUrl: "https://ca.ovh.com/auth/oauth2/token" },
  "ovh-us": {
    baseUrl: "https://api.us.ovhcloud.com/1.0",
    tokenUrl: "https://us.ovhcloud.com/auth/oauth2/token",
  },
  "kimsufi-eu": { baseUrl: "https://eu.api.kimsufi.com/1.0", tokenUrl: undefined },
  "kimsufi-ca": { baseUrl: "https://ca.api.kimsufi.com/1.0", tokenUrl: undefined },
  "soyoustart-eu": { baseUrl: "https://eu.api.soyoustart.com/1.0", tokenUrl: undefined },
  "soyoustart-ca": { baseUrl: "https://ca.api.soyoustart.com/1.0", tokenUrl: undefined },
});

export const DEFAULT_ENDPOINT = "ovh-eu";

/**
 * OVH's own API hosts, given as a base URL instead of an endpoint name: their OAuth2 tokens come from the
 * region's token endpoint, never from `<origin>/auth/oauth2/token` (which OVH does not serve).
 * `api.ovh.com` is the historical name of the EU API.
 */
const OVH_API_HOSTS: Readonly<Record<string, string>> = Object.freeze({
  "eu.api.ovh.com": "ovh-eu",
  "api.ovh.com": "ovh-eu",
  "ca.api.ovh.com": "ovh-ca",
  "api.us.ovhcloud.com": "ovh-us",
  "eu.api.kimsufi.com": "kimsufi-eu",
  "ca.api.kimsufi.com": "kimsufi-ca",
  "eu.api.soyoustart.com": "soyoustart-eu",
  "ca.api.soyoustart.com": "soyoustart-ca",
});

/** The token URL for a custom base URL: the region's for an OVH API host, else the origin's (the sandbox). */
function tokenUrlForBase(parsed: URL): string | undefined {
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  const name = Object.prototype.hasOwnProperty.call(OVH_API_HOSTS, host) ? OVH_API_HOSTS[host] : undefined;
  if (name !== undefined) return OVH_ENDPOINTS[name]?.tokenUrl;
  return `${parsed.origin}/auth/oauth2/token`;
}

/** The names accepted by `resolveEndpoint`, in a stable order. */
export const OVH_ENDPOINT_NAMES: readonly string[] = Object.freeze(Object.keys(OVH_ENDPOINTS));

/**
 * Turns an endpoint name or an `http(s)://` base URL into base URL + token URL.
 * For a custom base URL the token URL defaults to the region's token endpoint when the host is one of OVH's API
 * hosts (`https://eu.api.ovh.com/1.0` → `https://www.ovh.com/auth/oauth2/token`; none for kimsufi and
 * soyoustart), else to `<origin>/auth/oauth2/token` (where the sandbox serves it).
 * `tokenUrl` overrides the token URL in every case.
 * `settingName` is used in error messages (e.g. "OVH_ENDPOINT (or ovh:endpoint)").
 */
export function resolveEndpoint(endpoint: string, tokenUrl?: string, settingName = "endpoint"): OvhEndpoint {
  const value = endpoint.trim();
  const overrideToken = tokenUrl === undefined ? undefined : checkUrl(tokenUrl.trim(), "token URL");
  const known = Object.prototype.hasOwnProperty.call(OVH_ENDPOINTS, value) ? OVH_ENDPOINTS[value] : undefined;
  if (known) {
    return Object.freeze({ name: value, baseUrl: known.baseUrl, tokenUrl: overrideToken ?? known.tokenUrl });
  }
  if (/^https?:\/\//i.test(value)) {
    const url = checkUrl(value, settingName);
    const parsed = new URL(url);
    const baseUrl = (parsed.origin + parsed.pathname).replace(/\/+$/, "");
    return Object.freeze({
      name: undefined,
      baseUrl,
      tokenUrl: overrideToken ?? tokenUrlForBase(parsed),
    });
  }
  throw new OvhConfigError(
    `${settingName}: unknown OVH endpoint ${showUrl(value)}. Use one of ${OVH_ENDPOINT_NAMES.join(", ")}, ` +
      `or an http(s):// base URL such as https://127.0.0.1:43121/1.0.`,
  );
}

function checkUrl(value: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new OvhConfigError(`${what}: ${showUrl(value)} is not a valid URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new OvhConfigError(`${what}: ${showUrl(value)} must use http:// or https://`);
  }
  if (parsed.username || parsed.password) {
    throw new OvhConfigError(`${what}: the URL must not contain a user name or password`);
  }
  if (parsed.search || parsed.hash) {
    throw new OvhConfigError(`${what}: the URL must not contain a query string or fragment`);
  }
  return value;
}

/** Quotes a URL for a message, hiding anything that looks like user info (`user:password@`). */
function showUrl(value: string): string {
  return `"${value.replace(/\/\/[^/@]*@/, "//***@")}"`;
}

/**
 * The base URL a path is sent to. Paths under `/v1/` or `/v2/` drop the `/1.0` suffix of the base URL,
 * like OVH's own clients do (`/v2/iam/policy` goes to `https://eu.api.ovh.com/v2/iam/policy`).
 */
export function baseUrlForPath(baseUrl: string, path: string): string {
  if (/^\/v[12](\/|$)/.test(path)) return baseUrl.replace(/\/1\.0$/, "");
  return baseUrl;
}
