/**
 * What must hold before DomainAutoConfig writes anything, checked with read-only calls: the tenant exists, OVH
 * hosts the DNS zone, and the domain (when registered at OVH) is delegated to OVH's name servers; records in a
 * zone nobody serves would be silently useless. Used by `check` (preview) and again by `create`.
 *
 * The answers found are kept per OVH client, i.e. for one Pulumi run (the adapters build one client per
 * process), like the licence catalogue: `pulumi up` runs check then create in one process, and these facts do
 * not change within seconds. "Not found" answers and failures are never kept, so a refusal is always re-checked.
 * A separate `pulumi preview` is another process: create then checks afresh.
 */
import * as csp2 from "../../api/csp2";
import * as dnsZone from "../../api/dnsZone";
import * as domainApi from "../../api/domain";
import { isGoneAtOvh } from "../../ovh/errors";
import type { OvhRequester } from "../../ovh/request";
import { inContext } from "../errors";
import type { CheckFailure, ResourceContext } from "../types";
import { where, type DomainAutoConfigInputs } from "./inputs";

const NOT_OVH_DNS_HELP =
  "Records written to an OVH zone are only served when the domain is delegated to OVH's name servers. " +
  "Either switch the domain to OVH DNS (OVHcloud Control Panel → Domain names → DNS servers, or " +
  "POST /domain/{domain}/nameServers/update with the zone's name servers) and make sure OVH hosts a DNS zone " +
  "for it, or create the Microsoft 365 records at the DNS provider that serves the domain.";

/** The call's answer, or undefined when OVH says the thing does not exist. */
export async function gone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined;
    throw error;
  }
}

const found = new WeakMap<OvhRequester, Map<string, Promise<unknown>>>();

/** `load()`'s answer, asked once per OVH client while it is found; not-found answers and failures are not kept. */
function onceFound<T>(
  ctx: ResourceContext,
  key: string,
  load: () => Promise<T | undefined>,
): Promise<T | undefined> {
  let cache = found.get(ctx.ovh);
  if (!cache) {
    cache = new Map();
    found.set(ctx.ovh, cache);
  }
  const known = cache.get(key) as Promise<T | undefined> | undefined;
  if (known) return known;
  const answer = load();
  cache.set(key, answer);
  const forget = () => {
    if (cache.get(key) === answer) cache.delete(key);
  };
  answer.then((value) => (value === undefined ? forget() : undefined), forget);
  return answer;
}

/**
 * The read-only checks made before writing: the tenant exists, OVH hosts the zone, and the domain (when
 * registered at OVH) is delegated to OVH DNS. Three GETs, in parallel, the first time in a run.
 */
export async function preconditionFailures(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  options: { tenant: boolean } = { tenant: true },
): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  const zoneProperty = inputs.zone === inputs.domain ? "domain" : "zone";
  const [tenant, zone, registered] = await Promise.all([
    options.tenant
      ? onceFound(ctx, `tenant ${inputs.tenant}`, () => gone(csp2.getTenant(ctx.ovh, inputs.tenant)))
      : Promise.resolve(true),
    onceFound(ctx, `zone ${inputs.zone}`, () => gone(dnsZone.getZone(ctx.ovh, inputs.zone))),
    onceFound(ctx, `domain ${inputs.zone}`, () => gone(domainApi.getDomain(ctx.ovh, inputs.zone))),
  ]).catch((error: unknown) => {
    throw inContext(`Checking the DNS of ${where(inputs)}`, error);
  });
  if (tenant === undefined)
    failures.push({
      property: "tenant",
      reason: `tenant ${inputs.tenant} was not found in this OVH account (GET /saas/csp2/${inputs.tenant}: 404). Use a service name listed by GET /saas/csp2.`,
    });
  const external = registered !== undefined && registered.nameServerType === "external";
  if (external) {
    const servers = registered.nameServers.map((ns) => ns.nameServer).join(", ");
    failures.push({
      property: zoneProperty,
      reason:
        `the DNS of ${inputs.zone} is not at OVH: the domain is registered at OVH but delegated to external name servers (${servers})` +
        (zone === undefined ? ` and OVH hosts no DNS zone named ${inputs.zone}` : "") +
        `. ${NOT_OVH_DNS_HELP}`,
    });
  } else if (zone === undefined) {
    failures.push({
      property: zoneProperty,
      reason:
        `OVH hosts no DNS zone named ${inputs.zone} in this account (GET /domain/zone/${inputs.zone}: 404). ` +
        (inputs.zone === inputs.domain ? "If the domain lives in a parent zone, set `zone`. " : "") +
        NOT_OVH_DNS_HELP,
    });
  } else if (registered === undefined) {
    ctx.log?.info(
      `${inputs.zone} is not registered at OVH: make sure it is delegated to the zone's name servers (${zone.nameServers.join(", ")}).`,
    );
  } else if (registered.nameServerType !== "hosted" && registered.nameServerType !== "anycast") {
    ctx.log?.warn(
      `${inputs.zone} uses name server type "${registered.nameServerType}": make sure it is delegated to ${zone.nameServers.join(", ")}.`,
    );
  }
  return failures;
}
