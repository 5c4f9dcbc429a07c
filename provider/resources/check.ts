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
