/**
 * `sandbox/core/ovhTables.ts` is derived from OVH's schemas in `provider/api/schemas/` (the sandbox never reads
 * them at run time): the body parameters each operation declares (for `--strict-body`) and the nullable fields of
 * each answer's model (for `--null-fields`). This test recomputes it; `UPDATE_OVH_TABLES=1` rewrites the file.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { OVH_BODY_PARAMS, OVH_MODELS, OVH_RESPONSE_TYPES } from "../../sandbox/core/ovhTables";

const SCHEMA_DIR = path.resolve(__dirname, "../../provider/api/schemas");
const TARGET = path.resolve(__dirname, "../../sandbox/core/ovhTables.ts");

interface Parameter {
  name?: string | null;
  paramType: string;
  fullType: string;
}
interface Operation {
  httpMethod: string;
  parameters: Parameter[];
  responseType: string;
}
interface Property {
  fullType?: string;
  type?: string;
  canBeNull?: boolean;
}
interface Schema {
  apis: { path: string; operations: Operation[] }[];
  models: Record<string, { properties?: Record<string, Property> }>;
}

function compute(): {
  body: Record<string, string[]>;
  responses: Record<string, string>;
  models: Record<string, Record<string, [string, boolean]>>;
} {
  const body: Record<string, string[]> = {};
  const responses: Record<string, string> = {};
  const allModels: Record<string, Record<string, Property>> = {};
  // The legacy csp2 schema first, so that the current one wins where both describe an operation.
  const files = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort((a, b) => Number(b.includes("legacy")) - Number(a.includes("legacy")) || a.localeCompare(b));
  for (const file of files) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), "utf8")) as Schema;
    for (const [name, model] of Object.entries(schema.models)) {
      if (model.properties) allModels[name] = model.properties;
    }
    for (const api of schema.apis) {
      for (const op of api.operations) {
        const key = `${op.httpMethod} ${api.path}`;
        responses[key] = op.responseType;
        const params = op.parameters.filter((p) => p.paramType === "body");
        if (params.length === 0) continue;
        const names = new Set<string>();
        for (const p of params) {
          if (p.name) names.add(p.name);
          else for (const field of Object.keys(allModels[p.fullType] ?? {})) names.add(field);
        }
        body[key] = [...names].sort();
      }
    }
  }
  // Only the models reachable from an answer, with each field's type and nullability.
  const models: Record<string, Record<string, [string, boolean]>> = {};
  const visit = (type: string): void => {
    const name = type.replace(/\[\]$/, "");
    const props = allModels[name];
    if (!props || models[name]) return;
    models[name] = {};
    for (const [field, prop] of Object.entries(props).sort(([a], [b]) => a.localeCompare(b))) {
      const type = prop.fullType ?? prop.type ?? "unknown";
      models[name][field] = [type, prop.canBeNull === true];
      visit(type);
    }
  };
  for (const type of Object.values(responses)) visit(type);
  const sorted = <T>(o: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { body: sorted(body), responses: sorted(responses), models: sorted(models) };
}

describe("sandbox/core/ovhTables.ts", () => {
  const expected = compute();

  if (process.env["UPDATE_OVH_TABLES"] === "1") {
    it("is rewritten from the schemas", () => {
      const text =
        `/**\n * Derived from OVH's schemas (provider/api/schemas/) by test/sandbox/ovhTables.test.ts ` +
        `(UPDATE_OVH_TABLES=1 rewrites it);\n * do not edit by hand. Read by --strict-body and --null-fields.\n */\n` +
        `/** Body parameters declared per operation ("METHOD /template"). */\n` +
        `export const OVH_BODY_PARAMS: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(expected.body)};\n\n` +
        `/** The declared answer type per operation. */\n` +
        `export const OVH_RESPONSE_TYPES: Readonly<Record<string, string>> = ${JSON.stringify(expected.responses)};\n\n` +
        `/** Models reachable from an answer: field → [type, can be null]. */\n` +
        `export const OVH_MODELS: Readonly<Record<string, Readonly<Record<string, readonly [string, boolean]>>>> = ` +
        `${JSON.stringify(expected.models)};\n`;
      writeFileSync(TARGET, text);
      execFileSync(path.resolve(__dirname, "../../node_modules/.bin/prettier"), ["--write", TARGET]);
    });
    return;
  }

  it("matches what OVH's schemas declare", () => {
    expect(OVH_BODY_PARAMS).toEqual(expected.body);
    expect(OVH_RESPONSE_TYPES).toEqual(expected.responses);
    expect(OVH_MODELS).toEqual(expected.models);
  });
});
