/** Request encoding: URL with query string, and the JSON body bytes (which are also what gets signed). */
import { baseUrlForPath } from "./endpoints";
import type { QueryValue } from "./request";

/**
 * `baseUrl + path + ?query`. Query keys and values are URL-encoded (RFC 3986, `encodeURIComponent`);
 * `undefined` values are left out; booleans become `true`/`false`. Paths under `/v1/` or `/v2/` drop the
 * `/1.0` suffix of the base URL.
 */
export function buildRequestUrl(
  baseUrl: string,
  path: string,
  query?: Readonly<Record<string, QueryValue>>,
): string {
  if (!path.startsWith("/")) throw new TypeError(`OVH request path must start with "/": ${path}`);
  if (/[?#\s]/.test(path)) {
    throw new TypeError(`OVH request path must not contain "?", "#" or spaces (use \`query\`): ${path}`);
  }
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return baseUrlForPath(baseUrl, path) + path + (pairs.length > 0 ? `?${pairs.join("&")}` : "");
}

/**
 * JSON text of a request body, with every non-ASCII character escaped as `\uXXXX` (as OVH's Node and Python
 * clients do), so the bytes sent are plain ASCII and exactly the string that is signed.
 */
export function serializeJsonBody(body: unknown): string {
  const json = JSON.stringify(body);
  if (json === undefined) throw new TypeError("OVH request body cannot be serialised to JSON");
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
