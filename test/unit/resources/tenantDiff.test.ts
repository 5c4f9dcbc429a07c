import {
  diffTenant,
  inputsFromOutputs,
  tenantChanges,
  tenantHandler,
  TenantInputsSchema,
  type TenantInputs,
  type TenantOutputs,
} from "../../../provider/resources/tenant";
import { UNKNOWN } from "../../../provider/resources/unknown";

const contact = {
  firstName: "Jane",
  lastName: "Doe",
  email: "jane@contoso.example",
  phone: "+33.123456789",
  address: "1 rue de la Paix",
  city: "Paris",
  zipCode: "75002",
  country: "FR",
};

const OLDS: TenantOutputs = {
  serviceName: "csp2-100001",
  status: "ok",
  creationDate: "2026-01-01T00:00:00+00:00",
  mpnIssueFlag: null,
  adminPortalUrl: "https://admin.microsoft.com",
  serviceId: 10000001,
  renewAutomatic: true,
  renewPeriod: 1,
  deleteAtExpiration: false,
  canDeleteAtExpiration: true,
  expirationDate: "2026-02-01",
  orderId: 210000001,
  pendingOrder: null,
  planCode: "csp2-microsoft365-tenant",
  duration: "P1M",
  pricingMode: "default",
  ovhSubsidiary: "FR",
  mpnId: "1234567",
  displayName: "Contoso",
  contact,
  customSubDomain: null,
  extraConfiguration: null,
  waiveRetractationPeriod: false,
  existingServiceName: null,
  deletionPolicy: "retain",
};

const parse = (raw: Record<string, unknown>): TenantInputs => TenantInputsSchema.parse(raw);
const NEWS = parse({ mpnId: "1234567", contact, displayName: "Contoso" });
const ID = "csp2-100001";

describe("diffTenant", () => {
  it("sees no change when the program matches the tenant (omitted order choices are not changes)", () => {
    expect(diffTenant(ID, OLDS, NEWS)).toEqual({ changes: false, replaces: [], changedKeys: [] });
  });

  it("updates display name, contact fields and MPN ID in place", () => {
    const d = diffTenant(
      ID,
      OLDS,
      parse({ ...NEWS, displayName: "Contoso SA", contact: { ...contact, city: "Lyon" }, mpnId: "7654321" }),
    );
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
    expect(d.changedKeys.sort()).toEqual(["contact", "displayName", "mpnId"]);
  });

  it("treats deletionPolicy and administratorPassword as in-place changes", () => {
    expect(diffTenant(ID, OLDS, parse({ ...NEWS, deletionPolicy: "deleteAtExpiration" }))).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["deletionPolicy"],
    });
    expect(diffTenant(ID, OLDS, parse({ ...NEWS, administratorPassword: "S3cret!pass" }))).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["administratorPassword"],
    });
    const applied = { ...OLDS, administratorPassword: "S3cret!pass" };
    expect(diffTenant(ID, applied, parse({ ...NEWS, administratorPassword: "S3cret!pass" })).changes).toBe(
      false,
    );
  });

  it("replaces when an explicit order-time choice differs from what was used", () => {
    for (const [key, value] of [
      ["planCode", "other-plan"],
      ["duration", "P1Y"],
      ["pricingMode", "upfront12"],
      ["ovhSubsidiary", "DE"],
      ["customSubDomain", "contoso"],
      ["extraConfiguration", { vat: "x" }],
      ["waiveRetractationPeriod", true],
    ] as const) {
      const d = diffTenant(ID, OLDS, parse({ ...NEWS, [key]: value }));
      expect({ key, d }).toEqual({ key, d: { changes: true, replaces: [key], changedKeys: [key] } });
    }
  });

  it("does not replace when the explicit choice equals the resolved one", () => {
    const d = diffTenant(
      ID,
      OLDS,
      parse({
        ...NEWS,
        planCode: "csp2-microsoft365-tenant",
        duration: "P1M",
        pricingMode: "default",
        ovhSubsidiary: "fr",
      }),
    );
    expect(d.changes).toBe(false);
  });

  it("ignores order-time choices on an adopted tenant", () => {
    const adopted = {
      ...OLDS,
      orderId: null,
      planCode: null,
      duration: null,
      pricingMode: null,
      existingServiceName: ID,
    };
    const d = diffTenant(
      ID,
      adopted,
      parse({ ...NEWS, existingServiceName: ID, planCode: "x", waiveRetractationPeriod: true }),
    );
    expect(d.changes).toBe(false);
  });

  it("replaces when existingServiceName names another tenant, not when it names this one", () => {
    expect(diffTenant(ID, OLDS, parse({ ...NEWS, existingServiceName: ID })).changes).toBe(false);
    expect(diffTenant(ID, OLDS, parse({ ...NEWS, existingServiceName: "csp2-100002" }))).toEqual({
      changes: true,
      replaces: ["existingServiceName"],
      changedKeys: ["existingServiceName"],
    });
  });

  it("reports unknown values as changes (without claiming a replacement)", () => {
    const news = { ...NEWS, displayName: UNKNOWN, planCode: UNKNOWN } as TenantInputs;
    const d = diffTenant(ID, OLDS, news);
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
    expect(d.changedKeys.sort()).toEqual(["displayName", "planCode"]);
    const wholeContact = { ...NEWS, contact: UNKNOWN } as unknown as TenantInputs;
    expect(diffTenant(ID, OLDS, wholeContact).changedKeys).toEqual(["contact"]);
  });

  it("always sends a pending order to update", () => {
    const pending = { ...OLDS, serviceName: null, orderId: null };
    expect(diffTenant("pending-order:cart-abc", pending, NEWS)).toEqual({
      changes: true,
      replaces: [],
      changedKeys: ["pendingOrder"],
    });
    // Once resolved, the marker id stays but the tenant is addressed through serviceName.
    expect(diffTenant("pending-order:cart-abc", OLDS, NEWS).changes).toBe(false);
  });

  it("copes with olds from an older state that lack fields", () => {
    const sparse = { serviceName: ID, displayName: "Contoso" } as unknown as TenantOutputs;
    const d = diffTenant(ID, sparse, parse({ existingServiceName: ID, displayName: "Contoso" }));
    expect(d.changes).toBe(false);
  });

  it("is what the handler answers", () => {
    expect(tenantHandler.diff(ID, OLDS, NEWS)).toEqual(diffTenant(ID, OLDS, NEWS));
  });
});

describe("tenantChanges", () => {
  const live = { displayName: "Contoso", mpnId: "1234567", ...contact };

  it("sends only what differs", () => {
    expect(tenantChanges(live, NEWS)).toBeUndefined();
    expect(
      tenantChanges(
        live,
        parse({ ...NEWS, displayName: "Contoso SA", contact: { ...contact, phone: "+33.999999999" } }),
      ),
    ).toEqual({
      displayName: "Contoso SA",
      phone: "+33.999999999",
    });
  });

  it("leaves out what the program does not declare", () => {
    expect(tenantChanges({ ...live, mpnId: null }, parse({ existingServiceName: ID }))).toBeUndefined();
  });
});

describe("inputsFromOutputs", () => {
  it("reproduces an ordered tenant from its outputs", () => {
    const inputs = inputsFromOutputs(OLDS);
    expect(inputs).toEqual({
      mpnId: "1234567",
      displayName: "Contoso",
      contact,
      ovhSubsidiary: "FR",
      planCode: "csp2-microsoft365-tenant",
      duration: "P1M",
      pricingMode: "default",
      waiveRetractationPeriod: false,
      deletionPolicy: "retain",
    });
  });

  it("leaves out live values the schema would refuse", () => {
    const inputs = inputsFromOutputs({
      ...OLDS,
      orderId: null,
      existingServiceName: ID,
      mpnId: null,
      contact: { ...contact, phone: "", country: null },
    });
    expect(inputs.contact).toBeUndefined();
    expect(inputs.mpnId).toBeUndefined();
    expect(inputs.existingServiceName).toBe(ID);
  });
});
