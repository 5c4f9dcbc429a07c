import { signV1Request } from "../../../provider/ovh/signature";

describe("signV1Request", () => {
  it("matches a vector computed outside the implementation (query string and body)", () => {
    // Expected value computed in a shell, independently of this code:
    //   printf '%s' 'EXAMPLE-SECRET+EXAMPLE-CONSUMER+POST+https://eu.api.ovh.com/1.0/saas/csp2/csp2-12345/subscription?licenseId=7&dryRun=true+{"quantity":3}+1700000000' | sha1sum
    //   → db5572122158ed3f828fa28c1f15a9ca3fdb731a
    expect(
      signV1Request({
        applicationSecret: "EXAMPLE-SECRET",
        consumerKey: "EXAMPLE-CONSUMER",
        method: "post",
        url: "https://eu.api.ovh.com/1.0/saas/csp2/csp2-12345/subscription?licenseId=7&dryRun=true",
        body: '{"quantity":3}',
        timestamp: 1700000000,
      }),
    ).toBe("$1$db5572122158ed3f828fa28c1f15a9ca3fdb731a");
  });

  it("signs an empty body as an empty string, with the port in the URL", () => {
    // printf '%s' 'as+ck+GET+https://127.0.0.1:43121/1.0/auth/details++1' | sha1sum
    //   → 876317c9d8604f948b651d304a9c78cca045903d
    expect(
      signV1Request({
        applicationSecret: "as",
        consumerKey: "ck",
        method: "GET",
        url: "https://127.0.0.1:43121/1.0/auth/details",
        body: "",
        timestamp: 1,
      }),
    ).toBe("$1$876317c9d8604f948b651d304a9c78cca045903d");
  });

  it("changes when any signed part changes", () => {
    const base = {
      applicationSecret: "as",
      consumerKey: "ck",
      method: "GET",
      url: "https://h/1.0/x",
      body: "",
      timestamp: 10,
    };
    const sig = signV1Request(base);
    expect(signV1Request({ ...base, url: "https://h/1.0/x?a=1" })).not.toBe(sig);
    expect(signV1Request({ ...base, body: "{}" })).not.toBe(sig);
    expect(signV1Request({ ...base, timestamp: 11 })).not.toBe(sig);
    expect(signV1Request({ ...base, method: "get" })).toBe(sig);
  });
});
