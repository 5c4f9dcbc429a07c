/**
 * Secrets on the wire of a native Node provider.
 *
 * `@pulumi/pulumi/provider/server.js` answers `acceptSecrets: true` to Configure, so the engine sends every secret
 * value as a wrapper object `{ [SIG_KEY]: SECRET_SIG, value }`, at any depth, and trusts the provider to mark
 * its results: a value returned plain is stored plain (no `annotateSecrets` as for dynamic providers). The
 * adapter therefore unwraps everything before the resource logic sees it, remembers which top-level properties
 * carried a secret, and wraps those properties again (plus the ones the schema marks secret) in what it returns.
 * A property is wrapped as a whole: a secret nested in `contact` makes the whole `contact` secret.
 */
import * as pulumi from "@pulumi/pulumi";

export const SIG_KEY: string = pulumi.runtime.specialSigKey;
export const SECRET_SIG: string = pulumi.runtime.specialSecretSig;

export type Props = Record<string, unknown>;

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

export function wrapSecret(value: unknown): Props {
  return isSecretWrapper(value) ? (value as Props) : { [SIG_KEY]: SECRET_SIG, value };
}

/** Whether a value holds a secret wrapper at any depth. */
export function containsSecret(value: unknown): boolean {
  if (isSecretWrapper(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** The value with every secret wrapper replaced by its content, at any depth. */
export function unwrapDeep(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapDeep(value.value);
  if (Array.isArray(value)) return value.map(unwrapDeep);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapDeep(inner)]));
  }
  return value;
}

export interface UnwrappedProps {
  /** The properties without any secret wrapper. */
  readonly plain: Props;
  /** Top-level properties that held a secret (anywhere inside). */
  readonly secretKeys: ReadonlySet<string>;
}

export function unwrapProps(props: Props | undefined): UnwrappedProps {
  const plain: Props = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(props ?? {})) {
    if (containsSecret(value)) secretKeys.add(key);
    plain[key] = unwrapDeep(value);
  }
  return { plain, secretKeys };
}

/**
 * Wraps the named top-level properties (when present and not null). Values must already be wire-safe
 * (see {@link toWire}).
 */
export function wrapKeys(props: Props, keys: Iterable<string>): Props {
  const out: Props = { ...props };
  for (const key of keys) {
    const value = out[key];
    if (value === undefined || value === null) continue;
    out[key] = wrapSecret(value);
  }
  return out;
}

/**
 * A JSON-safe copy for `Struct.fromJavaScript`, which throws on `undefined` ("Unexpected struct type"): object
 * keys holding `undefined` are dropped, array holes become null.
 */
export function toWire<T>(value: T): Props {
  if (value === undefined || value === null) return {};
  return JSON.parse(JSON.stringify(value)) as Props;
}
