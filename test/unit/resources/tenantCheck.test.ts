import { chooseOffer } from "../../../provider/resources/tenant/offer";
import { tenantHandler } from "../../../provider/resources/tenant";
import { UNKNOWN } from "../../../provider/resources/unknown";
import type { GenericProductDefinition } from "../../../provider/api/order";
import { FakeOvh } from "../api/fakeOvh";

const contact = {
  firstName: "Jane",
  lastName: "Doe",
  email: "jane@contoso.example",
  phone: "+33.123456789",
  address: "1 rue de la Paix",
  city: "Paris",
  zipCode: "75002",
  country: "fr",
};
const VALID = { mpnId: "1234567", contact, displayName: "Contoso" };

describe("tenantHandler.check", () => {
  it("accepts and normalises valid inputs, applying defaults", async () => {
    const result = await tenantHandler.check(
      { ...VALID, customSubDomain: "Contoso", __provider: "x" },
      undefined,
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      ...VALID,
      contact: { ...contact, country: "FR" },
      customSubDomain: "contoso",
      waiveRetractationPeriod: false,
      deletionPolicy: "retain",
    });
  });

  it("names each faulty property with a helpful reason", async () => {
    const result = await tenantHandler.check(
      {
        mpnId: "MPN-12",
        contact: { ...contact, email: "not-an-email", phone: "call me", country: "France" },
        displayName: "Contoso",
        customSubDomain: "-bad-",
        ovhSubsidiary: "XX",
        duration: "monthly",
        deletionPolicy: "terminate",
        typo: 1,
      },
      undefined,
    );
    const byProperty = Object.fromEntries(result.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(
      [
        "mpnId",
        "contact.email",
        "contact.phone",
        "contact.country",
        "customSubDomain",
        "ovhSubsidiary",
        "duration",
        "deletionPolicy",
        "typo",
      ].sort(),
    );
    expect(byProperty["mpnId"]).toMatch(/Microsoft partner ID/);
    expect(byProperty["contact.country"]).toMatch(/ISO 3166-1 alpha-2/);
    expect(byProperty["ovhSubsidiary"]).toMatch(/FR/);
  });

  it("requires the order data unless the tenant is adopted", async () => {
    const result = await tenantHandler.check({}, undefined);
    expect(result.failures.map((f) => f.property).sort()).toEqual(["contact", "displayName", "mpnId"]);
    const adopted = await tenantHandler.check({ existingServiceName: "csp2-100001" }, undefined);
    expect(adopted.failures).toEqual([]);
  });

  it("accepts Pulumi's unknown sentinel anywhere", async () => {
    const result = await tenantHandler.check(
      {
        mpnId: UNKNOWN,
        contact: { ...contact, email: UNKNOWN },
        displayName: UNKNOWN,
        existingServiceName: undefined,
      },
      undefined,
    );
    expect(result.failures).toEqual([]);
    expect((await tenantHandler.check({ ...VALID, contact: UNKNOWN }, undefined)).failures).toEqual([]);
  });

  it("never echoes the administrator password in a failure", async () => {
    const result = await tenantHandler.check({ ...VALID, administratorPassword: "short" }, undefined);
    expect(result.failures).toHaveLength(1);
    expect(JSON.stringify(result.failures)).not.toContain('short"');
    expect(result.failures[0]?.property).toBe("administratorPassword");
  });

  it("verifies an adopted tenant with one read-only call, and explains a missing one", async () => {
    const ok = new FakeOvh().reply({ serviceName: "csp2-1" });
    expect((await tenantHandler.check({ existingServiceName: "csp2-1" }, { ovh: ok })).failures).toEqual([]);
    expect(ok.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /saas/csp2/csp2-1"]);

    const { OvhApiError } = await import("../../../provider/ovh/errors");
    const missing = {
      requests: [] as string[],
      async request<T>(r: { method: string; path: string }): Promise<T> {
        this.requests.push(`${r.method} ${r.path}`);
        if (r.path === "/saas/csp2") return ["csp2-7"] as T;
        throw new OvhApiError({
          status: 404,
          method: "GET",
          path: r.path,
          body: {
            errorClass: "Client::NotFound",
            message: "The requested object (serviceName = nope) does not exist",
          },
          queryId: "EU.ext-1.abc",
        });
      },
    };
    const result = await tenantHandler.check({ existingServiceName: "nope" }, { ovh: missing });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.property).toBe("existingServiceName");
    expect(result.failures[0]?.reason).toMatch(/No CSP2 tenant "nope".*EU\.ext-1\.abc.*csp2-7/s);
    expect(missing.requests.every((r) => r.startsWith("GET "))).toBe(true);
  });
});

const pricing = (duration: string, pricingMode = "default", capacities = ["installation", "renew"]) => ({
  capacities,
  description: "",
  duration,
  interval: 1,
  maximumQuantity: 1,
  maximumRepeat: null,
  minimumQuantity: 1,
  minimumRepeat: 1,
  price: { currencyCode: "EUR", text: "2.00 €", value: 2 },
  priceInUcents: 200000000,
  pricingMode,
  pricingType: "rental",
});
const offer = (planCode: string, prices = [pricing("P1Y"), pricing("P1M")], productName = planCode) =>
  ({ planCode, productName, productType: "saas_license", prices }) as GenericProductDefinition;

describe("chooseOffer", () => {
  const offers = [offer("csp2-microsoft365-tenant"), offer("csp2-microsoft365-tenant-delegation")];

  it("takes the only new-tenant plan, the shortest duration and the default pricing mode", () => {
    expect(chooseOffer(offers, {})).toMatchObject({
      planCode: "csp2-microsoft365-tenant",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
    });
  });

  it("honours explicit choices and lists what exists when they do not", () => {
    expect(chooseOffer(offers, { duration: "P1Y" }).duration).toBe("P1Y");
    expect(() => chooseOffer(offers, { planCode: "nope" })).toThrow(
      /no csp2 plan "nope".*csp2-microsoft365-tenant \(.*csp2-microsoft365-tenant-delegation/,
    );
    expect(() => chooseOffer(offers, { duration: "P3M" })).toThrow(/P1Y\/default, P1M\/default/);
    expect(() => chooseOffer(offers, { pricingMode: "upfront12" })).toThrow(/no pricing mode "upfront12"/);
  });

  it("refuses to guess between several new-tenant plans", () => {
    expect(() => chooseOffer([offer("a"), offer("b")], {})).toThrow(
      /Several.*a \(a\), b \(b\).*Set planCode/,
    );
    expect(() => chooseOffer([offer("x-delegation")], {})).toThrow(/None/);
  });

  it("ignores prices that cannot be ordered (renew only)", () => {
    const o = offer("p", [pricing("P1M", "default", ["renew"]), pricing("P1Y")]);
    expect(chooseOffer([o], {}).duration).toBe("P1Y");
  });
});
