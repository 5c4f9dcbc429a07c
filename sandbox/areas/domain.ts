/**
 * `/domain` and `/domain/zone`: registered domains (name server type, name servers) and OVH-hosted DNS zones
 * (records, refresh, deployment status, zone file export, serviceInfos, termination).
 *
 * Behaviour worth knowing when testing against it:
 * - record changes are "not deployed" (`status.isDeployed: false`) until `POST …/refresh`;
 * - TXT (and the SPF pseudo-type) targets are stored and returned wrapped in double quotes, as OVH silently
 *   quotes them;
 * - with `recordIdZeroBug` on (`PUT /_sandbox/dns/recordIdZeroBug {"enabled": true}`), `POST …/record`
 *   creates the record but answers `id: 0`, like OVH's known bug;
 * - `status.warnings` reports names where a CNAME coexists with other records (the zone is then broken).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import {
  AreaModule,
  OvhError,
  Routes,
  SandboxContext,
  SandboxRequest,
  badRequest,
  notFound,
} from "../core/contract";
import {
  DAY_MS,
  Json,
  bodyObject,
  isoDateTime,
  mandatory,
  optionalEnum,
  optionalLong,
  optionalNullableString,
  optionalString,
  pathLong,
  queryEnum,
  requiredEnum,
  requiredString,
} from "./bodyFields";
import { checkSlice } from "../core/checks";
import { own } from "../core/util";
import { DomainConfiguration, configureDomainHooks } from "./csp2";
import { addEmailNotification } from "./order";
import { ACCOUNT_NIC, registerService, serviceInfos, updateServiceInfos } from "./services";

export const RECORD_TYPES = [
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DKIM",
  "DMARC",
  "DNAME",
  "LOC",
  "MX",
  "NAPTR",
  "NS",
  "PTR",
  "SPF",
  "SRV",
  "SSHFP",
  "TLSA",
  "TXT",
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const NAME_SERVER_TYPES = [
  "anycast",
  "dedicated",
  "empty",
  "external",
  "hold",
  "hosted",
  "hosting",
  "mixed",
  "parking",
] as const;
const LOCK_STATUSES = ["locked", "locking", "unavailable", "unlocked", "unlocking"] as const;
const TERMINATION_REASONS = [
  "FEATURES_DONT_SUIT_ME",
  "LACK_OF_PERFORMANCES",
  "MIGRATED_TO_ANOTHER_OVH_PRODUCT",
  "MIGRATED_TO_COMPETITOR",
  "NOT_ENOUGH_RECOGNITION",
  "NOT_NEEDED_ANYMORE",
  "NOT_RELIABLE",
  "NO_ANSWER",
  "OTHER",
  "PRODUCT_DIMENSION_DONT_SUIT_ME",
  "PRODUCT_TOOLS_DONT_SUIT_ME",
  "TOO_EXPENSIVE",
  "TOO_HARD_TO_USE",
  "UNSATIFIED_BY_CUSTOMER_SUPPORT",
] as const;
const FUTURE_USES = [
  "NOT_REPLACING_SERVICE",
  "OTHER",
  "SUBSCRIBE_AN_OTHER_SERVICE",
  "SUBSCRIBE_OTHER_KIND_OF_SERVICE_WITH_COMPETITOR",
  "SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR",
] as const;

// ---------------------------------------------------------------------------------------------------------
// State (the `domain` slice).

export interface RecordState {
  id: number;
  fieldType: RecordType;
  subDomain: string;
  target: string;
  ttl: number;
}

export interface ZoneState {
  name: string;
  records: RecordState[];
  /** false from the first record change until the next refresh. */
  deployed: boolean;
  lastUpdate: number;
  serial: number;
  nameServers: string[];
  hasDnsAnycast: boolean;
  serviceId: number;
  iamId: string;
  terminationToken: string | null;
}

interface NameServerState {
  id: number;
  host: string;
  ip: string | null;
}

export interface DomainState {
  domain: string;
  nameServerType: (typeof NAME_SERVER_TYPES)[number];
  nameServers: NameServerState[];
  transferLockStatus: (typeof LOCK_STATUSES)[number];
  serviceId: number;
  iamId: string;
  createdAt: number;
  lastUpdate: number;
}

export interface DomainSlice {
  zones: Record<string, ZoneState>;
  domains: Record<string, DomainState>;
  /** Switch: `POST /domain/zone/{zoneName}/record` answers `id: 0` (OVH's known bug) while true. */
  recordIdZeroBug: boolean;
}

function slice(ctx: SandboxContext): DomainSlice {
  return ctx.store.state["domain"] as DomainSlice;
}

/** Turns OVH's `id: 0` answer to record creation on or off (also settable by editing the `domain` slice). */
export function setRecordIdZeroBug(ctx: SandboxContext, on: boolean): void {
  slice(ctx).recordIdZeroBug = on;
}

// ---------------------------------------------------------------------------------------------------------
// Records.

const SUB_DOMAIN = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/i;

/** OVH stores TXT-like targets quoted: `v=spf1 …` becomes `"v=spf1 …"`. */
export function quoteTarget(fieldType: string, target: string): string {
  if (fieldType !== "TXT" && fieldType !== "SPF") return target;
  return target.startsWith('"') && target.endsWith('"') && target.length >= 2 ? target : `"${target}"`;
}

function invalidTarget(fieldType: string, target: string, expected: string): OvhError {
  return badRequest(`[target] Invalid target "${target}" for a ${fieldType} record: ${expected}`);
}

/** Checks a record's fields the way OVH refuses them (400); returns the normalised target. */
export function checkRecord(fieldType: RecordType, subDomain: string, target: string, ttl: number): string {
  if (subDomain !== "" && !SUB_DOMAIN.test(subDomain)) {
    throw badRequest(`[subDomain] Invalid subdomain "${subDomain}"`);
  }
  if (!Number.isInteger(ttl) || (ttl !== 0 && ttl < 60) || ttl > 2_147_483_647) {
    throw badRequest(`[ttl] Invalid TTL ${ttl}: 0 (zone default) or at least 60 seconds is expected`);
  }
  const t = target.trim();
  if (t === "") throw badRequest("[target] The target must not be empty");
  switch (fieldType) {
    case "A":
      if (!isIPv4(t)) throw invalidTarget(fieldType, t, "an IPv4 address is expected");
      break;
    case "AAAA":
      if (!isIPv6(t)) throw invalidTarget(fieldType, t, "an IPv6 address is expected");
      break;
    case "MX":
      if (!/^\d{1,5} \S+$/.test(t)) throw invalidTarget(fieldType, t, '"<priority> <host>" is expected');
      break;
    case "SRV":
      if (!/^\d{1,5} \d{1,5} \d{1,5} \S+$/.test(t)) {
        throw invalidTarget(fieldType, t, '"<priority> <weight> <port> <host>" is expected');
      }
      break;
    case "CNAME":
    case "NS":
    case "DNAME":
    case "PTR":
      if (/\s/.test(t)) throw invalidTarget(fieldType, t, "a host name is expected");
      break;
    case "TXT":
    case "SPF": {
      const inner = t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t;
      if (inner.length > 255 && !inner.includes('" "')) {
        throw invalidTarget(fieldType, t, "at most 255 characters per string are allowed");
      }
      break;
    }
    default:
      break;
  }
  return quoteTarget(fieldType, t);
}

function recordView(zone: ZoneState, record: RecordState): Json {
  return {
    fieldType: record.fieldType,
    id: record.id,
    subDomain: record.subDomain,
    target: record.target,
    ttl: record.ttl,
    zone: zone.name,
  };
}

function touch(zone: ZoneState, now: number): void {
  zone.deployed = false;
  zone.lastUpdate = now;
}

function nextRecordId(ctx: SandboxContext): number {
  return 5_100_000_000 + ctx.store.nextId("dnsRecord");
}

/** Adds a record to a zone (seed data, legacy configureDomain); the zone stays as deployed as it was. */
export function addRecord(
  ctx: SandboxContext,
  zone: ZoneState,
  fieldType: RecordType,
  subDomain: string,
  target: string,
  ttl = 0,
): RecordState {
  const record: RecordState = {
    id: nextRecordId(ctx),
    fieldType,
    subDomain,
    target: checkRecord(fieldType, subDomain, target, ttl),
    ttl,
  };
  zone.records.push(record);
  return record;
}

/** Problems a real resolver would have with the zone: a CNAME must be alone on its name. */
function zoneWarnings(zone: ZoneState): string[] {
  const warnings: string[] = [];
  const names = new Set(zone.records.filter((r) => r.fieldType === "CNAME").map((r) => r.subDomain));
  for (const name of names) {
    const others = zone.records.filter((r) => r.subDomain === name && r.fieldType !== "CNAME");
    const cnames = zone.records.filter((r) => r.subDomain === name && r.fieldType === "CNAME");
    if (others.length > 0 || cnames.length > 1) {
      warnings.push(
        `The CNAME record on "${name || "@"}" coexists with other records on the same name; it will not resolve`,
      );
    }
  }
  return warnings;
}

function zoneFile(zone: ZoneState): string {
  const primary = zone.nameServers[0] ?? "dns.ovh.net";
  const lines = ["$TTL 3600", `@\tIN SOA ${primary}. tech.ovh.net. (${zone.serial} 86400 3600 3600000 300)`];
  const sorted = [...zone.records].sort(
    (a, b) => a.subDomain.localeCompare(b.subDomain) || a.fieldType.localeCompare(b.fieldType) || a.id - b.id,
  );
  for (const r of sorted) {
    const type =
      r.fieldType === "SPF" || r.fieldType === "DKIM" || r.fieldType === "DMARC" ? "TXT" : r.fieldType;
    lines.push(`${r.subDomain}\t${r.ttl === 0 ? "" : r.ttl}\tIN ${type}\t${r.target}`);
  }
  return `${lines.join("\n")}\n`;
}

function serialFor(ms: number): number {
  const d = new Date(ms);
  return Number(
    `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}00`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Domains and name servers.

const OVH_NAME_SERVER = /^(?:dns|ns)\d+\.ovh\.(?:net|ca)$|^(?:dns|ns)\d+\.anycast\.me$/i;

function nameServerTypeFor(hosts: readonly string[]): "hosted" | "external" {
  return hosts.length > 0 && hosts.every((h) => OVH_NAME_SERVER.test(h.replace(/\.$/, "")))
    ? "hosted"
    : "external";
}

function domainView(ctx: SandboxContext, d: DomainState, withIam: boolean): Json {
  const expiration =
    d.createdAt + Math.ceil((ctx.clock.now() - d.createdAt + 1) / (365 * DAY_MS)) * 365 * DAY_MS;
  const contact = { id: ACCOUNT_NIC };
  const view: Json = {
    contactAdmin: contact,
    contactBilling: contact,
    contactOwner: contact,
    contactTech: contact,
    dnssecState: "disabled",
    dnssecSupported: true,
    domain: d.domain,
    expirationDate: isoDateTime(expiration),
    glueRecordIpv6Supported: true,
    glueRecordMultiIpSupported: true,
    hostSupported: true,
    lastUpdate: isoDateTime(d.lastUpdate),
    nameServerType: d.nameServerType,
    nameServers: d.nameServers.map((ns) => ({
      id: ns.id,
      ipv4: ns.ip !== null && isIPv4(ns.ip) ? ns.ip : null,
      ipv6: ns.ip !== null && isIPv6(ns.ip) ? ns.ip : null,
      nameServer: ns.host,
      nameServerType: nameServerTypeFor([ns.host]),
    })),
    offer: "gold",
    owoSupported: true,
    parentService: null,
    renewalDate: isoDateTime(expiration - 30 * DAY_MS),
    renewalState: "automatic_renew",
    serviceId: d.serviceId,
    state: "ok",
    suspensionState: "not_suspended",
    transferLockStatus: d.transferLockStatus,
    whoisOwner: "4851236",
  };
  if (withIam) {
    view["iam"] = {
      displayName: d.domain,
      id: d.iamId,
      tags: null,
      urn: `urn:v1:eu:resource:domain:${d.domain}`,
    };
  }
  return view;
}

function domainTask(ctx: SandboxContext, d: DomainState, fn: string): Json {
  const now = ctx.clock.now();
  const done = ctx.options.taskDelayMs <= 0;
  return {
    canAccelerate: false,
    canCancel: false,
    canRelaunch: false,
    comment: null,
    creationDate: isoDateTime(now),
    domain: d.domain,
    doneDate: done ? isoDateTime(now) : null,
    function: fn,
    id: 700_000_000 + ctx.store.nextId("domainTask"),
    lastUpdate: isoDateTime(now),
    status: done ? "done" : "todo",
    todoDate: isoDateTime(now),
  };
}

function nameServerInputs(body: Json, name: string): NameServerState[] {
  const list = body[name];
  if (list === undefined || list === null) throw mandatory(name);
  if (!Array.isArray(list) || list.length === 0) throw badRequest(`[${name}] A non-empty list is expected`);
  return list.map((entry, index) => {
    if (typeof entry !== "object" || entry === null) throw badRequest(`[${name}] Invalid entry ${index}`);
    const host = optionalString(entry as Json, "host");
    const ip = optionalNullableString(entry as Json, "ip") ?? null;
    if (!host || !/^[a-z0-9.-]+\.?$/i.test(host))
      throw badRequest(`[${name}.host] Invalid host "${host ?? ""}"`);
    if (ip !== null && !isIPv4(ip) && !isIPv6(ip)) throw badRequest(`[${name}.ip] Invalid IP "${ip}"`);
    return { id: 0, host: host.replace(/\.$/, ""), ip };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Creation helpers (seed data and other areas).

export function createZone(
  ctx: SandboxContext,
  name: string,
  nameServers: string[],
  createdAt: number,
): ZoneState {
  const zone: ZoneState = {
    name,
    records: [],
    deployed: true,
    lastUpdate: createdAt,
    serial: serialFor(createdAt),
    nameServers,
    hasDnsAnycast: false,
    serviceId: registerService(ctx, { resourceName: name, route: `/domain/zone/${name}`, createdAt }),
    iamId: randomUUID(),
    terminationToken: null,
  };
  slice(ctx).zones[name] = zone;
  return zone;
}

export function createDomain(
  ctx: SandboxContext,
  name: string,
  hosts: string[],
  createdAt: number,
): DomainState {
  const d: DomainState = {
    domain: name,
    nameServerType: nameServerTypeFor(hosts),
    nameServers: hosts.map((host) => ({ id: 0, host, ip: null })),
    transferLockStatus: "locked",
    serviceId: registerService(ctx, { resourceName: name, route: `/domain/${name}`, createdAt }),
    iamId: randomUUID(),
    createdAt,
    lastUpdate: createdAt,
  };
  for (const ns of d.nameServers) ns.id = 3_000_000 + ctx.store.nextId("nameServer");
  slice(ctx).domains[name] = d;
  return d;
}

/** The records Microsoft 365 needs per legacy `configureDomain` service (REFERENCE §7.1). */
function microsoftRecords(domain: string, service: string): [RecordType, string, string][] {
  switch (service) {
    case "Email":
      return [
        ["MX", "", `0 ${domain.replace(/\./g, "-")}.mail.protection.outlook.com.`],
        ["CNAME", "autodiscover", "autodiscover.outlook.com."],
        ["TXT", "", "v=spf1 include:spf.protection.outlook.com -all"],
      ];
    case "OfficeCommunicationsOnline":
      return [
        ["CNAME", "sip", "sipdir.online.lync.com."],
        ["CNAME", "lyncdiscover", "webdir.online.lync.com."],
        ["SRV", "_sip._tls", "100 1 443 sipdir.online.lync.com."],
        ["SRV", "_sipfederationtls._tcp", "100 1 5061 sipfed.online.lync.com."],
      ];
    case "Intune":
      return [
        ["CNAME", "enterpriseregistration", "enterpriseregistration.windows.net."],
        ["CNAME", "enterpriseenrollment", "enterpriseenrollment.manage.microsoft.com."],
      ];
    default:
      return [];
  }
}

/** Legacy `configureDomain` (csp2 `--legacy`): when its task completes, write and deploy the records. */
function applyConfigureDomain(ctx: SandboxContext, configuration: DomainConfiguration): void {
  const state = ctx.store.state["domain"] as DomainSlice | undefined;
  const zone = state ? own(state.zones, configuration.domain) : undefined;
  if (!zone) return;
  for (const service of configuration.supportedServices) {
    for (const [fieldType, subDomain, target] of microsoftRecords(zone.name, service)) {
      const normalised = quoteTarget(fieldType, target);
      const exists = zone.records.some(
        (r) => r.fieldType === fieldType && r.subDomain === subDomain && r.target === normalised,
      );
      if (!exists) addRecord(ctx, zone, fieldType, subDomain, target, 3600);
    }
  }
  zone.serial += 1;
  zone.lastUpdate = ctx.clock.now();
  zone.deployed = true;
}
configureDomainHooks.push(applyConfigureDomain);

// ---------------------------------------------------------------------------------------------------------
// The module.

export const domainArea: AreaModule = {
  name: "domain",

  check: (s) =>
    checkSlice("domain", s, {
      zones: "record of objects",
      domains: "record of objects",
      recordIdZeroBug: "boolean",
    }),

  init(ctx) {
    const current = ctx.store.state["domain"];
    if (current && typeof current === "object") return;
    ctx.store.state["domain"] = { zones: {}, domains: {}, recordIdZeroBug: false } satisfies DomainSlice;
  },

  seedDefault(ctx) {
    const since = ctx.clock.now() - 700 * DAY_MS;

    // contoso-demo.fr: registered and hosted at OVH, a clean zone.
    createDomain(ctx, "contoso-demo.fr", ["dns19.ovh.net", "ns19.ovh.net"], since);
    const contoso = createZone(ctx, "contoso-demo.fr", ["dns19.ovh.net", "ns19.ovh.net"], since);
    addRecord(ctx, contoso, "NS", "", "dns19.ovh.net.");
    addRecord(ctx, contoso, "NS", "", "ns19.ovh.net.");
    addRecord(ctx, contoso, "A", "", "213.186.33.5");
    addRecord(ctx, contoso, "CNAME", "www", "contoso-demo.fr.");

    // fabrikam-demo.com: hosted at OVH, with OVH e-mail records that conflict with Microsoft 365.
    createDomain(ctx, "fabrikam-demo.com", ["dns108.ovh.net", "ns108.ovh.net"], since);
    const fabrikam = createZone(ctx, "fabrikam-demo.com", ["dns108.ovh.net", "ns108.ovh.net"], since);
    addRecord(ctx, fabrikam, "NS", "", "dns108.ovh.net.");
    addRecord(ctx, fabrikam, "NS", "", "ns108.ovh.net.");
    addRecord(ctx, fabrikam, "A", "", "51.91.236.193");
    addRecord(ctx, fabrikam, "CNAME", "www", "fabrikam-demo.com.");
    addRecord(ctx, fabrikam, "MX", "", "10 mx1.mail.ovh.net.");
    addRecord(ctx, fabrikam, "TXT", "", "v=spf1 include:mx.ovh.com ~all");
    addRecord(ctx, fabrikam, "CNAME", "autodiscover", "mailconfig.ovh.net.");
    addRecord(ctx, fabrikam, "SRV", "_autodiscover._tcp", "0 0 443 mailconfig.ovh.net.");

    // northwind-demo.net: registered at OVH, DNS elsewhere (no zone at OVH).
    createDomain(ctx, "northwind-demo.net", ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"], since);
  },

  registerControl(control: Routes, ctx: SandboxContext) {
    const view = () => ({ enabled: slice(ctx).recordIdZeroBug });
    control.add("GET", "/dns/recordIdZeroBug", view);
    control.add("PUT", "/dns/recordIdZeroBug", (req) => {
      const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
      if (typeof enabled !== "boolean") throw badRequest("[enabled] a boolean is expected");
      setRecordIdZeroBug(ctx, enabled);
      return view();
    });
  },

  register(routes: Routes, ctx: SandboxContext) {
    const zoneOf = (req: SandboxRequest): ZoneState => {
      const name = req.params.zoneName ?? "";
      const zone = own(slice(ctx).zones, name);
      if (!zone) throw notFound(`zoneName = ${name}`);
      return zone;
    };
    const recordOf = (req: SandboxRequest): { zone: ZoneState; record: RecordState } => {
      const zone = zoneOf(req);
      const id = pathLong(req.params, "id");
      const record = zone.records.find((r) => r.id === id);
      if (!record) throw notFound(`id = ${id}`);
      return { zone, record };
    };
    const domainOf = (req: SandboxRequest): DomainState => {
      const name = req.params.serviceName ?? "";
      const d = own(slice(ctx).domains, name);
      if (!d) throw notFound(`serviceName = ${name}`);
      return d;
    };

    // ----- zones
    routes.add("GET", "/domain/zone", () => Object.keys(slice(ctx).zones).sort());
    routes.add("GET", "/domain/zone/{zoneName}", (req) => {
      const zone = zoneOf(req);
      return {
        dnssecSupported: true,
        hasDnsAnycast: zone.hasDnsAnycast,
        iam: {
          displayName: zone.name,
          id: zone.iamId,
          tags: null,
          urn: `urn:v1:eu:resource:dnsZone:${zone.name}`,
        },
        lastUpdate: isoDateTime(zone.lastUpdate),
        name: zone.name,
        nameServers: [...zone.nameServers],
      };
    });
    routes.add("GET", "/domain/zone/{zoneName}/record", (req) => {
      const zone = zoneOf(req);
      const fieldType = queryEnum(req.query, "fieldType", RECORD_TYPES, "domain.zone.RecordTypeEnum");
      const subDomain = req.query.get("subDomain");
      return zone.records
        .filter((r) => fieldType === undefined || r.fieldType === fieldType)
        .filter((r) => subDomain === null || r.subDomain.toLowerCase() === subDomain.toLowerCase())
        .map((r) => r.id);
    });
    routes.add("POST", "/domain/zone/{zoneName}/record", (req) => {
      const zone = zoneOf(req);
      const body = bodyObject(req.body);
      const fieldType = requiredEnum(body, "fieldType", RECORD_TYPES, "domain.zone.RecordTypeEnum");
      const target = requiredString(body, "target");
      const subDomain = optionalNullableString(body, "subDomain") ?? "";
      const ttl = optionalLong(body, "ttl") ?? 0;
      const record: RecordState = {
        id: 0,
        fieldType,
        subDomain,
        target: checkRecord(fieldType, subDomain, target, ttl),
        ttl,
      };
      record.id = nextRecordId(ctx);
      zone.records.push(record);
      touch(zone, ctx.clock.now());
      const view = recordView(zone, record);
      if (slice(ctx).recordIdZeroBug) view["id"] = 0;
      return view;
    });
    routes.add("GET", "/domain/zone/{zoneName}/record/{id}", (req) => {
      const { zone, record } = recordOf(req);
      return recordView(zone, record);
    });
    routes.add("PUT", "/domain/zone/{zoneName}/record/{id}", (req) => {
      const { zone, record } = recordOf(req);
      const body = bodyObject(req.body);
      const subDomainIn = optionalNullableString(body, "subDomain");
      const targetIn = optionalString(body, "target");
      const ttlIn = body["ttl"] === null ? 0 : optionalLong(body, "ttl");
      const subDomain = subDomainIn === undefined ? record.subDomain : (subDomainIn ?? "");
      const ttl = ttlIn ?? record.ttl;
      const target = checkRecord(record.fieldType, subDomain, targetIn ?? record.target, ttl);
      record.subDomain = subDomain;
      record.ttl = ttl;
      record.target = target;
      touch(zone, ctx.clock.now());
      return undefined;
    });
    routes.add("DELETE", "/domain/zone/{zoneName}/record/{id}", (req) => {
      const { zone, record } = recordOf(req);
      zone.records = zone.records.filter((r) => r !== record);
      touch(zone, ctx.clock.now());
      return undefined;
    });
    routes.add("POST", "/domain/zone/{zoneName}/refresh", (req) => {
      const zone = zoneOf(req);
      zone.deployed = true;
      zone.serial = Math.max(zone.serial + 1, serialFor(ctx.clock.now()));
      zone.lastUpdate = ctx.clock.now();
      return undefined;
    });
    routes.add("GET", "/domain/zone/{zoneName}/status", (req) => {
      const zone = zoneOf(req);
      return { errors: [], isDeployed: zone.deployed, warnings: zoneWarnings(zone) };
    });
    routes.add("GET", "/domain/zone/{zoneName}/export", (req) => zoneFile(zoneOf(req)));
    routes.add("GET", "/domain/zone/{zoneName}/serviceInfos", (req) =>
      serviceInfos(ctx, zoneOf(req).serviceId),
    );
    routes.add("PUT", "/domain/zone/{zoneName}/serviceInfos", (req) => {
      updateServiceInfos(ctx, zoneOf(req).serviceId, req.body);
      return undefined;
    });
    routes.add("POST", "/domain/zone/{zoneName}/terminate", (req) => {
      const zone = zoneOf(req);
      zone.terminationToken = randomBytes(12).toString("hex");
      addEmailNotification(
        ctx,
        `Termination request for the DNS zone ${zone.name}`,
        `To confirm the termination of ${zone.name}, follow https://www.ovh.com/manager/#/billing/confirmTerminate?id=${zone.serviceId}&token=${zone.terminationToken} (or POST the token to /domain/zone/${zone.name}/confirmTermination).`,
      );
      return `You will receive an email to confirm the termination of the DNS zone ${zone.name}`;
    });
    routes.add("POST", "/domain/zone/{zoneName}/confirmTermination", (req) => {
      const zone = zoneOf(req);
      const body = bodyObject(req.body);
      const token = requiredString(body, "token");
      optionalEnum(body, "reason", TERMINATION_REASONS, "service.TerminationReasonEnum");
      optionalEnum(body, "futureUse", FUTURE_USES, "service.TerminationFutureUseEnum");
      optionalString(body, "commentary");
      if (zone.terminationToken === null || token !== zone.terminationToken) {
        throw new OvhError(403, "Client::Forbidden", "Invalid or expired termination token");
      }
      zone.terminationToken = null;
      updateServiceInfos(ctx, zone.serviceId, { renew: { deleteAtExpiration: true } });
      const expiration = serviceInfos(ctx, zone.serviceId)["expiration"];
      return `The DNS zone ${zone.name} will be terminated on ${String(expiration)}`;
    });

    // ----- domains
    routes.add("GET", "/domain", (req) => {
      const whoisOwner = req.query.get("whoisOwner");
      if (whoisOwner !== null && whoisOwner !== "4851236") return [];
      return Object.keys(slice(ctx).domains).sort();
    });
    routes.add("GET", "/domain/{serviceName}", (req) => domainView(ctx, domainOf(req), true));
    routes.add("PUT", "/domain/{serviceName}", (req) => {
      const d = domainOf(req);
      const body = bodyObject(req.body);
      const nameServerType = optionalEnum(
        body,
        "nameServerType",
        NAME_SERVER_TYPES,
        "domain.nameServer.NameServerTypeEnum",
      );
      const lock = optionalEnum(body, "transferLockStatus", LOCK_STATUSES, "domain.LockStatusEnum");
      if (nameServerType !== undefined && nameServerType !== "hosted" && nameServerType !== "external") {
        throw badRequest(`[nameServerType] Only hosted or external can be set, not ${nameServerType}`);
      }
      if (lock !== undefined && lock !== "locked" && lock !== "unlocked") {
        throw badRequest(`[transferLockStatus] Only locked or unlocked can be set, not ${lock}`);
      }
      if (nameServerType === "hosted" && d.nameServerType !== "hosted") {
        const zone = own(slice(ctx).zones, d.domain);
        const hosts = zone?.nameServers ?? ["dns19.ovh.net", "ns19.ovh.net"];
        d.nameServers = hosts.map((host) => ({
          id: 3_000_000 + ctx.store.nextId("nameServer"),
          host,
          ip: null,
        }));
      }
      if (nameServerType !== undefined) d.nameServerType = nameServerType;
      if (lock !== undefined) d.transferLockStatus = lock;
      d.lastUpdate = ctx.clock.now();
      return domainView(ctx, d, false);
    });
    routes.add("GET", "/domain/{serviceName}/nameServer", (req) =>
      domainOf(req).nameServers.map((ns) => ns.id),
    );
    routes.add("GET", "/domain/{serviceName}/nameServer/{id}", (req) => {
      const d = domainOf(req);
      const id = pathLong(req.params, "id");
      const ns = d.nameServers.find((n) => n.id === id);
      if (!ns) throw notFound(`id = ${id}`);
      return { host: ns.host, id: ns.id, ip: ns.ip, isUsed: true, toDelete: false };
    });
    routes.add("POST", "/domain/{serviceName}/nameServer", (req) => {
      const d = domainOf(req);
      const added = nameServerInputs(bodyObject(req.body), "nameServer");
      for (const ns of added) {
        if (d.nameServers.some((n) => n.host === ns.host)) {
          throw new OvhError(
            409,
            "Client::Conflict",
            `The name server ${ns.host} is already set on ${d.domain}`,
          );
        }
      }
      for (const ns of added) {
        ns.id = 3_000_000 + ctx.store.nextId("nameServer");
        d.nameServers.push(ns);
      }
      d.nameServerType = nameServerTypeFor(d.nameServers.map((n) => n.host));
      d.lastUpdate = ctx.clock.now();
      return domainTask(ctx, d, "DomainDnsUpdate");
    });
    routes.add("DELETE", "/domain/{serviceName}/nameServer/{id}", (req) => {
      const d = domainOf(req);
      const id = pathLong(req.params, "id");
      if (!d.nameServers.some((n) => n.id === id)) throw notFound(`id = ${id}`);
      if (d.nameServers.length <= 1) throw badRequest("A domain needs at least one name server");
      d.nameServers = d.nameServers.filter((n) => n.id !== id);
      d.nameServerType = nameServerTypeFor(d.nameServers.map((n) => n.host));
      d.lastUpdate = ctx.clock.now();
      return domainTask(ctx, d, "DomainDnsUpdate");
    });
    routes.add("POST", "/domain/{serviceName}/nameServers/update", (req) => {
      const d = domainOf(req);
      const hosts = nameServerInputs(bodyObject(req.body), "nameServers");
      for (const ns of hosts) ns.id = 3_000_000 + ctx.store.nextId("nameServer");
      d.nameServers = hosts;
      d.nameServerType = nameServerTypeFor(hosts.map((n) => n.host));
      d.lastUpdate = ctx.clock.now();
      return domainTask(ctx, d, "DomainDnsUpdate");
    });
  },
};

export default domainArea;
