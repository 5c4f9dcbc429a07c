import {
  domainAutoConfigHandler as handler,
  type DomainAutoConfigInputs,
} from "../../../provider/resources/domainAutoConfig";
import { parseZoneExport } from "../../../provider/resources/domainAutoConfig/zoneExport";
import { OvhApiError } from "../../../provider/ovh/errors";
import type { OvhRequest } from "../../../provider/ovh/request";
import type { ResourceContext } from "../../../provider/resources/types";
import { UNKNOWN } from "../../../provider/resources/unknown";
import { FakeDnsOvh } from "./domainFakeZone";

const quiet = { info: () => undefined, warn: () => undefined };

/** The in-memory zone plus `GET /domain/zone/{zone}/export` of the records as stored, as the sandbox does. */
class FakeDnsOvhWithExport extends FakeDnsOvh {
  constructor() {
    super("live");
  }
}

/** The in-memory zone whose export these credentials may not call (403), as a restricted consumer key. */
class FakeDnsOvhExportRefused extends FakeDnsOvh {
  override async request<T = unknown>(req: OvhRequest): Promise<T> {
    if (!req.path.endsWith("/export")) return super.request<T>(req);
    this.calls.push(`${req.method} ${req.path}`);
    throw new OvhApiError({
      status: 403,
      method: req.method,
      path: req.path,
      body: { errorClass: "Client::Forbidden", message: "This call has not been granted" },
    });
  }
}

function setupZones(zoneExport = true) {
  const ovh = (zoneExport ? new FakeDnsOvhWithExport() : new FakeDnsOvhExportRefused())
    .addZone("contoso.com", [
      { fieldType: "NS", subDomain: "", target: "dns1.ovh.net.", ttl: 0 },
      { fieldType: "A", subDomain: "", target: "192.0.2.10", ttl: 0 },
    ])
    .addZone("fabrikam.com", [
      { fieldType: "NS", subDomain: "", target: "dns1.ovh.net.", ttl: 0 },
      { fieldType: "MX", subDomain: "", target: "10 mx1.mail.ovh.net.", ttl: 0 },
      { fieldType: "TXT", subDomain: "", target: "v=spf1 include:mx.ovh.com ~all", ttl: 0 },
      { fieldType: "CNAME", subDomain: "autodiscover", target: "mailconfig.ovh.net.", ttl: 0 },
    ]);
  ovh.domains.set("northwind.net", { nameServerType: "external", nameServers: ["ada.ns.cloudflare.com"] });
  const ctx: ResourceContext = { ovh, log: quiet };
  return { ovh, ctx };
}

const setup = () => setupZones();

async function checked(raw: Record<string, unknown>): Promise<DomainAutoConfigInputs> {
  const result = await handler.check(raw, undefined);
  if (!result.inputs) throw new Error(JSON.stringify(result.failures));
  return result.inputs;
}

describe("check", () => {
  it("applies defaults", async () => {
    expect(await checked({ tenant: "csp2-1", domain: "Contoso.com." })).toEqual({
      tenant: "csp2-1",
      domain: "contoso.com",
      zone: "contoso.com",
      services: ["exchange", "teams"],
      exchangeMxTarget: "contoso-com.mail.protection.outlook.com",
      ttl: 3600,
      method: "records",
      takeOverConflicts: false,
    });
  });

  it("names each invalid property", async () => {
    const result = await handler.check(
      {
        tenant: "csp2-1",
        domain: "contoso.com",
        zone: "other.com",
        services: ["exchange", "exchange"],
        verificationTxt: "ms=123",
        ttl: 30,
        method: "dns",
      },
      undefined,
    );
    expect(result.failures.map((f) => f.property).sort()).toEqual([
      "method",
      "services",
      "ttl",
      "verificationTxt",
    ]);
    const zone = await handler.check(
      { tenant: "csp2-1", domain: "contoso.com", zone: "other.com" },
      undefined,
    );
    expect(zone.failures).toEqual([{ property: "zone", reason: expect.stringContaining("parent") }]);
    const empty = await handler.check({ tenant: "csp2-1", domain: "contoso.com", services: [] }, undefined);
    expect(empty.failures.map((f) => f.property)).toEqual(["services"]);
  });

  it("accepts unknown values and skips remote checks then", async () => {
    const { ovh, ctx } = setup();
    const result = await handler.check({ tenant: UNKNOWN, domain: "contoso.com", services: [UNKNOWN] }, ctx);
    expect(result.failures).toEqual([]);
    expect(ovh.calls).toEqual([]);
  });

  it("refuses a domain whose DNS is not at OVH, read-only", async () => {
    const { ovh, ctx } = setup();
    const result = await handler.check({ tenant: "csp2-1", domain: "northwind.net" }, ctx);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.reason).toMatch(
      /not at OVH.*external name servers \(ada\.ns\.cloudflare\.com\)/,
    );
    expect(ovh.writes).toEqual([]);
  });

  it("refuses an unknown tenant", async () => {
    const { ctx } = setup();
    const result = await handler.check({ tenant: "nope", domain: "contoso.com" }, ctx);
    expect(result.failures.map((f) => f.property)).toEqual(["tenant"]);
  });

  it("lists conflicting records, read-only", async () => {
    const { ovh, ctx } = setup();
    const result = await handler.check({ tenant: "csp2-1", domain: "fabrikam.com" }, ctx);
    expect(result.failures).toHaveLength(1);
    const reason = result.failures[0]?.reason ?? "";
    expect(reason).toContain("MX fabrikam.com → 10 mx1.mail.ovh.net.");
    expect(reason).toContain("TXT fabrikam.com → v=spf1 include:mx.ovh.com ~all");
    expect(reason).toContain("CNAME autodiscover.fabrikam.com → mailconfig.ovh.net.");
    expect(reason).toContain("takeOverConflicts");
    expect(ovh.writes).toEqual([]);
    const takeover = await handler.check(
      { tenant: "csp2-1", domain: "fabrikam.com", takeOverConflicts: true },
      ctx,
    );
    expect(takeover.failures).toEqual([]);
  });

  it("does not report this resource's own records at preview of an update", async () => {
    const { ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    await handler.create(inputs, ctx);
    const raw = {
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange"],
      exchangeMxTarget: "contoso-com.x.mx.microsoft",
    };
    const result = await handler.check(raw, ctx, {
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange"],
    });
    expect(result.failures).toEqual([]);
  });
});

describe.each([
  ["with the zone export", true],
  ["without the zone export (record listing)", false],
])("create / read / update / delete, %s", (_mode, zoneExport) => {
  const setup = () => setupZones(zoneExport);

  it("writes exactly the record set on a clean zone and refreshes once", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", verificationTxt: "MS=ms42" });
    const { id, outs } = await handler.create(inputs, ctx);
    expect(id).toBe("csp2-1/contoso.com");
    expect(ovh.writes.filter((c) => c.startsWith("POST") && c.endsWith("/record"))).toHaveLength(8);
    expect(ovh.writes.filter((c) => c.endsWith("/refresh"))).toHaveLength(1);
    expect(outs.records.map((r) => [r.role, r.origin])).toEqual([
      ["verification", "created"],
      ["mx", "created"],
      ["autodiscover", "created"],
      ["spf", "created"],
      ["sip", "created"],
      ["lyncdiscover", "created"],
      ["sipTls", "created"],
      ["sipFederation", "created"],
    ]);
    expect(outs.records.every((r) => r.id > 0)).toBe(true);
    // 3 precondition GETs, the export and the id listing (as many ids as exported records: the export is
    // trusted): nothing on Microsoft's names, so no record is read.
    // Without the export (refused as unknown here): the same listing and one GET per record (small zone).
    expect(ovh.calls.filter((c) => c.startsWith("GET"))).toEqual([
      "GET /saas/csp2/csp2-1",
      "GET /domain/zone/contoso.com",
      "GET /domain/contoso.com",
      "GET /domain/zone/contoso.com/export",
      "GET /domain/zone/contoso.com/record",
      ...(zoneExport
        ? []
        : ovh
            .records("contoso.com")
            .slice(0, 2)
            .map((r) => `GET /domain/zone/contoso.com/record/${r.id}`)),
    ]);
    expect(handler.diff(id, outs, inputs)).toMatchObject({ changes: false });
  });

  it("finds the real id when OVH answers id 0", async () => {
    const { ovh, ctx } = setup();
    ovh.idZeroBug = true;
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["intune"] });
    const { outs } = await handler.create(inputs, ctx);
    const live = ovh.records("contoso.com");
    expect(outs.records.map((r) => r.id)).toEqual(
      ["enterpriseregistration", "enterpriseenrollment"].map((n) => live.find((r) => r.subDomain === n)?.id),
    );
  });

  it("refuses conflicts at create without writing", async () => {
    const { ovh, ctx } = setup();
    await expect(
      handler.create(await checked({ tenant: "csp2-1", domain: "fabrikam.com" }), ctx),
    ).rejects.toThrow(/records in the way[\s\S]*10 mx1\.mail\.ovh\.net/);
    expect(ovh.writes).toEqual([]);
  });

  it("takes over conflicts, merges SPF, and restores everything on delete", async () => {
    const { ovh, ctx } = setup();
    const before = structuredClone(ovh.records("fabrikam.com"));
    const inputs = await checked({
      tenant: "csp2-1",
      domain: "fabrikam.com",
      services: ["exchange"],
      takeOverConflicts: true,
    });
    const { id, outs } = await handler.create(inputs, ctx);
    const zone = ovh.records("fabrikam.com");
    expect(zone.filter((r) => r.fieldType === "MX").map((r) => r.target)).toEqual([
      "0 fabrikam-com.mail.protection.outlook.com.",
    ]);
    expect(zone.filter((r) => r.fieldType === "TXT").map((r) => r.target)).toEqual([
      '"v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all"',
    ]);
    expect(outs.takenOver.map((t) => [t.fieldType, t.action])).toEqual([
      ["MX", "removed"],
      ["CNAME", "removed"],
      ["TXT", "modified"],
    ]);
    expect(outs.records.find((r) => r.role === "spf")?.origin).toBe("merged");

    await handler.delete(id, outs, ctx);
    const after = ovh.records("fabrikam.com");
    const strip = (rs: typeof before) =>
      rs.map(({ fieldType, subDomain, target }) => `${fieldType} ${subDomain} ${target}`).sort();
    expect(strip(after)).toEqual(strip(before));
  });

  it("detects drift on read and repairs it on update", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    const zone = ovh.records("contoso.com");
    const cname = zone.find((r) => r.subDomain === "autodiscover")!;
    ovh.zones.set(
      "contoso.com",
      zone.filter((r) => r !== cname),
    );
    zone.find((r) => r.fieldType === "MX")!.target = "0 elsewhere.example.";
    const read = await handler.read(id, outs, ctx);
    expect(read.props?.records.map((r) => r.role)).toEqual(["mx", "spf"]);
    expect(read.inputs).toEqual(inputs);
    const diff = handler.diff(id, read.props!, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [], changedKeys: ["records"] });

    ovh.calls.length = 0;
    const updated = await handler.update(id, read.props!, inputs, ctx);
    expect(ovh.writes).toEqual([
      expect.stringMatching(/^PUT .*\/record\/\d+$/),
      "POST /domain/zone/contoso.com/record",
      "POST /domain/zone/contoso.com/refresh",
    ]);
    expect(handler.diff(id, updated, inputs).changes).toBe(false);
  });

  it("update adds and removes only the difference", async () => {
    const { ovh, ctx } = setup();
    const v1 = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange", "intune"] });
    const { id, outs } = await handler.create(v1, ctx);
    const v2 = await checked({
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange", "teams"],
      ttl: 3600,
    });
    expect(handler.diff(id, outs, v2)).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["services"],
    });
    ovh.calls.length = 0;
    const out2 = await handler.update(id, outs, v2, ctx);
    expect(ovh.writes.filter((c) => c.startsWith("DELETE"))).toHaveLength(2);
    expect(ovh.writes.filter((c) => c.startsWith("POST") && c.endsWith("/record"))).toHaveLength(4);
    expect(ovh.writes.filter((c) => c.startsWith("PUT"))).toHaveLength(0);
    expect(out2.records.map((r) => r.role).sort()).toEqual(
      ["autodiscover", "lyncdiscover", "mx", "sip", "sipFederation", "sipTls", "spf"].sort(),
    );
    const mxId = out2.records.find((r) => r.role === "mx")!.id;
    const v3 = { ...v2, exchangeMxTarget: "contoso-com.r-v1.mx.microsoft", ttl: 3600 };
    ovh.calls.length = 0;
    const out3 = await handler.update(id, out2, v3, ctx);
    expect(ovh.writes).toEqual([
      `PUT /domain/zone/contoso.com/record/${mxId}`,
      "POST /domain/zone/contoso.com/refresh",
    ]);
    expect(out3.records.find((r) => r.role === "mx")?.target).toBe("0 contoso-com.r-v1.mx.microsoft.");
  });

  it("delete removes exactly its records, leaves others and edited ones, tolerates 404", async () => {
    const { ovh, ctx } = setup();
    const foreign = ovh.records("contoso.com").map((r) => r.id);
    const { id, outs } = await handler.create(
      await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] }),
      ctx,
    );
    const zone = ovh.records("contoso.com");
    zone.find((r) => r.subDomain === "autodiscover")!.target = "edited.example.";
    ovh.zones.set(
      "contoso.com",
      zone.filter((r) => r.fieldType !== "MX"),
    );
    await handler.delete(id, outs, ctx);
    expect(ovh.records("contoso.com").map((r) => r.id)).toEqual([
      ...foreign,
      outs.records.find((r) => r.role === "autodiscover")!.id,
    ]);
  });

  it("adopts identical records and leaves them on delete", async () => {
    const { ovh, ctx } = setup();
    ovh.records("contoso.com").push({
      id: 5,
      fieldType: "CNAME",
      subDomain: "autodiscover",
      target: "autodiscover.outlook.com",
      ttl: 300,
    });
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    expect(outs.records.find((r) => r.role === "autodiscover")).toMatchObject({
      id: 5,
      origin: "adopted",
      ttl: 300,
    });
    expect(handler.diff(id, outs, inputs).changes).toBe(false);
    await handler.delete(id, outs, ctx);
    expect(ovh.records("contoso.com").some((r) => r.id === 5)).toBe(true);
  });

  it("imports by id, inferring inputs from the live records without writing", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange", "intune"],
      verificationTxt: "MS=ms7",
      ttl: 600,
    });
    await handler.create(inputs, ctx);
    ovh.calls.length = 0;
    const imported = await handler.read("csp2-1/contoso.com", undefined, ctx);
    expect(ovh.writes).toEqual([]);
    expect(imported.inputs).toEqual(inputs);
    expect(imported.props?.records).toHaveLength(6);
    expect(handler.diff("csp2-1/contoso.com", imported.props!, inputs).changes).toBe(false);
    await expect(handler.read("csp2-1/fabrikam.com", undefined, ctx)).rejects.toThrow(
      /no Microsoft 365 record/,
    );
  });
});

/** OVH answering `null` for the record fields its model allows (`subDomain`, `ttl`), as the sandbox's nullFields. */
class NullFieldsFake extends FakeDnsOvhWithExport {
  override async request<T = unknown>(req: OvhRequest): Promise<T> {
    const answer = await super.request<T>(req);
    if (/\/record(\/\d+)?$/.test(req.path) && answer !== null && typeof answer === "object" && "id" in answer)
      return { ...answer, subDomain: null, ttl: null } as T;
    return answer;
  }
}

describe("OVH calls", () => {
  const records = (ovh: FakeDnsOvh, zone: string) =>
    ovh.calls.filter((c) => c.includes(`/domain/zone/${zone}`));

  it("check then create in one run: the preconditions are read once, a clean zone costs one export and one id listing each", async () => {
    const { ovh, ctx } = setup();
    const raw = { tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] };
    const result = await handler.check(raw, ctx);
    expect(ovh.calls).toEqual([
      "GET /saas/csp2/csp2-1",
      "GET /domain/zone/contoso.com",
      "GET /domain/contoso.com",
      "GET /domain/zone/contoso.com/export",
      "GET /domain/zone/contoso.com/record",
    ]);
    ovh.calls.length = 0;
    await handler.create(result.inputs!, ctx);
    expect(ovh.calls).toEqual([
      "GET /domain/zone/contoso.com/export",
      "GET /domain/zone/contoso.com/record",
      ...Array(3).fill("POST /domain/zone/contoso.com/record"),
      "POST /domain/zone/contoso.com/refresh",
    ]);
  });

  it("a tenant or zone not found is asked again, never remembered", async () => {
    const { ovh, ctx } = setup();
    await handler.check({ tenant: "nope", domain: "contoso.com" }, ctx);
    await handler.check({ tenant: "nope", domain: "contoso.com" }, ctx);
    expect(ovh.calls.filter((c) => c === "GET /saas/csp2/nope")).toHaveLength(2);
  });

  it("refresh reads the export and the id listing only, and still sees deletions and edits", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", verificationTxt: "MS=ms42" });
    const { id, outs } = await handler.create(inputs, ctx);
    ovh.calls.length = 0;
    const unchanged = await handler.read(id, outs, ctx);
    expect(ovh.calls).toEqual(["GET /domain/zone/contoso.com/export", "GET /domain/zone/contoso.com/record"]);
    expect(unchanged.props?.records).toEqual(outs.records);
    expect(handler.diff(id, unchanged.props!, inputs).changes).toBe(false);

    const zone = ovh.records("contoso.com");
    const sip = outs.records.find((r) => r.role === "sip")!;
    const mx = outs.records.find((r) => r.role === "mx")!;
    ovh.zones.set(
      "contoso.com",
      zone.filter((r) => r.id !== sip.id),
    );
    zone.find((r) => r.id === mx.id)!.target = "5 mx.elsewhere.example.";
    zone.find((r) => r.subDomain === "lyncdiscover")!.ttl = 60;
    ovh.calls.length = 0;
    const drifted = await handler.read(id, outs, ctx);
    // sip: gone from the listing (no GET); MX: the export no longer holds our value, so it is read by id;
    // lyncdiscover: same value, TTL taken from the export.
    expect(ovh.calls).toEqual([
      "GET /domain/zone/contoso.com/export",
      "GET /domain/zone/contoso.com/record",
      `GET /domain/zone/contoso.com/record/${mx.id}`,
    ]);
    const byRole = new Map(drifted.props!.records.map((r) => [r.role, r]));
    expect(byRole.has("sip")).toBe(false);
    expect(byRole.get("mx")?.target).toBe("5 mx.elsewhere.example.");
    expect(byRole.get("lyncdiscover")?.ttl).toBe(60);
    expect(handler.diff(id, drifted.props!, inputs)).toMatchObject({
      changes: true,
      changedKeys: ["records"],
    });
  });

  it("a foreign record with our value next to ours makes refresh read ours by id", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    const mx = outs.records.find((r) => r.role === "mx")!;
    const zone = ovh.records("contoso.com");
    zone.push({ ...zone.find((r) => r.id === mx.id)!, id: 9999 }); // someone's identical MX
    zone.find((r) => r.id === mx.id)!.target = "5 mx.elsewhere.example."; // and ours edited
    ovh.calls.length = 0;
    const read = await handler.read(id, outs, ctx);
    expect(records(ovh, "contoso.com")).toContain(`GET /domain/zone/contoso.com/record/${mx.id}`);
    expect(read.props?.records.find((r) => r.role === "mx")?.target).toBe("5 mx.elsewhere.example.");
  });

  it("without the export (refused), asks for it once per client, then reads existing ids only", async () => {
    const { ovh, ctx } = setupZones(false);
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    const autodiscover = outs.records.find((r) => r.role === "autodiscover")!;
    ovh.zones.set(
      "contoso.com",
      ovh.records("contoso.com").filter((r) => r.id !== autodiscover.id),
    );
    ovh.calls.length = 0;
    const read = await handler.read(id, outs, ctx);
    expect(ovh.calls).toEqual([
      "GET /domain/zone/contoso.com/record",
      ...outs.records
        .filter((r) => r.id !== autodiscover.id)
        .map((r) => `GET /domain/zone/contoso.com/record/${r.id}`),
    ]);
    expect(read.props?.records.map((r) => r.role)).toEqual(["mx", "spf"]);
  });

  it("an export answered 404 is not remembered (the zone may be gone); a gone zone reads as records deleted", async () => {
    const ovh = new FakeDnsOvh().addZone("contoso.com");
    const ctx: ResourceContext = { ovh, log: quiet };
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    ovh.calls.length = 0;
    await handler.read(id, outs, ctx);
    expect(ovh.calls.filter((c) => c.endsWith("/export"))).toHaveLength(1);
    ovh.zones.delete("contoso.com");
    const read = await handler.read(id, outs, ctx);
    expect(read.props?.records).toEqual([]);
  });

  it("delete of records in a zone deleted outside Pulumi succeeds and writes nothing (the records went with it)", async () => {
    const ovh = new FakeDnsOvh().addZone("contoso.com");
    const ctx: ResourceContext = { ovh, log: quiet };
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] });
    const { id, outs } = await handler.create(inputs, ctx);
    ovh.zones.delete("contoso.com");
    ovh.calls.length = 0;
    await handler.delete(id, outs, ctx);
    expect(ovh.writes).toEqual([]);
  });

  it("tolerates subDomain: null and ttl: null in OVH's answers (apex unless listed under a name)", async () => {
    const ovh = new NullFieldsFake().addZone("contoso.com", [
      { fieldType: "A", subDomain: "", target: "192.0.2.10", ttl: 0 },
    ]);
    const ctx: ResourceContext = { ovh, log: quiet };
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", verificationTxt: "MS=ms42" });
    const { id, outs } = await handler.create(inputs, ctx);
    expect(outs.records.find((r) => r.role === "sipTls")).toMatchObject({
      subDomain: "_sip._tls",
      ttl: 3600,
    });
    expect(handler.diff(id, outs, inputs).changes).toBe(false);
    const read = await handler.read(id, outs, ctx);
    expect(read.props?.records).toEqual(outs.records);
    // An update re-reads every name by listing (names from the query, TTLs from the export): nothing to write.
    ovh.calls.length = 0;
    const same = await handler.update(id, outs, inputs, ctx);
    expect(ovh.writes).toEqual([]);
    expect(same.records).toEqual(outs.records);
    // An out-of-band edit off the apex is read by id and kept on its name, the export showing it there.
    ovh.records("contoso.com").find((r) => r.subDomain === "sip")!.target = "sip.elsewhere.example.";
    const drifted = await handler.read(id, outs, ctx);
    expect(drifted.props?.records.find((r) => r.role === "sip")).toMatchObject({
      subDomain: "sip",
      target: "sip.elsewhere.example.",
    });
    // Delete with the state from before the edit: the edited record is recognised on its name and left in place.
    await handler.delete(id, outs, ctx);
    expect(ovh.records("contoso.com").map((r) => `${r.fieldType} ${r.subDomain}`)).toEqual([
      "A ",
      "CNAME sip",
    ]);
  });
});

describe("a stale export (OVH exporting the zone as last refreshed, changes since then left out)", () => {
  const services = { tenant: "csp2-1", domain: "contoso.com", services: ["exchange"] };
  const stale = () => {
    const ovh = new FakeDnsOvh("applied").addZone("contoso.com", [
      { fieldType: "NS", subDomain: "", target: "dns1.ovh.net.", ttl: 0 },
      { fieldType: "A", subDomain: "", target: "192.0.2.10", ttl: 0 },
    ]);
    const ctx: ResourceContext = { ovh, log: quiet };
    return { ovh, ctx };
  };
  const exported = (ovh: FakeDnsOvh) => parseZoneExport(ovh.exportText("contoso.com") ?? "", "contoso.com");

  it("is not trusted when it holds fewer records than the id listing: a record added on Microsoft's name is still in the way", async () => {
    const { ovh, ctx } = stale();
    const added = ovh.addRecord("contoso.com", {
      fieldType: "CNAME",
      subDomain: "autodiscover",
      target: "mailconfig.ovh.net.",
      ttl: 0,
    });
    expect(exported(ovh)?.some((r) => r.subDomain === "autodiscover")).toBe(false); // invisible to the export
    const result = await handler.check(services, ctx);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.reason).toContain("CNAME autodiscover.contoso.com → mailconfig.ovh.net.");
    // 2 exported records, 3 listed ids: the listing path, from the listing already read (one listing call),
    // then one GET per id (a small zone), the added record among them.
    expect(ovh.calls).toEqual([
      "GET /saas/csp2/csp2-1",
      "GET /domain/zone/contoso.com",
      "GET /domain/contoso.com",
      "GET /domain/zone/contoso.com/export",
      "GET /domain/zone/contoso.com/record",
      ...ovh.records("contoso.com").map((r) => `GET /domain/zone/contoso.com/record/${r.id}`),
    ]);
    expect(ovh.calls).toContain(`GET /domain/zone/contoso.com/record/${added.id}`);
    await expect(handler.create(await checked(services), ctx)).rejects.toThrow(
      /records in the way[\s\S]*mailconfig\.ovh\.net/,
    );
    expect(ovh.writes).toEqual([]);
  });

  it("an identical record added but not refreshed is adopted exactly as the listing path adopts it, not duplicated", async () => {
    const outcome = async (ovh: FakeDnsOvh) => {
      const added = ovh.addRecord("contoso.com", {
        fieldType: "CNAME",
        subDomain: "autodiscover",
        target: "autodiscover.outlook.com.",
        ttl: 300,
      });
      const { outs } = await handler.create(await checked(services), { ovh, log: quiet });
      return {
        records: outs.records.map(
          (r) => `${r.role} ${r.origin} ${r.ttl} ${r.id === added.id ? "added" : ""}`,
        ),
        autodiscover: ovh.records("contoso.com").filter((r) => r.subDomain === "autodiscover").length,
      };
    };
    const fromStaleExport = await outcome(stale().ovh);
    expect(fromStaleExport).toEqual(await outcome(setupZones(false).ovh)); // export refused: the listing path
    expect(fromStaleExport).toEqual({
      records: ["mx created 3600 ", "autodiscover adopted 300 added", "spf created 3600 "],
      autodiscover: 1,
    });
  });

  it("refresh needs no such guard: the listing tells which of ours exist, a foreign addition changes none of them", async () => {
    const { ovh, ctx } = stale();
    const inputs = await checked({ ...services, verificationTxt: "MS=ms42" });
    const { id, outs } = await handler.create(inputs, ctx); // refreshed: the export shows our records
    ovh.addRecord("contoso.com", { fieldType: "TXT", subDomain: "", target: "other=1", ttl: 0 });
    const mx = outs.records.find((r) => r.role === "mx")!;
    ovh.zones.set(
      "contoso.com",
      ovh.records("contoso.com").filter((r) => r.id !== mx.id),
    );
    expect(exported(ovh)?.filter((r) => r.type === "TXT")).toHaveLength(2); // neither change exported
    expect(exported(ovh)?.some((r) => r.type === "MX")).toBe(true);
    ovh.calls.length = 0;
    const read = await handler.read(id, outs, ctx);
    expect(ovh.calls).toEqual(["GET /domain/zone/contoso.com/export", "GET /domain/zone/contoso.com/record"]);
    expect(read.props?.records).toEqual(outs.records.filter((r) => r.id !== mx.id));
  });
});

describe("zone export parsing", () => {
  it("reads OVH's export: blank owner for the apex, optional TTL, SPF exported as TXT", () => {
    const text = [
      "$TTL 3600",
      "@\tIN SOA dns1.ovh.net. tech.ovh.net. (2026010100 86400 3600 3600000 300)",
      "\t\tIN NS\tdns1.ovh.net.",
      "\t600\tIN MX\t10 mx1.mail.ovh.net.",
      '\t\tIN TXT\t"v=spf1 include:mx.ovh.com ~all"',
      "autodiscover\t\tIN CNAME\tmailconfig.ovh.net.",
      "_sip._tls\t3600\tIN SRV\t100 1 443 sipdir.online.lync.com.",
    ].join("\n");
    expect(parseZoneExport(text, "contoso.com")).toEqual([
      { subDomain: "", type: "NS", ttl: undefined, target: "dns1.ovh.net." },
      { subDomain: "", type: "MX", ttl: 600, target: "10 mx1.mail.ovh.net." },
      { subDomain: "", type: "TXT", ttl: undefined, target: '"v=spf1 include:mx.ovh.com ~all"' },
      { subDomain: "autodiscover", type: "CNAME", ttl: undefined, target: "mailconfig.ovh.net." },
      { subDomain: "_sip._tls", type: "SRV", ttl: 3600, target: "100 1 443 sipdir.online.lync.com." },
    ]);
  });

  it("handles $ORIGIN, absolute names, comments, multi-line records, TTL units and quoted semicolons", () => {
    const text = [
      "$ORIGIN Contoso.com.",
      "contoso.com. 1h IN SOA dns1.ovh.net. tech.ovh.net. (",
      "  2026010100 ; serial",
      "  86400 3600 3600000 300 )",
      '@ IN TXT "a;b" "c" ; a comment',
      "WWW.contoso.com. 300 IN A 192.0.2.1",
      "$ORIGIN sub.contoso.com.",
      "mail IN 2m A 192.0.2.2",
    ].join("\n");
    expect(parseZoneExport(text, "contoso.com")).toEqual([
      { subDomain: "", type: "TXT", ttl: undefined, target: '"a;b" "c"' },
      { subDomain: "www", type: "A", ttl: 300, target: "192.0.2.1" },
      { subDomain: "mail.sub", type: "A", ttl: 120, target: "192.0.2.2" },
    ]);
  });

  it("gives up rather than guess: unknown directives, names outside the zone, unbalanced text", () => {
    expect(parseZoneExport("$INCLUDE other.zone\n", "contoso.com")).toBeUndefined();
    expect(parseZoneExport("www.fabrikam.com. IN A 192.0.2.1\n", "contoso.com")).toBeUndefined();
    expect(parseZoneExport('@ IN TXT "unterminated\n', "contoso.com")).toBeUndefined();
    expect(parseZoneExport("@ IN SOA a. b. ( 1 2 3\n", "contoso.com")).toBeUndefined();
    expect(parseZoneExport("\tIN A 192.0.2.1\n", "contoso.com")).toBeUndefined(); // no owner yet
  });
});

describe("diff", () => {
  const outs = () => ({
    tenant: "t",
    domain: "contoso.com",
    zone: "contoso.com",
    services: ["exchange" as const],
    exchangeMxTarget: "contoso-com.mail.protection.outlook.com",
    ttl: 3600,
    method: "records" as const,
    takeOverConflicts: false,
    records: [],
    takenOver: [],
  });

  it("replaces on tenant, domain, zone and method; updates the rest; unknown means change", async () => {
    const news = await checked({ tenant: "t", domain: "contoso.com", services: ["exchange"] });
    expect(handler.diff("x", outs(), { ...news, tenant: "u" })).toMatchObject({
      changes: true,
      replaces: ["tenant"],
    });
    expect(handler.diff("x", outs(), { ...news, method: "configureDomain" })).toMatchObject({
      replaces: ["method"],
    });
    expect(handler.diff("x", outs(), { ...news, services: ["teams"] })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(handler.diff("x", outs(), { ...news, ttl: UNKNOWN as unknown as number })).toMatchObject({
      changes: true,
      changedKeys: ["ttl"],
    });
    // Unknown in preview: a possible change, not a replacement (pulumi up diffs again with the real value).
    expect(handler.diff("x", outs(), { ...news, domain: UNKNOWN })).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["domain"],
    });
  });
});

describe("method configureDomain", () => {
  it("calls the legacy API with the mapped services and records what it wrote", async () => {
    const { ovh, ctx } = setup();
    ovh.legacy = true;
    const inputs = await checked({
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange", "intune"],
      method: "configureDomain",
    });
    const { id, outs } = await handler.create(inputs, ctx);
    expect(ovh.calls).toContain("POST /saas/csp2/csp2-1/configureDomain");
    expect(outs.records.map((r) => [r.role, r.origin])).toEqual([
      ["mx", "created"],
      ["autodiscover", "created"],
      ["spf", "created"],
      ["enterpriseRegistration", "created"],
      ["enterpriseEnrollment", "created"],
    ]);
    await handler.delete(id, outs, ctx);
    expect(ovh.records("contoso.com").map((r) => r.fieldType)).toEqual(["NS", "A"]);
  });

  it("update deletes dropped services' records and configures only the added services", async () => {
    const { ovh, ctx } = setup();
    ovh.legacy = true;
    const v1 = await checked({
      tenant: "csp2-1",
      domain: "contoso.com",
      services: ["exchange", "intune"],
      method: "configureDomain",
    });
    const { id, outs } = await handler.create(v1, ctx);
    const v2 = { ...v1, services: ["exchange" as const, "teams" as const] };
    ovh.calls.length = 0;
    const requests: unknown[] = [];
    const original = ovh.request.bind(ovh);
    ovh.request = async (req) => {
      if (req.path.endsWith("/configureDomain")) requests.push(req.body);
      return original(req);
    };
    const out2 = await handler.update(id, outs, v2, ctx);
    expect(requests).toEqual([{ domain: "contoso.com", supportedServices: ["OfficeCommunicationsOnline"] }]);
    expect(ovh.writes.filter((c) => c.startsWith("DELETE"))).toHaveLength(2);
    expect(out2.records.map((r) => r.role)).toEqual([
      "mx",
      "autodiscover",
      "spf",
      "sip",
      "lyncdiscover",
      "sipTls",
      "sipFederation",
    ]);
    expect(handler.diff(id, out2, v2).changes).toBe(false);
  });

  it("explains that the API is gone and points to method records", async () => {
    const { ovh, ctx } = setup();
    const inputs = await checked({ tenant: "csp2-1", domain: "contoso.com", method: "configureDomain" });
    await expect(handler.create(inputs, ctx)).rejects.toThrow(
      /no longer offers configureDomain[\s\S]*method: "records"/,
    );
    expect(ovh.writes).toEqual(["POST /saas/csp2/csp2-1/configureDomain"]);
  });
});
