import {
  domainAutoConfigHandler as handler,
  type DomainAutoConfigInputs,
} from "../../../provider/resources/domainAutoConfig";
import type { ResourceContext } from "../../../provider/resources/types";
import { UNKNOWN } from "../../../provider/resources/unknown";
import { FakeDnsOvh } from "./domainFakeZone";

const quiet = { info: () => undefined, warn: () => undefined };

function setup() {
  const ovh = new FakeDnsOvh()
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

describe("create / read / update / delete", () => {
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
    // small zone: one unfiltered list, one GET per record, 3 precondition GETs
    expect(ovh.calls.filter((c) => c.startsWith("GET"))).toHaveLength(3 + 1 + 2);
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
