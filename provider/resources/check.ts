import { z } from "zod";
import type { CheckFailure, CheckResult } from "./types";
import { isUnknown } from "./unknown";

/**
 * Validates raw inputs against a resource's zod schema and turns every problem into a Pulumi check failure
 * that names the property (`contact.email`, `services[1]`) and says how to fix it.
 * Keys starting with `__` belong to Pulumi's adapters (`__provider`) and are ignored.
 */
export function validateInputs<T>(schema: z.ZodType<T>, raw: Record<string, unknown>): CheckResult<T> {
  const userInputs = Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith("__")));
  const parsed = schema.safeParse(userInputs);
  if (parsed.success) return { inputs: parsed.data, failures: [] };
  return { failures: parsed.error.issues.map(issueToFailure) };
}

function issueToFailure(issue: z.core.$ZodIssue): CheckFailure {
  // `orUnknown` fields are unions (schema | sentinel): report what the real schema said, not "Invalid input".
  if (issue.code === "invalid_union") {
    const inner = issue.errors[0]?.[0];
    if (inner) return issueToFailure({ ...inner, path: [...issue.path, ...inner.path] });
  }
  const property = formatPath(issue.path) || rootProperty(issue);
  return { property, reason: issue.message };
}

function rootProperty(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return issue.keys.join(", ");
  return "";
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * Wraps a field schema so that Pulumi's "unknown during preview" sentinel passes validation: the real value
 * is checked again in `create`/`update`, when it is known.
 */
export function orUnknown<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.custom<never>((value) => isUnknown(value))]) as unknown as T;
}

/**
 * True when the validated inputs equal the previous run's (validated the same way). `check` then skips its live
 * rules: nothing will be ordered or changed for this resource, so a no-op preview costs no OVH call at all, and
 * `pulumi refresh` stays the explicit way to re-read OVH. Values unknown in preview never count as equal.
 */
export function unchangedSincePreviousRun<T>(
  schema: z.ZodType<T>,
  inputs: T,
  olds: Record<string, unknown> | undefined,
  normalise: (validated: T) => unknown = (validated) => validated,
): boolean {
  if (!olds || containsUnknown(inputs)) return false;
  const previous = validateInputs(schema, olds).inputs;
  return previous !== undefined && stableJson(normalise(previous)) === stableJson(normalise(inputs));
}

function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** JSON with object keys sorted, so that key order never makes two equal inputs differ. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
