/**
 * Shape checks of a loaded `--data` file, per slice: a file carrying the format marker but damaged (by hand, a
 * disk fault or another program) is refused before the sandbox reads or overwrites it.
 */
import { isRecord } from "./util";

type Shape = "record" | "array" | "boolean" | "number" | "string";

function shapeOf(value: unknown): Shape | "other" {
  if (Array.isArray(value)) return "array";
  if (isRecord(value)) return "record";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return "number";
  if (typeof value === "string") return "string";
  return "other";
}

/**
 * Checks that `slice` (if present) is an object whose listed fields have the given shapes; a field that is a
 * `record` of entries or an `array` of entries may also require each entry to be an object.
 * Returns the first problem, naming the slice and field.
 */
export function checkSlice(
  name: string,
  slice: unknown,
  fields: Readonly<Record<string, Shape | `${"record" | "array"} of objects`>>,
): string | undefined {
  if (slice === undefined) return undefined;
  if (!isRecord(slice)) return `${name} is not an object`;
  for (const [field, expected] of Object.entries(fields)) {
    const value = slice[field];
    if (value === undefined) continue;
    const [shape, , entries] = expected.split(" ") as [Shape, string?, string?];
    if (shapeOf(value) !== shape)
      return `${name}.${field} is not ${shape === "array" ? "an array" : `a ${shape}`}`;
    if (entries === "objects") {
      const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
      if (items.some((item) => !isRecord(item)))
        return `${name}.${field} holds an entry that is not an object`;
    }
  }
  return undefined;
}
