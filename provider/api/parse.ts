import type { z } from "zod";
import type { HttpMethod } from "../ovh/request";

/** One mismatch between an OVH response and the model it should follow. */
export interface ShapeIssue {
  /** Where in the response, e.g. `lines[0].peakCount`; `(root)` for the response itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * OVH answered 2xx, but the body does not have the shape the API schema promises.
 * Usually means the OVH API changed; quote the operation and field when reporting it.
 */
export class OvhResponseShapeError extends Error {
  override readonly name = "OvhResponseShapeError";
  /** Schema operation, e.g. `GET /saas/csp2/{serviceName}/task/{id}`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** The concrete path that was called, e.g. `/saas/csp2/my-tenant/task/42`. */
  readonly path: string;
  readonly issues: readonly ShapeIssue[];

  constructor(init: { operation: string; method: HttpMethod; path: string; issues: readonly ShapeIssue[] }) {
    const shown = init.issues.slice(0, 3).map((issue) => `at ${issue.path}: ${issue.message}`);
    const more = init.issues.length > 3 ? `; and ${init.issues.length - 3} more` : "";
    super(
      `OVH API ${init.method} ${init.path} (${init.operation}) returned an unexpected response: ` +
        `${shown.join("; ")}${more}`,
    );
    this.operation = init.operation;
    this.method = init.method;
    this.path = init.path;
    this.issues = init.issues;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a zod issue path as `a.b[0].c` (keys that are not identifiers as `["a key"]`). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Where a response came from, for error messages. */
export interface ResponseOrigin {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
}

/** Parses an OVH response with `schema`; throws `OvhResponseShapeError` naming the operation and field. */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  origin: ResponseOrigin,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new OvhResponseShapeError({
    ...origin,
    issues: result.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issue.message,
    })),
  });
}
