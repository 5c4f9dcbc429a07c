import type { z } from "zod";
import type { HttpMethod, OvhRequest, OvhRequester, QueryValue } from "../ovh/request";
import { parseResponse } from "./parse";

/** A schema operation, written as in the OVH schema: `"GET /saas/csp2/{serviceName}"`. */
export type OperationKey = `${HttpMethod} /${string}`;

export type PathParams = Readonly<Record<string, string | number>>;

export interface CallOptions {
  /** Values for the `{placeholders}` of the operation path; each is URL-encoded. */
  readonly params?: PathParams;
  /** Query parameters; `undefined` entries are dropped. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON body; left out when `undefined`. */
  readonly body?: unknown;
  /** false only for the routes the schema marks `noAuthentication`. */
  readonly authenticated?: boolean;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function encodePathParam(template: string, name: string, value: string | number | undefined): string {
  if (value === undefined) {
    throw new TypeError(`${template}: missing path parameter "${name}"`);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(
        `${template}: path parameter "${name}" must be a non-negative integer, got ${value}`,
      );
    }
    return String(value);
  }
  // An empty segment would silently address another route (`/saas/csp2//task` → `/saas/csp2/task`),
  // and "." / ".." would be resolved away by URL normalisation.
  if (value === "" || value === "." || value === "..") {
    throw new TypeError(`${template}: path parameter "${name}" must not be ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

/** Fills the `{placeholders}` of a schema path with URL-encoded values. */
export function buildPath(template: string, params: PathParams = {}): string {
  const used = new Set<string>();
  const path = template.replace(PLACEHOLDER, (_match, name: string) => {
    used.add(name);
    return encodePathParam(template, name, params[name]);
  });
  for (const name of Object.keys(params)) {
    if (!used.has(name)) throw new TypeError(`${template}: unexpected path parameter "${name}"`);
  }
  return path;
}

function splitOperation(operation: OperationKey): { method: HttpMethod; template: string } {
  const space = operation.indexOf(" ");
  return { method: operation.slice(0, space) as HttpMethod, template: operation.slice(space + 1) };
}

function compactQuery(
  query: Readonly<Record<string, QueryValue>> | undefined,
): Readonly<Record<string, QueryValue>> | undefined {
  if (query === undefined) return undefined;
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** Builds the request for one schema operation (exported for tests and diagnostics). */
export function buildRequest(operation: OperationKey, options: CallOptions = {}): OvhRequest {
  const { method, template } = splitOperation(operation);
  const query = compactQuery(options.query);
  return {
    method,
    path: buildPath(template, options.params),
    ...(query !== undefined ? { query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.authenticated === false ? { authenticated: false } : {}),
  };
}

/** Sends one schema operation and parses the answer with `schema`. */
export async function callOperation<S extends z.ZodType>(
  ovh: OvhRequester,
  operation: OperationKey,
  schema: S,
  options: CallOptions = {},
): Promise<z.output<S>> {
  const request = buildRequest(operation, options);
  const raw = await ovh.request<unknown>(request);
  return parseResponse(schema, raw, { operation, method: request.method, path: request.path });
}

/** Sends one schema operation whose answer carries nothing (OVH `void`); any body is ignored. */
export async function callVoidOperation(
  ovh: OvhRequester,
  operation: OperationKey,
  options: CallOptions = {},
): Promise<void> {
  await ovh.request<unknown>(buildRequest(operation, options));
}
