/** Small helpers shared by the sandbox core and its areas (formatting and input checks in OVH's style). */
import { badRequest } from "./contract";

/** OVH `datetime`: ISO 8601 with an explicit offset, e.g. `2024-06-07T10:21:33+00:00`. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** OVH `date`: `YYYY-MM-DD` (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const day = d.getUTCDate();
  const target = new Date(ms);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime();
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The request body as an object, or 400 like OVH when a required body is missing or not an object. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest("Invalid body: a JSON object is expected");
  return body;
}

/** A path parameter of OVH type `long`. */
export function longParam(params: Readonly<Record<string, string>>, name: string): number {
  const raw = params[name] ?? "";
  const n = parseLongText(raw);
  if (n === undefined) throw badRequest(`Invalid parameter ${name}: "${describe(raw)}" is not a valid long`);
  return n;
}

/** A required body field of OVH type `long`. */
export function longField(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (value === undefined || value === null) throw badRequest(`[${name}] Property is mandatory`);
  if (!isLong(value)) {
    throw badRequest(`[${name}] Invalid value: ${describe(value)} is not a long`);
  }
  return value;
}

/** An optional body field of OVH type `string` (null and absent give undefined). */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`[${name}] Invalid value: a string is expected`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequest(`[${name}] Invalid value: a boolean is expected`);
  return value;
}

/** Glob with `*` matching any run of characters (also `/`), as in OVH access rules. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * The value stored under `key` in a map-like object, only when it is the object's own property: names such as
 * `constructor`, `__proto__` or `toString` never reach what every JavaScript object inherits.
 */
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** A value shown in an error message without ever calling its own `toString` (which a body may replace). */
export function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return typeof value;
  }
}

/** OVH's `long` as JavaScript can carry it exactly: an integer within ±(2^53 − 1). */
export function isLong(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** A decimal integer string that fits a `long` as JavaScript carries it. */
export function parseLongText(raw: string, allowNegative = true): number | undefined {
  if (!(allowNegative ? /^-?\d{1,16}$/ : /^\d{1,16}$/).test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}
