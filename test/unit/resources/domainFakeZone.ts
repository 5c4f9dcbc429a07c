import { OvhApiError } from "../../../provider/ovh/errors";
import type { OvhRequest, OvhRequester } from "../../../provider/ovh/request";

/** One record as the fake stores it (TXT quoted, like OVH). */
export interface FakeRecord {
  id: number;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
}

/** OVH's zone export as BIND text: apex records under a blank owner, no TTL for 0, SPF/DKIM/DMARC as TXT. */
export function zoneFile(records: readonly FakeRecord[]): string {
  const lines = ["$TTL 3600", `@\tIN SOA dns1.ovh.net. tech.ovh.net. (2026010100 86400 3600 3600000 300)`];
  const sorted = [...records].sort((a, b) => a.subDomain.localeCompare(b.subDomain) || a.id - b.id);
  for (const r of sorted) {
    const type = ["SPF", "DKIM", "DMARC"].includes(r.fieldType) ? "TXT" : r.fieldType;
    lines.push(`${r.subDomain}\t${r.ttl === 0 ? "" : r.ttl}\tIN ${type}\t${r.target}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * What `GET /domain/zone/{zone}/export` answers: "none", 404 as an unknown route; "live", the records as
 * stored (as the sandbox does); "applied", the zone as at its last `POST …/refresh` (or `addZone`), the stale
 * export real OVH might give (changes not yet refreshed left out).
 */
export type FakeExport = "none" | "live" | "applied";

/**
 * A small in-memory stand-in for OVH's /domain, /domain/zone and /saas/csp2 routes, enough for the
 * DomainAutoConfig handler: records with filters, OVH's TXT quoting, the id=0 bug, the zone export (see
 * `FakeExport`), and a call log.
 */
export class FakeDnsOvh implements OvhRequester {
  readonly calls: string[] = [];
  readonly zones = new Map<string, FakeRecord[]>();
  readonly domains = new Map<string, { nameServerType: string; nameServers: string[] }>();
  readonly tenants = new Set<string>(["csp2-1"]);
  idZeroBug = false;
  legacy = false;
  private nextId = 1000;
  /** The records of each zone as at its last refresh (what an "applied" export shows). */
  private readonly applied = new Map<string, FakeRecord[]>();

  constructor(public zoneExport: FakeExport = "none") {}

  addZone(name: string, records: Omit<FakeRecord, "id">[] = [], nameServerType = "hosted"): this {
    this.zones.set(
      name,
      records.map((r) => ({ ...r, id: this.nextId++, target: quote(r.fieldType, r.target) })),
    );
    this.applied.set(name, structuredClone(this.records(name)));
    this.domains.set(name, { nameServerType, nameServers: ["dns1.ovh.net", "ns1.ovh.net"] });
    return this;
  }

  /** Adds a record as someone else would through the API (an id from the same sequence), without refreshing. */
  addRecord(zone: string, record: Omit<FakeRecord, "id">): FakeRecord {
    const added = { ...record, id: this.nextId++, target: quote(record.fieldType, record.target) };
    this.records(zone).push(added);
    return added;
  }

  /** The export's text as this fake would answer it now (undefined: "none"). */
  exportText(zone: string): string | undefined {
    if (this.zoneExport === "none") return undefined;
    return zoneFile(this.zoneExport === "live" ? this.records(zone) : (this.applied.get(zone) ?? []));
  }

  records(zone: string): FakeRecord[] {
    return this.zones.get(zone) ?? [];
  }

  /** Calls other than GETs. */
  get writes(): string[] {
    return this.calls.filter((c) => !c.startsWith("GET "));
  }

  async request<T = unknown>(req: OvhRequest): Promise<T> {
    const query = req.query ? `?${new URLSearchParams(req.query as Record<string, string>).toString()}` : "";
    this.calls.push(`${req.method} ${req.path}${query}`);
    return this.route(req) as T;
  }

  private fail(req: OvhRequest, status: number, message: string): never {
    throw new OvhApiError({
      status,
      method: req.method,
      path: req.path,
      body: { errorClass: status === 404 ? "Client::NotFound" : "Client::BadRequest", message },
      queryId: "FAKE.1",
    });
  }

  private route(req: OvhRequest): unknown {
    const p = req.path.split("/").map(decodeURIComponent);
    // /saas/csp2/{sn}[/configureDomain|/task/{id}]
    if (p[1] === "saas") {
      const sn = p[3] ?? "";
      if (!this.tenants.has(sn)) this.fail(req, 404, `Tenant ${sn} does not exist`);
      if (p.length === 4) return tenantBody(sn);
      if (p[4] === "configureDomain") {
        if (!this.legacy) this.fail(req, 404, "Got an invalid (or empty) URL");
        const body = req.body as { domain: string; supportedServices: string[] };
        this.legacyConfigure(body.domain, body.supportedServices);
        return { id: 77, function: "configureDomain", status: "done", todoDate: "2026-01-01T00:00:00Z" };
      }
      if (p[4] === "task")
        return { id: 77, function: "configureDomain", status: "done", todoDate: "2026-01-01T00:00:00Z" };
    }
    if (p[1] === "domain" && p[2] !== "zone") {
      const d = this.domains.get(p[2] ?? "");
      if (!d) this.fail(req, 404, "domain not found");
      return domainBody(p[2] ?? "", d.nameServerType, d.nameServers);
    }
    if (p[1] === "domain" && p[2] === "zone") {
      const zoneName = p[3] ?? "";
      const zone = this.zones.get(zoneName);
      if (!zone) this.fail(req, 404, `zone ${zoneName} not found`);
      if (p.length === 4)
        return {
          name: zoneName,
          nameServers: ["dns1.ovh.net", "ns1.ovh.net"],
          dnssecSupported: true,
          hasDnsAnycast: false,
        };
      if (p[4] === "refresh") {
        this.applied.set(zoneName, structuredClone(zone));
        return null;
      }
      if (p[4] === "export" && p.length === 5 && req.method === "GET" && this.zoneExport !== "none")
        return this.exportText(zoneName);
      if (p[4] === "record" && p.length === 5) {
        if (req.method === "GET") {
          const q = req.query ?? {};
          return zone
            .filter((r) => q.fieldType === undefined || r.fieldType === q.fieldType)
            .filter((r) => q.subDomain === undefined || r.subDomain === q.subDomain)
            .map((r) => r.id);
        }
        const body = req.body as Omit<FakeRecord, "id">;
        const record = {
          id: this.nextId++,
          fieldType: body.fieldType,
          subDomain: body.subDomain ?? "",
          target: quote(body.fieldType, body.target),
          ttl: body.ttl ?? 0,
        };
        zone.push(record);
        return { ...this.view(zoneName, record), id: this.idZeroBug ? 0 : record.id };
      }
      if (p[4] === "record") {
        const id = Number(p[5]);
        const record = zone.find((r) => r.id === id);
        if (!record) this.fail(req, 404, `record ${id} not found`);
        if (req.method === "GET") return this.view(zoneName, record);
        if (req.method === "DELETE") {
          this.zones.set(
            zoneName,
            zone.filter((r) => r !== record),
          );
          return null;
        }
        if (req.method === "PUT") {
          const body = req.body as Partial<FakeRecord>;
          if (body.target !== undefined) record.target = quote(record.fieldType, body.target);
          if (body.ttl !== undefined) record.ttl = body.ttl;
          return null;
        }
      }
    }
    return this.fail(req, 404, "Got an invalid (or empty) URL");
  }

  private view(zone: string, r: FakeRecord) {
    return { ...r, zone };
  }

  private legacyConfigure(domain: string, services: string[]) {
    const zone = this.zones.get(domain);
    if (!zone) return;
    const add = (fieldType: string, subDomain: string, target: string) =>
      zone.push({ id: this.nextId++, fieldType, subDomain, target: quote(fieldType, target), ttl: 0 });
    if (services.includes("Email")) {
      add("MX", "", `0 ${domain.replace(/\./g, "-")}.mail.protection.outlook.com.`);
      add("CNAME", "autodiscover", "autodiscover.outlook.com.");
      add("TXT", "", "v=spf1 include:spf.protection.outlook.com -all");
    }
    if (services.includes("OfficeCommunicationsOnline")) {
      add("CNAME", "sip", "sipdir.online.lync.com.");
      add("CNAME", "lyncdiscover", "webdir.online.lync.com.");
      add("SRV", "_sip._tls", "100 1 443 sipdir.online.lync.com.");
      add("SRV", "_sipfederationtls._tcp", "100 1 5061 sipfed.online.lync.com.");
    }
    if (services.includes("Intune")) {
      add("CNAME", "enterpriseregistration", "enterpriseregistration.windows.net.");
      add("CNAME", "enterpriseenrollment", "enterpriseenrollment.manage.microsoft.com.");
    }
  }
}

function quote(fieldType: string, target: string): string {
  return (fieldType === "TXT" || fieldType === "SPF") && !target.startsWith('"') ? `"${target}"` : target;
}

function tenantBody(serviceName: string) {
  return {
    serviceName,
    displayName: serviceName,
    status: "ok",
    address: "1 rue",
    city: "Paris",
    zipCode: "75000",
    creationDate: "2025-01-01T00:00:00Z",
    email: "a@example.com",
    firstName: "A",
    lastName: "B",
    phone: "+33.100000000",
  };
}

function domainBody(domain: string, nameServerType: string, nameServers: string[]) {
  const contact = { id: "xx1-ovh" };
  return {
    contactAdmin: contact,
    contactBilling: contact,
    contactOwner: contact,
    contactTech: contact,
    dnssecState: "disabled",
    dnssecSupported: true,
    domain,
    expirationDate: "2027-01-01T00:00:00Z",
    glueRecordIpv6Supported: true,
    glueRecordMultiIpSupported: true,
    hostSupported: true,
    lastUpdate: "2025-01-01T00:00:00Z",
    nameServerType,
    nameServers: nameServers.map((n, i) => ({ id: i + 1, nameServer: n, nameServerType })),
    offer: "gold",
    owoSupported: true,
    renewalDate: "2026-12-01T00:00:00Z",
    renewalState: "automatic_renew",
    serviceId: 1,
    state: "ok",
    suspensionState: "not_suspended",
    transferLockStatus: "locked",
    whoisOwner: "1",
  };
}
