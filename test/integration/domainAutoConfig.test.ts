/**
 * DomainAutoConfig against the real sandbox over HTTP, with the provider's real client.
 * Seed: contoso-demo.fr (clean zone), fabrikam-demo.com (OVH mail records in the way), northwind-demo.net
 * (registered at OVH, external DNS, no zone).
 */
import {
  domainAutoConfigHandler as handler,
  type DomainAutoConfigInputs,
  type DomainAutoConfigOutputs,
} from "../../provider/resources/domainAutoConfig";
import { exportZone, listRecords } from "../../provider/api/dnsZone";
import type { OvhRequest, OvhRequester } from "../../provider/ovh/request";
import { parseZoneExport } from "../../provider/resources/domainAutoConfig/zoneExport";
import { seededTenants, startTestSandbox, type TestSandbox } from "./support";

interface Rec {
  id: number;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
}

/**
 * What the zone really holds: the sandbox's own state (over its control API), so the check is independent of
 * the fidelity switches (nullFields answers `subDomain: null` through OVH's API) and adds no OVH call to the log.
 */
async function zoneRecords(env: TestSandbox, zone: string): Promise<Rec[]> {
  const { state } = await env.control.state();
  const slice = state["domain"] as { zones: Record<string, { records: Rec[] }> };
  return structuredClone(slice.zones[zone]?.records ?? []);
}

/** `"GET /domain/zone/x/export"` lines of every OVH call since the last clear (the OAuth2 token request aside). */
async function callLines(env: TestSandbox): Promise<string[]> {
  return (await env.control.calls())
    .filter((c) => !c.path.startsWith("/auth"))
    .map((c) => `${c.method} ${c.path}`);
}

const line = (r: Pick<Rec, "fieldType" | "subDomain" | "target">) =>
  `${r.fieldType} ${r.subDomain} ${r.target}`;

/**
 * The client with an export that leaves out the lines `hide` picks, as OVH would if it exported only the zone as
 * last refreshed (records added since then missing). Every other call goes to the sandbox unchanged.
 */
function withStaleExport(ovh: OvhRequester, hide: (line: string) => boolean): OvhRequester {
  return {
    async request<T = unknown>(req: OvhRequest): Promise<T> {
      const answer = await ovh.request<T>(req);
      if (req.method !== "GET" || !req.path.endsWith("/export") || typeof answer !== "string") return answer;
      return answer
        .split("\n")
        .filter((l) => !hide(l))
        .join("\n") as T;
    },
  };
}

async function checked(env: TestSandbox, raw: Record<string, unknown>): Promise<DomainAutoConfigInputs> {
  const result = await handler.check(raw, env.ctx);
  expect(result.failures).toEqual([]);
  return result.inputs as DomainAutoConfigInputs;
}

describe("DomainAutoConfig on the sandbox", () => {
  let env: TestSandbox;
  let tenant: string;

  beforeAll(async () => {
    env = await startTestSandbox();
    tenant = (await seededTenants(env.control))["Contoso Ltd"] ?? "csp2-100001";
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    await env.control.clearFaults();
    await env.control.clearCalls();
  });

  it("inputs unchanged since the last run: check makes no OVH call", async () => {
    const raw = { tenant, domain: "contoso-demo.fr" };
    const previous = await checked(env, raw);
    await env.control.clearCalls();
    const again = await handler.check(raw, env.ctx, { ...previous });
    expect(again).toEqual({ inputs: previous, failures: [] });
    expect(await env.control.calls()).toEqual([]);
  });

  it("preview refuses a domain whose DNS is not at OVH, with read-only calls", async () => {
    const result = await handler.check({ tenant, domain: "northwind-demo.net" }, env.ctx);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.property).toBe("domain");
    expect(result.failures[0]?.reason).toMatch(
      /DNS of northwind-demo\.net is not at OVH.*external name servers \(ada\.ns\.cloudflare\.com, bob\.ns\.cloudflare\.com\).*no DNS zone/s,
    );
    expect(await env.control.mutatingCalls()).toEqual([]);
  });

  it("preview lists the conflicts of fabrikam-demo.com, with read-only calls", async () => {
    const result = await handler.check(
      { tenant, domain: "fabrikam-demo.com", services: ["exchange"] },
      env.ctx,
    );
    expect(result.failures).toHaveLength(1);
    const reason = result.failures[0]?.reason ?? "";
    expect(reason).toContain("MX fabrikam-demo.com → 10 mx1.mail.ovh.net.");
    expect(reason).toContain("TXT fabrikam-demo.com → v=spf1 include:mx.ovh.com ~all");
    expect(reason).toContain("CNAME autodiscover.fabrikam-demo.com → mailconfig.ovh.net.");
    expect(reason).not.toContain("_autodiscover._tcp"); // not in Microsoft's way
    expect(await env.control.mutatingCalls()).toEqual([]);
  });

  it("preview refuses an unknown tenant", async () => {
    const result = await handler.check({ tenant: "csp2-999999", domain: "contoso-demo.fr" }, env.ctx);
    expect(result.failures.map((f) => f.property)).toEqual(["tenant"]);
  });

  it("the export holds exactly as many records as the id listing (SOA aside), so planning trusts it", async () => {
    for (const zone of ["contoso-demo.fr", "fabrikam-demo.com"]) {
      const exported = parseZoneExport(await exportZone(env.client, zone), zone);
      const ids = await listRecords(env.client, zone);
      expect(exported).toHaveLength(ids.length);
      expect(ids).toHaveLength((await zoneRecords(env, zone)).length);
    }
  });

  describe("on the clean zone contoso-demo.fr", () => {
    let inputs: DomainAutoConfigInputs;
    let outs: DomainAutoConfigOutputs;
    let id: string;
    let seeded: string[];

    it("create writes exactly the expected records and refreshes once, reading no record one by one", async () => {
      seeded = (await zoneRecords(env, "contoso-demo.fr")).map(line);
      // One `pulumi up` process: a new client, so nothing is known from the tests above.
      const run = env.newContext().ctx;
      await env.control.clearCalls();
      const result = await handler.check(
        { tenant, domain: "contoso-demo.fr", verificationTxt: "MS=ms12345678" },
        run,
      );
      expect(result.failures).toEqual([]);
      inputs = result.inputs!;
      // check: tenant, zone, domain delegation, the zone export and the id listing (the export accounts for
      // every listed id, so it is trusted: nothing on Microsoft's names)
      expect((await callLines(env)).sort()).toEqual(
        [
          `GET /saas/csp2/${tenant}`,
          "GET /domain/zone/contoso-demo.fr",
          "GET /domain/contoso-demo.fr",
          "GET /domain/zone/contoso-demo.fr/export",
          "GET /domain/zone/contoso-demo.fr/record",
        ].sort(),
      );
      await env.control.clearCalls();
      ({ id, outs } = await handler.create(inputs, run));
      expect(id).toBe(`${tenant}/contoso-demo.fr`);
      // create: the preconditions were read by check in this run; a fresh export and id listing under the zone
      // lock (in parallel: either order), the POSTs (their answers carry the records: no read-back), one refresh
      const created = await callLines(env);
      expect(created.slice(0, 2).sort()).toEqual([
        "GET /domain/zone/contoso-demo.fr/export",
        "GET /domain/zone/contoso-demo.fr/record",
      ]);
      expect(created.slice(2)).toEqual([
        ...Array(8).fill("POST /domain/zone/contoso-demo.fr/record"),
        "POST /domain/zone/contoso-demo.fr/refresh",
      ]);
      const live = (await zoneRecords(env, "contoso-demo.fr")).map(line);
      expect(live.filter((l) => !seeded.includes(l)).sort()).toEqual(
        [
          'TXT  "MS=ms12345678"',
          "MX  0 contoso-demo-fr.mail.protection.outlook.com.",
          "CNAME autodiscover autodiscover.outlook.com.",
          'TXT  "v=spf1 include:spf.protection.outlook.com -all"',
          "CNAME sip sipdir.online.lync.com.",
          "CNAME lyncdiscover webdir.online.lync.com.",
          "SRV _sip._tls 100 1 443 sipdir.online.lync.com.",
          "SRV _sipfederationtls._tcp 100 1 5061 sipfed.online.lync.com.",
        ].sort(),
      );
      expect(live.some((l) => l.includes("msoid"))).toBe(false);
      const status = await env.client.request<{ isDeployed: boolean }>({
        method: "GET",
        path: "/domain/zone/contoso-demo.fr/status",
      });
      expect(status.isDeployed).toBe(true);
      expect(handler.diff(id, outs, inputs).changes).toBe(false);
    });

    it("refresh of unchanged records costs the zone export and the id listing", async () => {
      await env.control.clearCalls();
      const read = await handler.read(id, outs, env.ctx);
      expect((await callLines(env)).sort()).toEqual([
        "GET /domain/zone/contoso-demo.fr/export",
        "GET /domain/zone/contoso-demo.fr/record",
      ]);
      expect(read.props?.records).toEqual(outs.records);
      expect(handler.diff(id, read.props!, inputs).changes).toBe(false);
    });

    it("read detects an out-of-band deletion and edit; the diff reports drift; update repairs only that", async () => {
      const sip = outs.records.find((r) => r.role === "sip")!;
      const mx = outs.records.find((r) => r.role === "mx")!;
      await env.client.request({ method: "DELETE", path: `/domain/zone/contoso-demo.fr/record/${sip.id}` });
      await env.client.request({
        method: "PUT",
        path: `/domain/zone/contoso-demo.fr/record/${mx.id}`,
        body: { target: "5 mx.elsewhere.example." },
      });
      await env.control.clearCalls();
      const read = await handler.read(id, outs, env.ctx);
      // the deleted record is missing from the id listing; only the edited one is read by id
      expect((await callLines(env)).sort()).toEqual(
        [
          "GET /domain/zone/contoso-demo.fr/export",
          "GET /domain/zone/contoso-demo.fr/record",
          `GET /domain/zone/contoso-demo.fr/record/${mx.id}`,
        ].sort(),
      );
      expect(read.props?.records.some((r) => r.role === "sip")).toBe(false);
      expect(read.props?.records.find((r) => r.role === "mx")?.target).toBe("5 mx.elsewhere.example.");
      expect(handler.diff(id, read.props!, inputs)).toMatchObject({ changes: true, replaces: [] });

      await env.control.clearCalls();
      outs = await handler.update(id, read.props!, inputs, env.ctx);
      expect(await env.control.mutatingCallLines()).toEqual([
        `PUT /domain/zone/contoso-demo.fr/record/${mx.id}`,
        "POST /domain/zone/contoso-demo.fr/record",
        "POST /domain/zone/contoso-demo.fr/refresh",
      ]);
      expect(handler.diff(id, outs, inputs).changes).toBe(false);
    });

    it("update adds and removes only the difference", async () => {
      const next = await checked(env, {
        tenant,
        domain: "contoso-demo.fr",
        services: ["exchange", "intune"],
        verificationTxt: "MS=ms12345678",
      });
      expect(handler.diff(id, outs, next)).toMatchObject({
        changes: true,
        replaces: [],
        changedKeys: ["services"],
      });
      await env.control.clearCalls();
      outs = await handler.update(id, outs, next, env.ctx);
      const writes = await env.control.mutatingCallLines();
      expect(writes.filter((w) => w.startsWith("DELETE"))).toHaveLength(4);
      expect(writes.filter((w) => w === "POST /domain/zone/contoso-demo.fr/record")).toHaveLength(2);
      expect(writes.filter((w) => w.startsWith("PUT"))).toHaveLength(0);
      expect(writes.filter((w) => w.endsWith("/refresh"))).toHaveLength(1);
      inputs = next;

      // TTL only: one PUT per managed record, nothing created or deleted
      const ttl = { ...inputs, ttl: 600 };
      await env.control.clearCalls();
      outs = await handler.update(id, outs, ttl, env.ctx);
      const ttlWrites = await env.control.mutatingCallLines();
      expect(ttlWrites.filter((w) => w.startsWith("PUT"))).toHaveLength(outs.records.length);
      expect(ttlWrites.filter((w) => !w.startsWith("PUT"))).toEqual([
        "POST /domain/zone/contoso-demo.fr/refresh",
      ]);
      inputs = ttl;
    });

    it("import by id infers inputs that reproduce the live records, without writing", async () => {
      await env.control.clearCalls();
      const imported = await handler.read(id, undefined, env.ctx);
      expect(await env.control.mutatingCalls()).toEqual([]);
      expect(imported.inputs).toEqual(inputs);
      expect(handler.diff(id, imported.props!, inputs).changes).toBe(false);
    });

    it("delete removes exactly its records and leaves the others", async () => {
      const other = await env.client.request<Rec>({
        method: "POST",
        path: "/domain/zone/contoso-demo.fr/record",
        body: { fieldType: "TXT", subDomain: "", target: "google-site-verification=xyz", ttl: 0 },
      });
      await env.control.clearCalls();
      await handler.delete(id, outs, env.ctx);
      // export and id listing; the two apex TXT records of ours share their name and type with the new one, so
      // they are read by id before deleting; then one DELETE per record and one refresh
      const apexTxt = outs.records.filter((r) => r.fieldType === "TXT" && r.subDomain === "");
      expect(apexTxt).toHaveLength(2);
      expect((await env.control.calls({ method: "GET" })).map((c) => `GET ${c.path}`).sort()).toEqual(
        [
          "GET /domain/zone/contoso-demo.fr/export",
          "GET /domain/zone/contoso-demo.fr/record",
          ...apexTxt.map((r) => `GET /domain/zone/contoso-demo.fr/record/${r.id}`),
        ].sort(),
      );
      expect(await env.control.calls()).toHaveLength(2 + apexTxt.length + outs.records.length + 1);
      const writes = await env.control.mutatingCallLines();
      expect(writes.filter((w) => w.startsWith("DELETE")).sort()).toEqual(
        outs.records.map((r) => `DELETE /domain/zone/contoso-demo.fr/record/${r.id}`).sort(),
      );
      expect(writes.filter((w) => w.endsWith("/refresh"))).toHaveLength(1);
      const live = (await zoneRecords(env, "contoso-demo.fr")).map(line);
      expect(live.sort()).toEqual([...seeded, line({ ...other, subDomain: "" })].sort()); // apex, as sent
      await env.client.request({ method: "DELETE", path: `/domain/zone/contoso-demo.fr/record/${other.id}` });
    });
  });

  it("handles OVH's id 0 answer by finding the created records", async () => {
    await env.control.request("PUT", "/dns/recordIdZeroBug", { enabled: true });
    try {
      const inputs = await checked(env, { tenant, domain: "contoso-demo.fr", services: ["teams"] });
      const { id, outs } = await handler.create(inputs, env.ctx);
      const live = await zoneRecords(env, "contoso-demo.fr");
      for (const r of outs.records) {
        expect(r.id).toBeGreaterThan(0);
        expect(live.find((l) => l.id === r.id)?.subDomain).toBe(r.subDomain);
      }
      expect(new Set(outs.records.map((r) => r.id)).size).toBe(4);
      await env.control.request("PUT", "/dns/recordIdZeroBug", { enabled: false });
      await handler.delete(id, outs, env.ctx);
    } finally {
      await env.control.request("PUT", "/dns/recordIdZeroBug", { enabled: false });
    }
  });

  it("a stale export (a record added, not yet refreshed, left out) is not trusted: the plan still sees the record", async () => {
    const zone = "contoso-demo.fr";
    const added = await env.client.request<Rec>({
      method: "POST",
      path: `/domain/zone/${zone}/record`,
      body: { fieldType: "CNAME", subDomain: "autodiscover", target: "mailconfig.ovh.net.", ttl: 0 },
    });
    try {
      const { ctx } = env.newContext();
      const stale = { ...ctx, ovh: withStaleExport(ctx.ovh, (l) => l.startsWith("autodiscover\t")) };
      const raw = { tenant, domain: zone, services: ["exchange"] };
      const listed = await listRecords(env.client, zone);
      const exported = parseZoneExport(await exportZone(stale.ovh, zone), zone);
      expect(exported).toHaveLength(listed.length - 1); // the export misses the added record
      await env.control.clearCalls();
      const result = await handler.check(raw, stale);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]?.reason).toContain(`CNAME autodiscover.${zone} → mailconfig.ovh.net.`);
      // export and id listing disagree: the listing path, from the unfiltered listing already read (once); here
      // (5 records, 4 names and types to look at) a filtered list per name and type, then the added record by id
      const calls = (await env.control.calls()).map(
        (c) => `${c.method} ${c.path}${c.query ? `?${c.query}` : ""}`,
      );
      expect(calls.filter((c) => c === `GET /domain/zone/${zone}/export`)).toHaveLength(1);
      expect(calls.filter((c) => c === `GET /domain/zone/${zone}/record`)).toHaveLength(1);
      expect(calls.filter((c) => c.startsWith(`GET /domain/zone/${zone}/record/`))).toEqual([
        `GET /domain/zone/${zone}/record/${added.id}`,
      ]);
      expect(listed).toContain(added.id);
      const inputs = (await handler.check(raw, undefined)).inputs!; // no remote checks
      await env.control.clearCalls();
      await expect(handler.create(inputs, stale)).rejects.toThrow(
        /records in the way[\s\S]*mailconfig\.ovh\.net/,
      );
      expect(await env.control.mutatingCalls()).toEqual([]);
    } finally {
      await env.client.request({ method: "DELETE", path: `/domain/zone/${zone}/record/${added.id}` });
    }
  });

  it("takes over the conflicting zone, merges SPF, and restores it all on delete", async () => {
    const before = (await zoneRecords(env, "fabrikam-demo.com")).map(line).sort();
    const inputs = await checked(env, {
      tenant,
      domain: "fabrikam-demo.com",
      services: ["exchange", "teams"],
      takeOverConflicts: true,
    });
    await env.control.clearCalls();
    const { id, outs } = await handler.create(inputs, env.ctx);
    expect((await env.control.mutatingCallLines()).filter((w) => w.endsWith("/refresh"))).toHaveLength(1);
    const live = await zoneRecords(env, "fabrikam-demo.com");
    expect(live.filter((r) => r.fieldType === "MX").map((r) => r.target)).toEqual([
      "0 fabrikam-demo-com.mail.protection.outlook.com.",
    ]);
    const spf = live.filter((r) => r.fieldType === "TXT" && r.target.includes("v=spf1"));
    expect(spf.map((r) => r.target)).toEqual([
      '"v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all"',
    ]);
    expect(live.filter((r) => r.subDomain === "autodiscover").map((r) => r.target)).toEqual([
      "autodiscover.outlook.com.",
    ]);
    expect(live.some((r) => r.subDomain === "_autodiscover._tcp")).toBe(true); // not in the way: untouched
    expect(outs.takenOver.map((t) => `${t.action} ${line(t)}`).sort()).toEqual(
      [
        "removed MX  10 mx1.mail.ovh.net.",
        "removed CNAME autodiscover mailconfig.ovh.net.",
        'modified TXT  "v=spf1 include:mx.ovh.com ~all"',
      ].sort(),
    );

    await handler.delete(id, outs, env.ctx);
    expect((await zoneRecords(env, "fabrikam-demo.com")).map(line).sort()).toEqual(before);
  });

  it("with OVH's null fields (subDomain: null, ttl: null in every record answer): create, refresh, repair, delete", async () => {
    const nulls = await startTestSandbox({ fidelity: { nullFields: true } });
    try {
      const t = (await seededTenants(nulls.control))["Contoso Ltd"] ?? "csp2-100001";
      const zone = "contoso-demo.fr";
      const valueLine = (r: Pick<Rec, "fieldType" | "target">) => `${r.fieldType} ${r.target}`;
      const before = (await zoneRecords(nulls, zone)).map(valueLine).sort();
      const answered = await nulls.client.request<Rec>({
        method: "GET",
        path: `/domain/zone/${zone}/record/${(await zoneRecords(nulls, zone))[0]!.id}`,
      });
      expect(answered).toMatchObject({ subDomain: null, ttl: null }); // the switch is on
      const result = await handler.check(
        { tenant: t, domain: zone, verificationTxt: "MS=ms12345678" },
        nulls.ctx,
      );
      expect(result.failures).toEqual([]);
      const inputs = result.inputs!;
      const { id, outs } = await handler.create(inputs, nulls.ctx);
      expect(outs.records.map((r) => `${r.role} ${r.subDomain} ${r.ttl}`)).toEqual([
        "verification  3600",
        "mx  3600",
        "autodiscover autodiscover 3600",
        "spf  3600",
        "sip sip 3600",
        "lyncdiscover lyncdiscover 3600",
        "sipTls _sip._tls 3600",
        "sipFederation _sipfederationtls._tcp 3600",
      ]);
      expect(handler.diff(id, outs, inputs).changes).toBe(false);
      const read = await handler.read(id, outs, nulls.ctx);
      expect(read.props?.records).toEqual(outs.records);

      await nulls.control.clearCalls();
      const same = await handler.update(id, outs, inputs, nulls.ctx);
      expect(await nulls.control.mutatingCalls()).toEqual([]);
      expect(same.records).toEqual(outs.records);

      const sip = outs.records.find((r) => r.role === "sip")!;
      await nulls.client.request({
        method: "PUT",
        path: `/domain/zone/${zone}/record/${sip.id}`,
        body: { target: "sip.elsewhere.example." },
      });
      const drifted = await handler.read(id, outs, nulls.ctx);
      expect(drifted.props?.records.find((r) => r.role === "sip")).toMatchObject({
        subDomain: "sip",
        target: "sip.elsewhere.example.",
      });
      expect(handler.diff(id, drifted.props!, inputs)).toMatchObject({ changes: true, replaces: [] });
      await nulls.control.clearCalls();
      const repaired = await handler.update(id, drifted.props!, inputs, nulls.ctx);
      expect(await nulls.control.mutatingCallLines()).toEqual([
        `PUT /domain/zone/${zone}/record/${sip.id}`,
        `POST /domain/zone/${zone}/refresh`,
      ]);

      await handler.delete(id, repaired, nulls.ctx);
      expect((await zoneRecords(nulls, zone)).map(valueLine).sort()).toEqual(before);
    } finally {
      await nulls.stop();
    }
  });

  describe("method configureDomain", () => {
    it("without --legacy fails clearly and points to method records", async () => {
      const inputs = await checked(env, { tenant, domain: "contoso-demo.fr", method: "configureDomain" });
      await env.control.clearCalls();
      await expect(handler.create(inputs, env.ctx)).rejects.toThrow(
        /configureDomain[\s\S]*(X-Ovh-QueryID|HTTP 404)[\s\S]*method: "records"/,
      );
      expect(await env.control.mutatingCallLines()).toEqual([`POST /saas/csp2/${tenant}/configureDomain`]);
    });

    it("with --legacy follows the task and records what OVH wrote; delete removes the set", async () => {
      const legacy = await startTestSandbox({ legacy: true });
      try {
        const t = (await seededTenants(legacy.control))["Contoso Ltd"] ?? "csp2-100001";
        const result = await handler.check(
          {
            tenant: t,
            domain: "contoso-demo.fr",
            services: ["exchange", "intune"],
            method: "configureDomain",
          },
          legacy.ctx,
        );
        expect(result.failures).toEqual([]);
        const inputs = result.inputs!;
        const before = (await zoneRecords(legacy, "contoso-demo.fr")).map(line).sort();
        await legacy.control.clearCalls();
        const { id, outs } = await handler.create(inputs, legacy.ctx);
        const calls = await legacy.control.calls();
        expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
          `/saas/csp2/${t}/configureDomain`,
          "/domain/zone/contoso-demo.fr/refresh",
        ]);
        const configurations = await legacy.control.request<{ supportedServices: string[] }[]>(
          "GET",
          "/csp2/domain-configurations",
        );
        expect(configurations.at(-1)?.supportedServices).toEqual(["Email", "Intune"]);
        expect(outs.records.map((r) => r.role)).toEqual([
          "mx",
          "autodiscover",
          "spf",
          "enterpriseRegistration",
          "enterpriseEnrollment",
        ]);
        expect(handler.diff(id, outs, inputs).changes).toBe(false);
        await handler.delete(id, outs, legacy.ctx);
        expect((await zoneRecords(legacy, "contoso-demo.fr")).map(line).sort()).toEqual(
          before.filter((l) => !outs.records.some((r) => line(r) === l)),
        );
      } finally {
        await legacy.stop();
      }
    });
  });
});
