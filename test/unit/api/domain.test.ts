import * as domain from "../../../provider/api/domain";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const contact = { id: "ab123-ovh" };
const domainService = {
  contactAdmin: contact,
  contactBilling: contact,
  contactOwner: { id: "12345" },
  contactTech: contact,
  dnssecState: "disabled",
  dnssecSupported: true,
  domain: "contoso.example",
  expirationDate: "2025-01-01T00:00:00Z",
  glueRecordIpv6Supported: true,
  glueRecordMultiIpSupported: true,
  hostSupported: true,
  lastUpdate: "2024-01-01T00:00:00Z",
  nameServerType: "hosted",
  nameServers: [
    { id: 1, ipv4: null, ipv6: null, nameServer: "dns19.ovh.net", nameServerType: "hosted" },
    { id: 2, nameServer: "ns19.ovh.net", nameServerType: "hosted" },
  ],
  offer: "gold",
  owoSupported: true,
  parentService: null,
  renewalDate: "2024-12-01T00:00:00Z",
  renewalState: "automatic_renew",
  serviceId: 555,
  state: "ok",
  suspensionState: "not_suspended",
  transferLockStatus: "locked",
  whoisOwner: "12345",
};

describe("domain", () => {
  it("lists domains with optional filters", async () => {
    const ovh = new FakeOvh().reply(["contoso.example"], []);
    await domain.listDomains(ovh);
    await domain.listDomains(ovh, { whoisOwner: "12345" });
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/domain" },
      { method: "GET", path: "/domain", query: { whoisOwner: "12345" } },
    ]);
  });

  it("reads the delegation of a domain, keeping unknown name server types", async () => {
    const answer = { ...domainService, nameServerType: "cloudflare", novelty: 1 };
    const ovh = new FakeOvh().reply(answer);
    const parsed = await domain.getDomain(ovh, "contoso.example");
    expect(parsed).toEqual(answer);
    expect(parsed.nameServers.map((ns) => ns.nameServer)).toEqual(["dns19.ovh.net", "ns19.ovh.net"]);
    expect(ovh.only).toEqual({ method: "GET", path: "/domain/contoso.example" });
  });

  it("lists and reads name server entries", async () => {
    const entry = { host: "dns19.ovh.net", id: 1, ip: null, isUsed: true, toDelete: false };
    const ovh = new FakeOvh().reply([1], entry);
    await domain.listNameServers(ovh, "contoso.example");
    await expect(domain.getNameServer(ovh, "contoso.example", 1)).resolves.toEqual(entry);
    expect(ovh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /domain/contoso.example/nameServer",
      "GET /domain/contoso.example/nameServer/1",
    ]);
  });

  it("rejects a wrong shape, naming the operation and field", async () => {
    const ovh = new FakeOvh().reply({ ...domainService, nameServers: [{ id: 1, nameServerType: "hosted" }] });
    const error = await domain.getDomain(ovh, "contoso.example").catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.operation).toBe("GET /domain/{serviceName}");
    expect(error.issues[0].path).toBe("nameServers[0].nameServer");
  });
});
