/**
 * A checker of JSON values against the `models` of OVH's Swagger-1.2-style API schemas, for the sandbox
 * conformance test. It answers a list of problems (empty = conforms), each naming the JSON path.
 *
 * Rules (how OVH's schemas read): a property is required unless `canBeNull` (a nullable property may be
 * absent or null); properties the model does not declare are reported; enums are closed; `long` is an
 * integer, `double` any number; `date` is `YYYY-MM-DD`, `datetime` ISO 8601; `T[]` arrays and
 * `map[string]T` objects are checked element by element.
 */
import { readFileSync, readdirSync } from "node:fs";
import { isIP, isIPv4, isIPv6 } from "node:net";
import path from "node:path";

export interface SchemaProperty {
  type: string;
  canBeNull?: boolean;
  readOnly?: boolean;
  required?: boolean;
  description?: string | null;
}

export interface SchemaModel {
  id?: string;
  enum?: string[];
  enumType?: string;
  generics?: string[];
  properties?: Record<string, SchemaProperty>;
}

export interface SchemaParameter {
  name?: string;
  paramType: "path" | "query" | "body" | "header";
  dataType: string;
  required?: boolean;
}

export interface SchemaOperation {
  httpMethod: "GET" | "POST" | "PUT" | "DELETE";
  noAuthentication?: boolean;
  parameters?: SchemaParameter[];
  responseType: string;
  apiStatus?: { value: string };
}

export interface SchemaApi {
  path: string;
  operations: SchemaOperation[];
}

export interface ApiSchema {
  file: string;
  resourcePath: string;
  apis: SchemaApi[];
  models: Record<string, SchemaModel>;
}

export function loadSchemas(dir: string): ApiSchema[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Omit<ApiSchema, "file">;
      return { file, resourcePath: raw.resourcePath, apis: raw.apis, models: raw.models };
    });
}

/** Models some excerpts reference without carrying them (OVH's generic helpers). */
const BUILTIN_GENERICS: Record<string, { generics: string[]; properties: Record<string, SchemaProperty> }> = {
  "complexType.SafeKeyValue": {
    generics: ["T"],
    properties: { key: { type: "string" }, value: { type: "T" } },
  },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/;

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class SchemaValidator {
  constructor(private readonly models: Record<string, SchemaModel>) {}

  /** Problems of `value` as an instance of OVH type `type` (e.g. `order.Order`, `long[]`, `void`). */
  check(type: string, value: unknown, at = "$"): string[] {
    const problems: string[] = [];
    this.visit(type, value, at, problems, {});
    return problems;
  }

  private visit(
    type: string,
    value: unknown,
    at: string,
    out: string[],
    bindings: Record<string, string>,
  ): void {
    const bound = bindings[type];
    if (bound !== undefined) return this.visit(bound, value, at, out, {});
    if (type.endsWith("[]")) {
      if (!Array.isArray(value))
        return void out.push(`${at}: expected an array (${type}), got ${describe(value)}`);
      value.forEach((v, i) => this.visit(type.slice(0, -2), v, `${at}[${i}]`, out, bindings));
      return;
    }
    const map = /^map\[string\](.+)$/.exec(type);
    if (map?.[1]) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return void out.push(`${at}: expected an object (${type}), got ${describe(value)}`);
      }
      for (const [k, v] of Object.entries(value)) this.visit(map[1], v, `${at}.${k}`, out, bindings);
      return;
    }
    const problem = this.primitive(type, value);
    if (problem !== undefined) {
      if (problem) out.push(`${at}: ${problem}`);
      return;
    }
    const generic = /^([\w.]+)<(.+)>$/.exec(type);
    const name = generic?.[1] ?? type;
    const model = this.models[name] ?? BUILTIN_GENERICS[name];
    if (!model) return void out.push(`${at}: unknown type ${type}`);
    if ("enum" in model && model.enum) {
      if (typeof value !== "string" || !model.enum.includes(value)) {
        out.push(`${at}: ${describe(value)} is not a value of ${name} (${model.enum.join("|")})`);
      }
      return;
    }
    const innerBindings: Record<string, string> = {};
    if (generic?.[2] && model.generics) {
      const args = generic[2].split(",").map((s) => s.trim());
      model.generics.forEach((g, i) => {
        const arg = args[i];
        if (arg !== undefined) innerBindings[g] = arg;
      });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return void out.push(`${at}: expected an object (${type}), got ${describe(value)}`);
    }
    const props = model.properties ?? {};
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in props)) out.push(`${at}.${key}: not a property of ${name}`);
    }
    for (const [key, prop] of Object.entries(props)) {
      const v = record[key];
      if (v === undefined || v === null) {
        if (!prop.canBeNull)
          out.push(`${at}.${key}: required (${prop.type}) but ${v === null ? "null" : "absent"}`);
        continue;
      }
      this.visit(prop.type, v, `${at}.${key}`, out, { ...bindings, ...innerBindings });
    }
  }

  /** `undefined` when `type` is not primitive, `""` when the value conforms, else the problem. */
  private primitive(type: string, value: unknown): string | undefined {
    const expect = (ok: boolean, what: string) => (ok ? "" : `expected ${what}, got ${describe(value)}`);
    switch (type) {
      case "void":
        return expect(value === null || value === undefined || value === "", "nothing (void)");
      case "string":
      case "text":
      case "password":
      case "phoneNumber":
        return expect(typeof value === "string", `a ${type}`);
      case "long":
      case "int":
        return expect(typeof value === "number" && Number.isInteger(value), "a long (integer)");
      case "double":
      case "float":
        return expect(typeof value === "number" && Number.isFinite(value), "a double");
      case "boolean":
        return expect(typeof value === "boolean", "a boolean");
      case "date":
        return expect(typeof value === "string" && DATE.test(value), "a date (YYYY-MM-DD)");
      case "datetime":
        return expect(
          typeof value === "string" && DATETIME.test(value) && !Number.isNaN(Date.parse(value)),
          "an ISO 8601 datetime",
        );
      case "uuid":
        return expect(typeof value === "string" && UUID.test(value), "a uuid");
      case "duration":
        return expect(typeof value === "string" && DURATION.test(value), "an ISO 8601 duration");
      case "ip":
        return expect(typeof value === "string" && isIP(value) !== 0, "an IP address");
      case "ipv4":
        return expect(typeof value === "string" && isIPv4(value), "an IPv4 address");
      case "ipv6":
        return expect(typeof value === "string" && isIPv6(value), "an IPv6 address");
      case "ipBlock":
        return expect(
          typeof value === "string" && isIP(value.split("/")[0] ?? "") !== 0,
          "an IP block (address[/prefix])",
        );
      default:
        return undefined;
    }
  }
}
