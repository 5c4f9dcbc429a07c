import { createHash } from "node:crypto";
import { createOvhClient, resolveOvhConfig, type OvhClient, type ResolvedOvhConfig } from "../ovh";
import type { ResourceContext, ResourceLog } from "../resources/types";

/**
 * Builds the ResourceContext of the adapters (dynamic and native provider) from Pulumi configuration and the
 * environment, through the one config resolver. One client per distinct configuration and process, so the
 * time offset, OAuth2 token, keep-alive connections and rate limit are shared by every resource of a run.
 */

/** Reads an `ovh:`-namespaced Pulumi config value by bare key (`consumerKey`). */
export type PulumiConfigLookup = (key: string) => string | undefined;

const clients = new Map<string, OvhClient>();

export function clientFor(lookup: PulumiConfigLookup | undefined): OvhClient {
  const config = resolveOvhConfig({ pulumiConfig: lookup, env: process.env });
  const key = fingerprint(config);
  let client = clients.get(key);
  if (!client) {
    client = createOvhClient(config);
    clients.set(key, client);
  }
  return client;
}

/** A digest of the whole configuration, secrets included, so a changed secret gets a fresh client. */
function fingerprint(config: ResolvedOvhConfig): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(config));
  for (const secret of config.secretValues) hash.update("\0" + secret);
  return hash.digest("hex");
}

/** Progress goes to stderr, which Pulumi shows in its diagnostics for the resource's provider. */
export const stderrLog: ResourceLog = {
  info: (message) => process.stderr.write(`[ovh-office365] ${message}\n`),
  warn: (message) => process.stderr.write(`[ovh-office365] warning: ${message}\n`),
};

export function resourceContext(
  lookup: PulumiConfigLookup | undefined,
  operationTimeoutMs: number | undefined,
  log: ResourceLog = stderrLog,
): ResourceContext {
  return { ovh: clientFor(lookup), operationTimeoutMs, log };
}

/** Closes every client (tests, or a process that is about to exit). */
export async function closeAllClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((client) => client.close()));
}
