import {
  defaultExchangeMxTarget,
  fulfils,
  isSpf,
  mergeSpfInclude,
  microsoft365Records,
  normaliseTarget,
  relativeName,
  removeSpfInclude,
  spfHasMicrosoftInclude,
  unquoteTxt,
} from "../../../provider/resources/domainAutoConfig/records";

const base = {
  domain: "contoso.com",
  zone: "contoso.com",
  exchangeMxTarget: "contoso-com.mail.protection.outlook.com",
  ttl: 3600,
};

describe("microsoft365Records", () => {
  it("produces the Exchange, Teams and Intune records of REFERENCE §7.1 with absolute hosts", () => {
    const records = microsoft365Records({
      ...base,
      services: ["exchange", "teams", "intune"],
      verificationTxt: "MS=ms12345678",
    });
    expect(records.map((r) => [r.role, r.fieldType, r.subDomain, r.target, r.ttl])).toEqual([
      ["verification", "TXT", "", "MS=ms12345678", 3600],
      ["mx", "MX", "", "0 contoso-com.mail.protection.outlook.com.", 3600],
      ["autodiscover", "CNAME", "autodiscover", "autodiscover.outlook.com.", 3600],
      ["spf", "TXT", "", "v=spf1 include:spf.protection.outlook.com -all", 3600],
      ["sip", "CNAME", "sip", "sipdir.online.lync.com.", 3600],
      ["lyncdiscover", "CNAME", "lyncdiscover", "webdir.online.lync.com.", 3600],
      ["sipTls", "SRV", "_sip._tls", "100 1 443 sipdir.online.lync.com.", 3600],
      ["sipFederation", "SRV", "_sipfederationtls._tcp", "100 1 5061 sipfed.online.lync.com.", 3600],
      [
        "enterpriseRegistration",
        "CNAME",
        "enterpriseregistration",
        "enterpriseregistration.windows.net.",
        3600,
      ],
      [
        "enterpriseEnrollment",
        "CNAME",
        "enterpriseenrollment",
        "enterpriseenrollment.manage.microsoft.com.",
        3600,
      ],
    ]);
  });

  it("never produces msoid and only the records of the chosen services", () => {
    const records = microsoft365Records({ ...base, services: ["intune"] });
    expect(records.map((r) => r.subDomain)).toEqual(["enterpriseregistration", "enterpriseenrollment"]);
    const all = microsoft365Records({ ...base, services: ["exchange", "teams", "intune"] });
    expect(all.some((r) => r.subDomain.includes("msoid"))).toBe(false);
  });

  it("places a sub-domain's records below its name inside the parent zone", () => {
    const records = microsoft365Records({
      ...base,
      domain: "eu.contoso.com",
      services: ["exchange", "teams"],
    });
    expect(records.map((r) => r.subDomain)).toEqual([
      "eu",
      "autodiscover.eu",
      "eu",
      "sip.eu",
      "lyncdiscover.eu",
      "_sip._tls.eu",
      "_sipfederationtls._tcp.eu",
    ]);
    expect(() => microsoft365Records({ ...base, domain: "fabrikam.com", services: ["exchange"] })).toThrow(
      /not inside zone/,
    );
  });

  it("derives the default MX host like Microsoft does for plain domains", () => {
    expect(defaultExchangeMxTarget("Contoso-Demo.fr")).toBe("contoso-demo-fr.mail.protection.outlook.com");
    expect(defaultExchangeMxTarget("eu.contoso.com.")).toBe("eu-contoso-com.mail.protection.outlook.com");
  });

  it("computes relative names", () => {
    expect(relativeName("contoso.com", "contoso.com")).toBe("");
    expect(relativeName("a.b.contoso.com", "contoso.com.")).toBe("a.b");
    expect(relativeName("notcontoso.com", "contoso.com")).toBeUndefined();
  });
});

describe("value normalisation", () => {
  it("strips OVH's TXT quotes and joins split strings", () => {
    expect(unquoteTxt('"v=spf1 -all"')).toBe("v=spf1 -all");
    expect(unquoteTxt('"abc" "def"')).toBe("abcdef");
    expect(unquoteTxt('"a\\"b"')).toBe('a"b');
    expect(unquoteTxt("plain")).toBe("plain");
  });

  it("makes hosts absolute and lower case, numbers canonical", () => {
    expect(normaliseTarget("CNAME", "AutoDiscover.Outlook.com")).toBe("autodiscover.outlook.com.");
    expect(normaliseTarget("MX", "00 Host.Example.com")).toBe("0 host.example.com.");
    expect(normaliseTarget("SRV", "100  1 443 sipdir.online.lync.com")).toBe(
      "100 1 443 sipdir.online.lync.com.",
    );
    expect(normaliseTarget("TXT", '"MS=ms1"')).toBe("MS=ms1");
  });

  it("matches desired records against live ones (SPF by include)", () => {
    const [mx, , spf] = microsoft365Records({ ...base, services: ["exchange"] });
    expect(
      fulfils(mx!, { fieldType: "MX", subDomain: "", target: "0 CONTOSO-com.mail.protection.outlook.com" }),
    ).toBe(true);
    expect(
      fulfils(mx!, {
        fieldType: "MX",
        subDomain: "www",
        target: "0 contoso-com.mail.protection.outlook.com.",
      }),
    ).toBe(false);
    expect(
      fulfils(spf!, {
        fieldType: "TXT",
        subDomain: "",
        target: '"v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all"',
      }),
    ).toBe(true);
    expect(
      fulfils(spf!, { fieldType: "TXT", subDomain: "", target: '"v=spf1 include:mx.ovh.com ~all"' }),
    ).toBe(false);
  });
});

describe("SPF merge", () => {
  it("recognises SPF policies in TXT and OVH's SPF type only", () => {
    expect(isSpf("TXT", '"v=spf1 include:mx.ovh.com ~all"')).toBe(true);
    expect(isSpf("SPF", "v=spf1 -all")).toBe(true);
    expect(isSpf("TXT", '"MS=ms123"')).toBe(false);
    expect(isSpf("TXT", '"v=spf10"')).toBe(false);
    expect(isSpf("CNAME", "v=spf1")).toBe(false);
  });

  it("inserts Microsoft's include before the all mechanism, keeping the others", () => {
    expect(mergeSpfInclude('"v=spf1 include:mx.ovh.com ~all"')).toBe(
      "v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all",
    );
    expect(mergeSpfInclude("v=spf1 a mx ip4:192.0.2.1 -all")).toBe(
      "v=spf1 a mx ip4:192.0.2.1 include:spf.protection.outlook.com -all",
    );
    expect(mergeSpfInclude("v=spf1 mx redirect=_spf.example.com")).toBe(
      "v=spf1 mx include:spf.protection.outlook.com redirect=_spf.example.com",
    );
    expect(mergeSpfInclude("v=spf1 mx")).toBe("v=spf1 mx include:spf.protection.outlook.com");
  });

  it("is idempotent and reversible", () => {
    const merged = mergeSpfInclude("v=spf1 include:mx.ovh.com ~all");
    expect(mergeSpfInclude(merged)).toBe(merged);
    expect(spfHasMicrosoftInclude(merged)).toBe(true);
    expect(removeSpfInclude(merged)).toBe("v=spf1 include:mx.ovh.com ~all");
  });
});
