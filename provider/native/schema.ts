/**
 * The hand-written Pulumi package schema (`schema.json`) and what the native adapter derives from it: type
 * tokens, which properties are secret, which are inputs. The version is not in the file: it is read from the
 * package's `package.json` when the provider starts, so a release only bumps one number.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import schemaJson from "./schema.json";

export const PACKAGE_NAME = "ovhoffice";
/** The npm package this provider ships in (its package.json holds the version). */
export const NPM_PACKAGE_NAME = "pulumi-ovh-office365-reseller";

interface PropertySpec {
  readonly type?: string;
  readonly $ref?: string;
  readonly secret?: boolean;
  readonly description?: string;
}

interface ResourceSpec {
  readonly description: string;
  readonly inputProperties: Readonly<Record<string, PropertySpec>>;
  readonly requiredInputs?: readonly string[];
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
}

interface FunctionSpec {
  readonly description: string;
  readonly inputs: {
    readonly properties: Readonly<Record<string, PropertySpec>>;
    readonly required?: readonly string[];
  };
  readonly outputs: {
    readonly properties: Readonly<Record<string, PropertySpec>>;
    readonly required?: readonly string[];
  };
}

export interface PackageSchema {
  readonly name: string;
  readonly config: { readonly variables: Readonly<Record<string, PropertySpec>> };
  readonly provider: { readonly inputProperties: Readonly<Record<string, PropertySpec>> };
  readonly types: Readonly<Record<string, unknown>>;
  readonly resources: Readonly<Record<string, ResourceSpec>>;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
}

/** The schema as written (without `version`). */
export const SCHEMA: PackageSchema = schemaJson as unknown as PackageSchema;

export function resourceToken(kind: string): string {
  return `${PACKAGE_NAME}:index:${kind}`;
}

export function functionToken(name: string): string {
  return `${PACKAGE_NAME}:index:${name}`;
}

/**
 * The resource kind (`Subscription`) of a URN (`urn:pulumi:dev::proj::ovhoffice:index:Subscription::name`,
 * possibly with parent types: `…::parent$ovhoffice:index:Subscription::name`) or of a bare type token.
 */
export function kindOf(urnOrType: string): string {
  const parts = urnOrType.split("::");
  const qualified = parts.length >= 4 ? (parts[parts.length - 2] ?? "") : urnOrType;
  const type = qualified.split("$").pop() ?? qualified;
  const prefix = `${PACKAGE_NAME}:index:`;
  if (!type.startsWith(prefix)) {
    throw new Error(`ovhoffice provider: "${type}" is not a type of this provider (${urnOrType})`);
  }
  return type.slice(prefix.length);
}

function resourceSpec(kind: string): ResourceSpec {
  const spec = SCHEMA.resources[resourceToken(kind)];
  if (!spec) throw new Error(`ovhoffice provider: no schema for resource type ${resourceToken(kind)}`);
  return spec;
}

function secretNames(properties: Readonly<Record<string, PropertySpec>>): string[] {
  return Object.entries(properties)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}

/** Input properties of a resource kind that the schema marks secret. */
export function secretInputNames(kind: string): string[] {
  return secretNames(resourceSpec(kind).inputProperties);
}

/** Output properties of a resource kind that the schema marks secret. */
export function secretOutputNames(kind: string): string[] {
  return secretNames(resourceSpec(kind).properties);
}

export function inputNames(kind: string): string[] {
  return Object.keys(resourceSpec(kind).inputProperties);
}

/** The version of the installed package, from the nearest `package.json` named {@link NPM_PACKAGE_NAME}. */
export function packageVersion(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, "package.json");
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (manifest.name === NPM_PACKAGE_NAME && typeof manifest.version === "string") return manifest.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`ovhoffice provider: no package.json of ${NPM_PACKAGE_NAME} above ${from}`);
    }
    dir = parent;
  }
}

/** The schema served by `GetSchema`: the file plus the package version. */
export function schemaText(version: string): string {
  return JSON.stringify({ ...SCHEMA, version });
}
