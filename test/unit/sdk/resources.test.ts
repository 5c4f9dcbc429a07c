import * as pulumi from "@pulumi/pulumi";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type.endsWith(":Office365ResellerTenant"))
          Object.assign(state, { serviceName: "csp2-1", status: "ok" });
        if (args.type.endsWith(":Subscription"))
          Object.assign(state, { subscriptionId: 3000042, licenceName: "X" });
        if (args.type.endsWith(":DomainAutoConfig")) state.records = [{ id: 1, fieldType: "MX" }];
        // As the provider answers: a tenant's id is its service name, a subscription's `<tenant>/<id>`.
        if (args.type.endsWith(":Office365ResellerTenant")) return { id: "csp2-1", state };
        if (args.type.endsWith(":Subscription")) return { id: "csp2-1/3000042", state };
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "sdk-test",
    "unit",
    false,
  );
});

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

const SECRET = "super-secret-application-secret";

describe("SDK dynamic resources", () => {
  let sdk: typeof import("../../../sdk");

  beforeAll(async () => {
    process.env.OVH_APPLICATION_SECRET = SECRET;
    sdk = await import("../../../sdk");
  });

  afterAll(() => {
    delete process.env.OVH_APPLICATION_SECRET;
  });

  it("registers a tenant with its inputs, the dynamic type token and resolvable outputs", async () => {
    const tenant = new sdk.Office365ResellerTenant("acme", {
      mpnId: "1234567",
      displayName: "Acme",
      contact: {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@acme.example",
        phone: "+33.123456789",
        address: "1 rue de la Paix",
        city: "Paris",
        zipCode: "75001",
      },
    });
    expect(await promiseOf(tenant.serviceName)).toBe("csp2-1");
    expect(await promiseOf(tenant.status)).toBe("ok");
    const reg = registered.find((r) => r.name === "acme");
    expect(reg?.type).toBe("pulumi-nodejs:dynamic/ovh-office365:Office365ResellerTenant");
    expect(reg?.inputs).toMatchObject({ mpnId: "1234567", displayName: "Acme" });
    expect(typeof reg?.inputs.__provider).toBe("string");
  });

  it("passes subscription inputs through and copies customTimeouts into __timeouts (ms)", async () => {
    const sub = new sdk.Subscription(
      "acme-basic",
      { tenant: "csp2-1", licence: "Microsoft 365 Business Basic", quantity: 25 },
      { customTimeouts: { create: "45m", delete: "1h30m" } },
    );
    expect(await promiseOf(sub.subscriptionId)).toBe(3000042);
    const reg = registered.find((r) => r.name === "acme-basic");
    expect(reg?.type).toBe("pulumi-nodejs:dynamic/ovh-office365:Subscription");
    expect(reg?.inputs).toMatchObject({
      tenant: "csp2-1",
      licence: "Microsoft 365 Business Basic",
      quantity: 25,
      __timeouts: { create: 45 * 60_000, delete: 90 * 60_000 },
    });
  });

  it("declares DomainAutoConfig outputs", async () => {
    const dns = new sdk.DomainAutoConfig("acme-dns", { tenant: "csp2-1", domain: "acme.example" });
    expect(await promiseOf(dns.records)).toEqual([{ id: 1, fieldType: "MX" }]);
    expect(registered.find((r) => r.name === "acme-dns")?.type).toBe(
      "pulumi-nodejs:dynamic/ovh-office365:DomainAutoConfig",
    );
  });

  it("serializes a small provider holding no credential and no client", async () => {
    const providers = registered.map((r) => String(r.inputs.__provider));
    expect(providers.length).toBeGreaterThan(0);
    for (const text of providers) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain('require("pulumi-ovh-office365-reseller/dynamic")');
      expect(text.length).toBeLessThan(8_000);
    }
  });

  it("refuses malformed customTimeouts with the Go duration syntax in the message", () => {
    expect(
      () =>
        new sdk.Subscription(
          "bad-timeouts",
          { tenant: "csp2-1", licenceId: 1001, quantity: 1 },
          { customTimeouts: { create: "ten minutes" } },
        ),
    ).toThrow(/Go duration syntax/);
  });
});
