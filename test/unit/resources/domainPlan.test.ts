import {
  planRecordChanges,
  type LiveRecord,
  type ManagedRecord,
  type Step,
} from "../../../provider/resources/domainAutoConfig/plan";
import { microsoft365Records, type M365Service } from "../../../provider/resources/domainAutoConfig/records";

const desired = (
  services: M365Service[],
  extra: { ttl?: number; mx?: string; verificationTxt?: string } = {},
) =>
  microsoft365Records({
    domain: "fabrikam.com",
    zone: "fabrikam.com",
    services,
    exchangeMxTarget: extra.mx ?? "fabrikam-com.mail.protection.outlook.com",
    verificationTxt: extra.verificationTxt,
    ttl: extra.ttl ?? 3600,
  });

let nextId = 100;
const live = (fieldType: string, subDomain: string, target: string, ttl = 3600): LiveRecord => ({
  id: nextId++,
  fieldType,
  subDomain,
  target,
  ttl,
});

const kinds = (steps: Step[]) => steps.map((s) => s.kind);

const ovhMail = () => [
  live("NS", "", "dns108.ovh.net."),
  live("MX", "", "10 mx1.mail.ovh.net."),
  live("TXT", "", '"v=spf1 include:mx.ovh.com ~all"'),
  live("CNAME", "autodiscover", "mailconfig.ovh.net."),
  live("TXT", "", '"google-site-verification=abc"'),
];

describe("planRecordChanges: create", () => {
  it("creates every record on a clean zone", () => {
    const plan = planRecordChanges({
      desired: desired(["exchange", "teams"]),
      live: [],
      managed: [],
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.conflicts).toEqual([]);
    expect(kinds(plan.steps)).toEqual(Array(7).fill("create"));
  });

  it("adopts identical records instead of duplicating them (quotes, case and dots ignored)", () => {
    const existing = [
      live("CNAME", "sip", "SIPDIR.online.lync.com"),
      live("TXT", "", '"v=spf1 include:spf.protection.outlook.com -all"'),
    ];
    const plan = planRecordChanges({
      desired: desired(["exchange", "teams"]),
      live: existing,
      managed: [],
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(
      plan.steps
        .filter((s) => s.kind === "adopt")
        .map((s) => (s.kind === "adopt" ? s.record.id : 0))
        .sort(),
    ).toEqual(existing.map((r) => r.id).sort());
    expect(plan.steps.filter((s) => s.kind === "create")).toHaveLength(5);
  });

  it("lists every conflict: other MX, other SPF, anything on a CNAME name, other SRV", () => {
    const existing = [
      ...ovhMail(),
      live("A", "sip", "192.0.2.1"),
      live("SRV", "_sip._tls", "0 0 443 other.example.com."),
    ];
    const plan = planRecordChanges({
      desired: desired(["exchange", "teams"]),
      live: existing,
      managed: [],
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.conflicts.map((c) => [c.record.fieldType, c.record.subDomain, c.forRole])).toEqual([
      ["MX", "", "mx"],
      ["CNAME", "autodiscover", "autodiscover"],
      ["TXT", "", "spf"],
      ["A", "sip", "sip"],
      ["SRV", "_sip._tls", "sipTls"],
    ]);
    expect(plan.steps.some((s) => s.kind === "takeOverRemove" || s.kind === "mergeSpf")).toBe(false);
  });

  it("does not count a verification TXT, other TXT or NS records as conflicts", () => {
    const existing = [
      live("NS", "", "dns1.ovh.net."),
      live("TXT", "", '"MS=ms999"'),
      live("TXT", "", '"hello"'),
    ];
    const plan = planRecordChanges({
      desired: desired(["exchange"], { verificationTxt: "MS=ms111" }),
      live: existing,
      managed: [],
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.conflicts).toEqual([]);
  });

  it("with takeover removes the conflicts first and merges into the existing SPF instead of adding one", () => {
    const existing = ovhMail();
    const plan = planRecordChanges({
      desired: desired(["exchange"]),
      live: existing,
      managed: [],
      takenOver: [],
      takeOverConflicts: true,
    });
    expect(kinds(plan.steps)).toEqual(["takeOverRemove", "takeOverRemove", "mergeSpf", "create", "create"]);
    const merge = plan.steps.find((s) => s.kind === "mergeSpf");
    expect(merge?.kind === "mergeSpf" && merge.target).toBe(
      "v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all",
    );
    expect(
      plan.steps.filter((s) => s.kind === "create").map((s) => s.kind === "create" && s.desired.role),
    ).toEqual(["mx", "autodiscover"]);
  });

  it("with takeover removes extra SPF policies besides the merged one", () => {
    const existing = [live("TXT", "", '"v=spf1 a ~all"'), live("SPF", "", '"v=spf1 mx -all"')];
    const plan = planRecordChanges({
      desired: desired(["exchange"]),
      live: existing,
      managed: [],
      takenOver: [],
      takeOverConflicts: true,
    });
    expect(plan.steps.filter((s) => s.kind === "mergeSpf")).toHaveLength(1);
    expect(
      plan.steps
        .filter((s) => s.kind === "takeOverRemove")
        .map((s) => s.kind === "takeOverRemove" && s.record.fieldType),
    ).toEqual(["SPF"]);
  });
});

describe("planRecordChanges: update and delete", () => {
  const managedFrom = (records: LiveRecord[], roles: string[], origin: ManagedRecord["origin"] = "created") =>
    records.map((r, i) => ({ ...r, role: roles[i], origin }) as ManagedRecord);

  it("changes nothing when the zone matches", () => {
    const want = desired(["exchange"]);
    const recs = want.map((d) => live(d.fieldType, d.subDomain, d.target));
    const plan = planRecordChanges({
      desired: want,
      live: recs,
      managed: managedFrom(
        recs,
        want.map((d) => d.role),
      ),
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.steps).toEqual([]);
    expect(plan.unchanged).toHaveLength(3);
  });

  it("updates a changed MX target and TTL in place and removes only a dropped service's records", () => {
    const before = desired(["exchange", "intune"]);
    const recs = before.map((d) => live(d.fieldType, d.subDomain, d.target));
    const plan = planRecordChanges({
      desired: desired(["exchange"], { mx: "fabrikam-com.r-v1.mx.microsoft", ttl: 600 }),
      live: recs,
      managed: managedFrom(
        recs,
        before.map((d) => d.role),
      ),
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(kinds(plan.steps)).toEqual(["delete", "delete", "update", "update", "update"]);
    const mx = plan.steps.find((s) => s.kind === "update" && s.role === "mx");
    expect(mx?.kind === "update" && [mx.target, mx.ttl]).toEqual(["0 fabrikam-com.r-v1.mx.microsoft.", 600]);
  });

  it("recreates a record deleted outside Pulumi", () => {
    const want = desired(["exchange"]);
    const recs = want.map((d) => live(d.fieldType, d.subDomain, d.target));
    const plan = planRecordChanges({
      desired: want,
      live: recs.slice(1),
      managed: managedFrom(
        recs,
        want.map((d) => d.role),
      ),
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(kinds(plan.steps)).toEqual(["create"]);
  });

  it("restores taken-over records when their service is dropped, and releases adopted records", () => {
    const mx = live("MX", "", "0 fabrikam-com.mail.protection.outlook.com.");
    const cname = live("CNAME", "autodiscover", "autodiscover.outlook.com.");
    const spf = live("TXT", "", '"v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all"');
    const managed: ManagedRecord[] = [
      { ...mx, role: "mx", origin: "created" },
      { ...cname, role: "autodiscover", origin: "adopted" },
      { ...spf, role: "spf", origin: "merged" },
    ];
    const takenOver = [
      {
        id: 7,
        fieldType: "MX",
        subDomain: "",
        target: "10 mx1.mail.ovh.net.",
        ttl: 0,
        forRole: "mx" as const,
        action: "removed" as const,
      },
      {
        ...spf,
        target: '"v=spf1 include:mx.ovh.com ~all"',
        forRole: "spf" as const,
        action: "modified" as const,
      },
    ];
    const plan = planRecordChanges({
      desired: [],
      live: [mx, cname, spf],
      managed,
      takenOver,
      takeOverConflicts: false,
    });
    expect(kinds(plan.steps)).toEqual(["delete", "release", "restore", "restore"]);
    const restoreSpf = plan.steps.find((s) => s.kind === "restore" && s.takenOver.action === "modified");
    expect(restoreSpf?.kind === "restore" && restoreSpf.current?.id).toBe(spf.id);
  });

  it("refuses a new conflict when a service is added, without touching our own records", () => {
    const before = desired(["exchange"]);
    const recs = before.map((d) => live(d.fieldType, d.subDomain, d.target));
    const foreign = live("CNAME", "sip", "sip.other.example.");
    const plan = planRecordChanges({
      desired: desired(["exchange", "teams"]),
      live: [...recs, foreign],
      managed: managedFrom(
        recs,
        before.map((d) => d.role),
      ),
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.conflicts.map((c) => c.record.id)).toEqual([foreign.id]);
  });

  it("ignores a managed id that now holds another record", () => {
    const want = desired(["exchange"]);
    const reused = live("A", "www", "192.0.2.1");
    const plan = planRecordChanges({
      desired: want,
      live: [reused],
      managed: [{ ...reused, fieldType: "MX", subDomain: "", target: "0 x.", role: "mx", origin: "created" }],
      takenOver: [],
      takeOverConflicts: false,
    });
    expect(plan.steps.some((s) => s.kind === "delete" || s.kind === "update")).toBe(false);
    expect(kinds(plan.steps)).toEqual(["create", "create", "create"]);
  });

  it("treats a released adopted record as someone else's: a conflict for the new value", () => {
    const old = live("MX", "", "0 fabrikam-com.mail.protection.outlook.com.");
    const plan = planRecordChanges({
      desired: desired(["exchange"], { mx: "fabrikam-com.r-v1.mx.microsoft" }).filter((d) => d.role === "mx"),
      live: [old],
      managed: [{ ...old, role: "mx", origin: "adopted" }],
      takenOver: [],
      takeOverConflicts: true,
    });
    expect(kinds(plan.steps)).toEqual(["release", "takeOverRemove", "create"]);
    expect(plan.conflicts.map((c) => c.record.id)).toEqual([old.id]);
  });
});
