/**
 * Small readers for request bodies and query strings, answering malformed input the way OVH's API does:
 * `400 Client::BadRequest` with a message naming the offending property in brackets.
 * Used by the order, domain and price areas.
 */
import { badRequest } from "../core/contract";
import { describe, parseLongText } from "../core/util";

export { DAY_MS, isoDate, isoDateTime } from "../core/util";

export type Json = Record<string, unknown>;

/** The request body as an object; an absent body counts as `{}`. */
export function bodyObject(body: unknown): Json {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw badRequest("Invalid JSON body: an object is expected");
  return body as Json;
}

export const mandatory = (name: string) => badRequest(`[${name}] Property is mandatory`);

export function notInEnum(name: string, value: unknown, enumName: string) {
  return badRequest(
    `[${name}] Given data (${describe(value)}) does not belong to the ${enumName} enumeration`,
  );
}

export function requiredString(body: Json, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) throw mandatory(name);
  if (typeof value !== "string")
    throw badRequest(`[${name}] Given data (${describe(value)}) is not a string`);
  return value;
}

export function optionalString(body: Json, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw badRequest(`[${name}] Given data (${describe(value)}) is not a string`);
  return value;
}

export function optionalNullableString(body: Json, name: string): string | null | undefined {
  if (body[name] === null) return null;
  return optionalString(body, name);
}

export function requiredEnum<T extends string>(
  body: Json,
  name: string,
  values: readonly T[],
  enumName: string,
): T {
  const value = body[name];
  if (value === undefined || value === null) throw mandatory(name);
  if (typeof value !== "string" || !values.includes(value as T)) throw notInEnum(name, value, enumName);
  return value as T;
}

export function optionalEnum<T extends string>(
  body: Json,
  name: string,
  values: readonly T[],
  enumName: string,
): T | undefined {
  if (body[name] === undefined || body[name] === null) return undefined;
  return requiredEnum(body, name, values, enumName);
}

/** A `long`: an integer, also accepted as a string of digits (OVH's clients sometimes send them so). */
export function requiredLong(body: Json, name: string): number {
  const value = body[name];
  if (value === undefined || value === null) throw mandatory(name);
  const n = typeof value === "string" ? parseLongText(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw badRequest(`[${name}] Given data (${describe(value)}) is not a valid long`);
  }
  return n;
}

export function optionalLong(body: Json, name: string): number | undefined {
  if (body[name] === undefined || body[name] === null) return undefined;
  return requiredLong(body, name);
}

export function optionalBoolean(body: Json, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw badRequest(`[${name}] Given data (${describe(value)}) is not a boolean`);
  return value;
}

/** A path parameter declared as `long`. */
export function pathLong(params: Readonly<Record<string, string>>, name: string): number {
  const raw = params[name] ?? "";
  const n = parseLongText(raw, false);
  if (n === undefined) throw badRequest(`[${name}] Given data (${raw}) is not a valid long`);
  return n;
}

/** A query parameter that must belong to an enum, `undefined` when absent. */
export function queryEnum<T extends string>(
  query: URLSearchParams,
  name: string,
  values: readonly T[],
  enumName: string,
): T | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!values.includes(value as T)) throw notInEnum(name, value, enumName);
  return value as T;
}

/** A query parameter declared as `boolean`. */
export function queryBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw badRequest(`[${name}] Given data (${value}) is not a boolean`);
}

/** A query parameter declared as `datetime`. */
export function queryDate(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest(`[${name}] Given data (${value}) is not a valid datetime`);
  return t;
}
