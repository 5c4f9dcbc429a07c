/**
 * `pulumi import` of a DomainAutoConfig by id `<tenant>/<domain>` (no previous outputs): finds the OVH zone
 * holding the domain (the domain or a parent), reads the Microsoft 365 names and infers the inputs that
 * reproduce the live records. Nothing is written; the records found are adopted (left in place on destroy).
 */
import * as dnsZone from "../../api/dnsZone";
import { inContext } from "../errors";
import type { ReadResult, ResourceContext } from "../types";
import {
  DEFAULT_SERVICES,
  DEFAULT_TTL,
  desiredFor,
  HOST_NAME,
  type DomainAutoConfigInputs,
  type DomainAutoConfigOutputs,
} from "./inputs";
import type { LiveRecord, ManagedRecord } from "./plan";
import { gone } from "./preconditions";
import {
  defaultExchangeMxTarget,
  fulfils,
  isMicrosoftMxHost,
  M365_SERVICES,
  microsoft365Records,
  relativeName,
  unquoteTxt,
} from "./records";
import { queriesFor, scanRecords } from "./zone";

export async function importById(
  id: string,
  ctx: ResourceContext,
): Promise<ReadResult<DomainAutoConfigInputs, DomainAutoConfigOutputs>> {
  const slash = id.indexOf("/");
  const tenant = slash > 0 ? id.slice(0, slash) : "";
  const domain =
    slash > 0
      ? id
          .slice(slash + 1)
          .toLowerCase()
          .replace(/\.$/, "")
      : "";
  if (tenant === "" || !HOST_NAME.test(domain))
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": the id must be "<tenant>/<domain>", e.g. "csp2-12345/contoso.com".`,
    );
  const zone = await findZone(ctx, domain).catch((error: unknown) => {
    throw inContext(`Looking up the OVH DNS zone of ${domain} to import ${id}`, error);
  });
  if (zone === undefined)
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": OVH hosts no DNS zone for ${domain} or its parents in this account.`,
    );
  const probe = microsoft365Records({
    domain,
    zone,
    services: M365_SERVICES,
    exchangeMxTarget: defaultExchangeMxTarget(domain),
    verificationTxt: "MS=ms0",
    ttl: DEFAULT_TTL,
  });
  const live = await scanRecords(ctx, zone, queriesFor(probe, [])).catch((error: unknown) => {
    throw inContext(`Reading the records of zone ${zone} to import ${id}`, error);
  });
  const inputs = inferInputs(tenant, domain, zone, live);
  if (!inputs)
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": zone ${zone} holds no Microsoft 365 record for ${domain}.`,
    );
  const records: ManagedRecord[] = [];
  for (const d of desiredFor(inputs)) {
    const r = live.find((l) => fulfils(d, l) && !records.some((m) => m.id === l.id));
    if (r) records.push({ ...r, role: d.role, origin: "adopted" });
  }
  const props: DomainAutoConfigOutputs = { ...inputs, records, takenOver: [] };
  return { id, props, inputs };
}

/** The closest zone OVH hosts for the domain: the domain itself, else its parents, nearest first. */
async function findZone(ctx: ResourceContext, domain: string): Promise<string | undefined> {
  const labels = domain.split(".");
  for (let i = 0; i < labels.length - 1; i += 1) {
    const candidate = labels.slice(i).join(".");
    if ((await gone(dnsZone.getZone(ctx.ovh, candidate))) !== undefined) return candidate;
  }
  return undefined;
}

/** The inputs whose record set matches the live Microsoft 365 records, or undefined when there are none. */
function inferInputs(
  tenant: string,
  domain: string,
  zone: string,
  live: readonly LiveRecord[],
): DomainAutoConfigInputs | undefined {
  const prefix = relativeName(domain, zone) ?? "";
  const apex = prefix;
  const mx = live.find(
    (r) => r.fieldType === "MX" && r.subDomain === apex && isMicrosoftMxHost(r.target.split(/\s+/)[1] ?? ""),
  );
  const verification = live.find(
    (r) => r.fieldType === "TXT" && r.subDomain === apex && /^MS=ms\d+$/.test(unquoteTxt(r.target)),
  );
  const probe = microsoft365Records({
    domain,
    zone,
    services: M365_SERVICES,
    exchangeMxTarget: mx
      ? (mx.target.split(/\s+/)[1] ?? "").replace(/\.$/, "")
      : defaultExchangeMxTarget(domain),
    ttl: DEFAULT_TTL,
  });
  const found = probe.filter((d) => live.some((r) => fulfils(d, r)));
  const services = M365_SERVICES.filter((s) => found.some((d) => d.service === s));
  if (services.length === 0 && !verification) return undefined;
  const ttls = found.map((d) => live.find((r) => fulfils(d, r))?.ttl ?? DEFAULT_TTL);
  const ttl = mostCommon(ttls) ?? DEFAULT_TTL;
  return {
    tenant,
    domain,
    zone,
    services: services.length > 0 ? services : [...DEFAULT_SERVICES],
    exchangeMxTarget: mx
      ? (mx.target.split(/\s+/)[1] ?? "").replace(/\.$/, "")
      : defaultExchangeMxTarget(domain),
    ...(verification ? { verificationTxt: unquoteTxt(verification.target) } : {}),
    ttl,
    method: "records",
    takeOverConflicts: false,
  };
}

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
