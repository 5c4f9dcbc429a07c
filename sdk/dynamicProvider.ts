import Module from "node:module";
import path from "node:path";
import { OvhOfficeDynamicProvider, PACKAGE_NAME } from "../provider/dynamic/lazyProvider";
import tenantProvider = require("../provider/dynamic/providers/Office365ResellerTenant");
import subscriptionProvider = require("../provider/dynamic/providers/Subscription");
import domainAutoConfigProvider = require("../provider/dynamic/providers/DomainAutoConfig");

export { OvhOfficeDynamicProvider };

/** Where the provider modules are inside the installed package (an `exports` entry maps this path to itself). */
const PROVIDERS_DIR = ["dist", "provider", "dynamic", "providers"];

/**
 * Pulumi stores a resource's dynamic provider as a `require(...)` of the module whose exports it is, but only
 * when that module's file lies under a `node_modules` directory (`runtime/closure/createClosure.js`); anything
 * else is serialized by value (3.7 KB per resource, stored twice). A symlinked install (`npm link`, a workspace,
 * the examples' `node_modules`) loads the package from its real path, outside `node_modules`. So the module is
 * also listed in the require cache under the path it has in the program's `node_modules`, ahead of its real
 * path: Pulumi finds that entry first and writes `require("<package>/dist/provider/dynamic/providers/<type>.js")`,
 * which the dynamic-provider process (started in the program directory) resolves through the same link.
 */
export function referenceAsInstalled(kind: string, moduleFile: string, cwd = process.cwd()): void {
  const relative = path.relative(cwd, moduleFile).split(path.sep);
  if (relative.includes("node_modules")) return; // a real install: Pulumi already sees node_modules
  const cache = (Module as unknown as { _cache: Record<string, NodeModule | undefined> })._cache;
  const loaded = cache[moduleFile];
  if (!loaded) return; // not loaded through Node's module system (e.g. a test runner's own registry)
  const installed = path.join(cwd, "node_modules", PACKAGE_NAME, ...PROVIDERS_DIR, `${kind}.js`);
  if (installed === moduleFile || cache[installed] === loaded) return;
  // Re-insert the real path after the alias: the cache is searched in insertion order.
  delete cache[moduleFile];
  cache[installed] = loaded;
  cache[moduleFile] = loaded;
}

referenceAsInstalled(
  "Office365ResellerTenant",
  require.resolve("../provider/dynamic/providers/Office365ResellerTenant"),
);
referenceAsInstalled("Subscription", require.resolve("../provider/dynamic/providers/Subscription"));
referenceAsInstalled("DomainAutoConfig", require.resolve("../provider/dynamic/providers/DomainAutoConfig"));

/**
 * One shared instance per resource type: Pulumi serializes each once (a `require` of its module, a few hundred
 * bytes, no credential) and configures each once per run.
 */
export const providers = {
  Office365ResellerTenant: tenantProvider,
  Subscription: subscriptionProvider,
  DomainAutoConfig: domainAutoConfigProvider,
};

/** Module segment of the type tokens: `pulumi-nodejs:dynamic/ovh-office365:Subscription`. */
export const MODULE = "ovh-office365";
