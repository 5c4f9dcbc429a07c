/** `/domain` and `/domain/zone` of the sandbox over HTTP. */
import { checkRecord, quoteTarget } from "../../sandbox/areas/domain";
import { TestSandbox, openSandbox } from "./areaClient";

interface ZoneRecord {
  id: number;
  fieldType: string;
  subDomain: string;
  target: string;
  ttl: number;
  zone: string;
}

describe("dns pure rules", () => {
  it("quotes TXT targets once and validates targets and TTLs", () => {
    expect(quoteTarget("TXT", "v=spf1 -all")).toBe('"v=spf1 -all"');
    expect(quoteTarget("TXT", '"already"')).toBe('"already"');
    expect(quoteTarget("MX", "10 mx.example.")).toBe("10 mx.example.");
    expect(() => checkRecord("A", "", "not-an-ip", 0)).toThrow(/IPv4/);
    expect(() => checkRecord("MX", "", "mx.example.", 0)).toThrow(/priority/);
    expect(() => checkRecord("CNAME", "www", "x.example.", 30)).toThrow(/TTL/);
    expect(checkRecord("SRV", "_sip._tls", "100 1 443 sipdir.online.lync.com.", 3600)).toBe(
      "100 1 443 sipdir.online.lync.com.",
    );
  });
});

describe("sandbox DNS zones and domains over HTTP", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await openSandbox();
  });
  afterAll(async () => {
    await t.stop();
  });

  const records = async (zone: string, query = ""): Promise<ZoneRecord[]> => {
    const ids = await t.call<number[]>("GET", `/domain/zone/${zone}/record${query}`);
    expect(ids.status).toBe(200);
    return Promise.all(
      ids.body.map(async (id) => (await t.call<ZoneRecord>("GET", `/domain/zone/${zone}/record/${id}`)).body),
    );
  };

  it("seeds the demo zones and domains", async () => {
    expect((await t.call("GET", "/domain/zone")).body).toEqual(["contoso-demo.fr", "fabrikam-demo.com"]);
    expect((await t.call("GET", "/domain")).body).toEqual([
      "contoso-demo.fr",
      "fabrikam-demo.com",
      "northwind-demo.net",
    ]);
    const zone = await t.call<{ name: string; nameServers: string[] }>("GET", "/domain/zone/contoso-demo.fr");
    expect(zone.body.nameServers).toEqual(["dns19.ovh.net", "ns19.ovh.net"]);
    const contoso = await t.call<{ nameServerType: string; nameServers: { nameServer: string }[] }>(
      "GET",
      "/domain/contoso-demo.fr",
    );
    expect(contoso.body.nameServerType).toBe("hosted");
    expect(contoso.body.nameServers.map((n) => n.nameServer)).toEqual(["dns19.ovh.net", "ns19.ovh.net"]);
    const northwind = await t.call<{ nameServerType: string }>("GET", "/domain/northwind-demo.net");
    expect(northwind.body.nameServerType).toBe("external");
    expect((await t.call("GET", "/domain/zone/northwind-demo.net")).status).toBe(404);
    const nsIds = await t.call<number[]>("GET", "/domain/northwind-demo.net/nameServer");
    const ns = await t.call<{ host: string }>(
      "GET",
      `/domain/northwind-demo.net/nameServer/${nsIds.body[0]}`,
    );
    expect(ns.body.host).toMatch(/cloudflare/);
    // the zones and domains are services too
    const services = await t.call<number[]>("GET", "/services?resourceName=fabrikam-demo.com");
    expect(services.body).toHaveLength(2);
  });

  it("holds the records that conflict with Microsoft 365 in fabrikam-demo.com, filtered by type and name", async () => {
    const mx = await records("fabrikam-demo.com", "?fieldType=MX&subDomain=");
    expect(mx.map((r) => r.target)).toEqual(["10 mx1.mail.ovh.net."]);
    const txt = await records("fabrikam-demo.com", "?fieldType=TXT");
    expect(txt.map((r) => r.target)).toEqual(['"v=spf1 include:mx.ovh.com ~all"']);
    const autodiscover = await records("fabrikam-demo.com", "?subDomain=autodiscover");
    expect(autodiscover.map((r) => `${r.fieldType} ${r.target}`)).toEqual(["CNAME mailconfig.ovh.net."]);
    const bad = await t.call<{ message: string }>(
      "GET",
      "/domain/zone/fabrikam-demo.com/record?fieldType=BOGUS",
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/domain\.zone\.RecordTypeEnum/);
  });

  it("creates, updates and deletes records; quotes TXT; not deployed until refresh", async () => {
    const zone = "contoso-demo.fr";
    expect((await t.call("GET", `/domain/zone/${zone}/status`)).body).toMatchObject({ isDeployed: true });
    const created = await t.call<ZoneRecord>("POST", `/domain/zone/${zone}/record`, {
      fieldType: "TXT",
      subDomain: "",
      target: "MS=ms12345678",
      ttl: 3600,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      fieldType: "TXT",
      subDomain: "",
      target: '"MS=ms12345678"',
      ttl: 3600,
      zone,
    });
    expect(created.body.id).toBeGreaterThan(0);
    expect((await t.call("GET", `/domain/zone/${zone}/status`)).body).toMatchObject({ isDeployed: false });
    expect((await t.call("POST", `/domain/zone/${zone}/refresh`)).status).toBe(200);
    expect((await t.call("GET", `/domain/zone/${zone}/status`)).body).toMatchObject({ isDeployed: true });
    const exported = await t.call<string>("GET", `/domain/zone/${zone}/export`);
    expect(exported.body).toContain('"MS=ms12345678"');

    const updated = await t.call("PUT", `/domain/zone/${zone}/record/${created.body.id}`, {
      target: "MS=ms87654321",
    });
    expect(updated.status).toBe(200);
    const read = await t.call<ZoneRecord>("GET", `/domain/zone/${zone}/record/${created.body.id}`);
    expect(read.body.target).toBe('"MS=ms87654321"');
    expect((await t.call("GET", `/domain/zone/${zone}/status`)).body).toMatchObject({ isDeployed: false });

    expect((await t.call("DELETE", `/domain/zone/${zone}/record/${created.body.id}`)).status).toBe(200);
    expect((await t.call("GET", `/domain/zone/${zone}/record/${created.body.id}`)).status).toBe(404);
    await t.call("POST", `/domain/zone/${zone}/refresh`);
  });

  it("validates record bodies like OVH", async () => {
    const post = (body: Record<string, unknown>) =>
      t.call<{ class: string; message: string }>("POST", "/domain/zone/contoso-demo.fr/record", body);
    const badType = await post({ fieldType: "MXX", target: "10 mx.example." });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/fieldType/);
    expect((await post({ fieldType: "MX", target: "" })).status).toBe(400);
    expect((await post({ fieldType: "MX" })).body.message).toMatch(/\[target\]/);
    expect(
      (await post({ fieldType: "CNAME", subDomain: "x", target: "y.example.", ttl: 59 })).body.message,
    ).toMatch(/TTL/);
    expect((await post({ fieldType: "CNAME", subDomain: "x", target: "y.example.", ttl: 0 })).status).toBe(
      200,
    );
  });

  it("answers id 0 on record creation while the bug switch is on, but creates the record", async () => {
    const on = await t.control("PUT", "/dns/recordIdZeroBug", { enabled: true });
    expect(on.body).toEqual({ enabled: true });
    const created = await t.call<ZoneRecord>("POST", "/domain/zone/contoso-demo.fr/record", {
      fieldType: "CNAME",
      subDomain: "autodiscover",
      target: "autodiscover.outlook.com.",
      ttl: 3600,
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toBe(0);
    const found = await records("contoso-demo.fr", "?fieldType=CNAME&subDomain=autodiscover");
    expect(found).toHaveLength(1);
    expect(found[0]?.id).toBeGreaterThan(0);
    expect(found[0]?.target).toBe("autodiscover.outlook.com.");
    await t.control("PUT", "/dns/recordIdZeroBug", { enabled: false });
    const normal = await t.call<ZoneRecord>("POST", "/domain/zone/contoso-demo.fr/record", {
      fieldType: "CNAME",
      subDomain: "lyncdiscover",
      target: "webdir.online.lync.com.",
    });
    expect(normal.body.id).toBeGreaterThan(0);
  });

  it("warns in status when a CNAME shares its name with another record", async () => {
    await t.call("POST", "/domain/zone/fabrikam-demo.com/record", {
      fieldType: "TXT",
      subDomain: "autodiscover",
      target: "oops",
    });
    const status = await t.call<{ warnings: string[] }>("GET", "/domain/zone/fabrikam-demo.com/status");
    expect(status.body.warnings.join(" ")).toMatch(/autodiscover/);
  });

  it("switches a domain's name servers and name server type", async () => {
    const task = await t.call<{ function: string; status: string }>(
      "POST",
      "/domain/northwind-demo.net/nameServers/update",
      { nameServers: [{ host: "dns19.ovh.net" }, { host: "ns19.ovh.net" }] },
    );
    expect(task.status).toBe(200);
    expect(task.body.function).toBe("DomainDnsUpdate");
    const d = await t.call<{ nameServerType: string }>("GET", "/domain/northwind-demo.net");
    expect(d.body.nameServerType).toBe("hosted");
    const put = await t.call<{ nameServerType: string }>("PUT", "/domain/northwind-demo.net", {
      nameServerType: "external",
    });
    expect(put.body.nameServerType).toBe("external");
  });
});
