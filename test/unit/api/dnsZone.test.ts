import * as dnsZone from "../../../provider/api/dnsZone";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const record = {
  fieldType: "MX",
  id: 101,
  subDomain: "",
  target: "0 contoso-com.mail.protection.outlook.com.",
  ttl: 3600,
  zone: "contoso.example",
};

describe("dnsZone requests", () => {
  it("lists record ids with type and sub-domain filters (apex as empty string)", async () => {
    const ovh = new FakeOvh().reply([101], [102], [103]);
    await dnsZone.listRecords(ovh, "contoso.example");
    await dnsZone.listRecords(ovh, "contoso.example", { fieldType: "MX", subDomain: "" });
    await dnsZone.listRecords(ovh, "contoso.example", { subDomain: "_sip._tls" });
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/domain/zone/contoso.example/record" },
      {
        method: "GET",
        path: "/domain/zone/contoso.example/record",
        query: { fieldType: "MX", subDomain: "" },
      },
      { method: "GET", path: "/domain/zone/contoso.example/record", query: { subDomain: "_sip._tls" } },
    ]);
  });

  it("creates, updates, deletes records and refreshes the zone", async () => {
    const ovh = new FakeOvh().reply(record);
    await expect(
      dnsZone.createRecord(ovh, "contoso.example", {
        fieldType: "MX",
        subDomain: "",
        target: "0 contoso-com.mail.protection.outlook.com.",
        ttl: 3600,
      }),
    ).resolves.toEqual(record);
    await expect(
      dnsZone.updateRecord(ovh, "contoso.example", 101, { target: "v=spf1 -all", ttl: undefined }),
    ).resolves.toBeUndefined();
    await dnsZone.deleteRecord(ovh, "contoso.example", 101);
    await dnsZone.refreshZone(ovh, "contoso.example");
    expect(ovh.requests).toEqual([
      {
        method: "POST",
        path: "/domain/zone/contoso.example/record",
        body: {
          fieldType: "MX",
          subDomain: "",
          target: "0 contoso-com.mail.protection.outlook.com.",
          ttl: 3600,
        },
      },
      { method: "PUT", path: "/domain/zone/contoso.example/record/101", body: { target: "v=spf1 -all" } },
      { method: "DELETE", path: "/domain/zone/contoso.example/record/101" },
      { method: "POST", path: "/domain/zone/contoso.example/refresh" },
    ]);
  });

  it("updates the zone's renewal settings", async () => {
    const ovh = new FakeOvh();
    await dnsZone.updateZoneServiceInfos(ovh, "contoso.example", {
      renew: { automatic: true, deleteAtExpiration: false, forced: false, period: 12 },
    });
    expect(ovh.only).toEqual({
      method: "PUT",
      path: "/domain/zone/contoso.example/serviceInfos",
      body: { renew: { automatic: true, deleteAtExpiration: false, forced: false, period: 12 } },
    });
  });

  it("encodes zone names", async () => {
    const ovh = new FakeOvh().reply({ isDeployed: true });
    await dnsZone.getZoneStatus(ovh, "bücher.example/x");
    expect(ovh.only.path).toBe("/domain/zone/b%C3%BCcher.example%2Fx/status");
  });
});

describe("dnsZone models", () => {
  it("keeps unknown record types and extra fields; the id 0 answer parses", async () => {
    const odd = { ...record, id: 0, fieldType: "HTTPS", subDomain: null, ttl: null, weight: 5 };
    const ovh = new FakeOvh().reply(odd);
    await expect(dnsZone.getRecord(ovh, "contoso.example", 0)).resolves.toEqual(odd);
  });

  it("parses zones, status and the exported zone file", async () => {
    const zone = {
      dnssecSupported: true,
      hasDnsAnycast: false,
      lastUpdate: null,
      name: "contoso.example",
      nameServers: ["dns19.ovh.net", "ns19.ovh.net"],
    };
    const status = { errors: null, isDeployed: false, warnings: ["pending"] };
    const ovh = new FakeOvh().reply(
      zone,
      status,
      "$TTL 3600\n@ IN SOA dns19.ovh.net. tech.ovh.net. (1 86400 3600 3600000 300)\n",
    );
    await expect(dnsZone.getZone(ovh, "contoso.example")).resolves.toEqual(zone);
    await expect(dnsZone.getZoneStatus(ovh, "contoso.example")).resolves.toEqual(status);
    await expect(dnsZone.exportZone(ovh, "contoso.example")).resolves.toMatch(/^\$TTL/);
  });

  it("rejects a record without a target, naming the operation and field", async () => {
    const { target: _target, ...broken } = record;
    const ovh = new FakeOvh().reply(broken);
    const error = await dnsZone
      .createRecord(ovh, "contoso.example", { fieldType: "TXT", target: "x" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.message).toMatch(/POST \/domain\/zone\/contoso\.example\/record .*at target:/);
    expect(error.operation).toBe("POST /domain/zone/{zoneName}/record");
  });
});
