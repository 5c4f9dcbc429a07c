/** `/price/saas/csp2/license/{licenseName}` over HTTP. */
import { CSP2_LICENSE_PRICES_EUR } from "../../sandbox/areas/price";
import { TestSandbox, openSandbox } from "./areaClient";

describe("sandbox csp2 licence prices", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await openSandbox({ seed: "empty" });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("answers a monthly EUR order.Price for every licence name of the enum", async () => {
    const names = Object.keys(CSP2_LICENSE_PRICES_EUR);
    expect(names).toHaveLength(13);
    for (const name of names) {
      const reply = await t.call<{ currencyCode: string; value: number; text: string }>(
        "GET",
        `/price/saas/csp2/license/${name}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.currencyCode).toBe("EUR");
      expect(reply.body.value).toBeGreaterThan(0);
      expect(reply.body.text).toBe(`${reply.body.value.toFixed(2)} €`);
    }
    const e3 = await t.call<{ value: number }>("GET", "/price/saas/csp2/license/EnterpriseE3");
    const basic = await t.call<{ value: number }>("GET", "/price/saas/csp2/license/BusinessEssentials");
    expect(e3.body.value).toBeGreaterThan(basic.body.value);
  });

  it("refuses a name outside the enum with 400 naming the enum", async () => {
    const reply = await t.call<{ class: string; message: string }>(
      "GET",
      "/price/saas/csp2/license/EnterpriseE5",
    );
    expect(reply.status).toBe(400);
    expect(reply.body.class).toBe("Client::BadRequest");
    expect(reply.body.message).toMatch(/price\.Saas\.Csp2\.LicenseEnum/);
  });

  it("is a signed route", async () => {
    const reply = await t.call("GET", "/price/saas/csp2/license/EnterpriseE3", undefined, { unsigned: true });
    expect([401, 403]).toContain(reply.status);
  });
});
