import * as auth from "../../../provider/api/auth";
import * as price from "../../../provider/api/price";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

describe("price", () => {
  it("reads a licence price (order.Price without priceInUcents), keeping unknown currencies", async () => {
    const answer = { currencyCode: "CHF", text: "20.00 CHF", value: 20 };
    const ovh = new FakeOvh().reply(answer);
    await expect(price.getCsp2LicensePrice(ovh, "EnterpriseE3")).resolves.toEqual(answer);
    expect(ovh.only).toEqual({ method: "GET", path: "/price/saas/csp2/license/EnterpriseE3" });
  });

  it("rejects a price without a value", async () => {
    const ovh = new FakeOvh().reply({ currencyCode: "EUR", text: "x" });
    await expect(price.getCsp2LicensePrice(ovh, "ProPlus")).rejects.toThrow(
      /GET \/price\/saas\/csp2\/license\/ProPlus .*at value:/,
    );
  });
});

describe("auth", () => {
  it("reads the server time unauthenticated, as a bare integer", async () => {
    const ovh = new FakeOvh().reply(1717236000);
    await expect(auth.getServerTime(ovh)).resolves.toBe(1717236000);
    expect(ovh.only).toEqual({ method: "GET", path: "/auth/time", authenticated: false });
  });

  it("rejects a non-integer time, naming the operation", async () => {
    const ovh = new FakeOvh().reply("1717236000");
    const error = await auth.getServerTime(ovh).catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.message).toContain("GET /auth/time");
    expect(error.issues[0].path).toBe("(root)");
  });

  it("reads the current credential and the auth details (signed)", async () => {
    const credential = {
      allowedIPs: null,
      applicationId: 1,
      creation: "2024-01-01T00:00:00Z",
      credentialId: 2,
      expiration: null,
      lastUse: null,
      ovhSupport: false,
      rules: [
        { method: "GET", path: "/saas/csp2/*" },
        { method: "PATCH", path: "/*" },
      ],
      status: "validated",
    };
    const details = { account: "ab123-ovh", identities: [], method: "oauth2_client_credentials", future: 1 };
    const ovh = new FakeOvh().reply(credential, details);
    await expect(auth.getCurrentCredential(ovh)).resolves.toEqual(credential);
    await expect(auth.getAuthDetails(ovh)).resolves.toEqual(details);
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/auth/currentCredential" },
      { method: "GET", path: "/auth/details" },
    ]);
  });
});
