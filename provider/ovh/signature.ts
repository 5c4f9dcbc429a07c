import { createHash } from "node:crypto";

export interface SignatureInput {
  readonly applicationSecret: string;
  readonly consumerKey: string;
  /** HTTP method, upper-cased before signing. */
  readonly method: string;
  /** The full URL as sent: scheme, host (and port if any), base path, path and query string. */
  readonly url: string;
  /** The exact body sent, or "" when there is none. */
  readonly body: string;
  /** The `X-Ovh-Timestamp` value (server-corrected UNIX seconds). */
  readonly timestamp: number;
}

/**
 * OVH v1 request signature:
 * `"$1$" + sha1hex(AS + "+" + CK + "+" + METHOD + "+" + FULL_URL + "+" + BODY + "+" + TIMESTAMP)`.
 * Pure: no clock, no I/O.
 */
export function signV1Request(input: SignatureInput): string {
  const material = [
    input.applicationSecret,
    input.consumerKey,
    input.method.toUpperCase(),
    input.url,
    input.body,
    String(input.timestamp),
  ].join("+");
  return "$1$" + createHash("sha1").update(material, "utf8").digest("hex");
}
