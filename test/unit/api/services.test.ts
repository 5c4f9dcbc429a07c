import * as services from "../../../provider/api/services";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const expanded = {
  billing: {
    expirationDate: "2025-01-01T00:00:00Z",
    lifecycle: {
      capacities: { actions: ["terminate", "terminateAtExpirationDate"] },
      current: { creationDate: null, pendingActions: [], state: "active", terminationDate: null },
    },
    nextBillingDate: null,
    plan: { code: "csp2-plan", invoiceName: "Office 365" },
    renew: {
      capacities: { mode: ["automatic", "manual"] },
      current: { mode: "automatic", nextDate: null, period: "P1M" },
    },
  },
  customer: { contacts: [{ customerCode: "ab123-ovh", type: "administrator" }] },
  parentServiceId: null,
  resource: {
    displayName: "Contoso",
    name: "csp2-12345",
    product: { description: "CSP2", name: "csp2" },
    state: "active",
  },
  route: {
    path: "/saas/csp2/{serviceName}",
    url: "/saas/csp2/csp2-12345",
    vars: [{ key: "serviceName", value: "csp2-12345" }],
  },
  serviceId: 123456,
  tags: [],
};

describe("services", () => {
  it("lists service ids by resource name and route", async () => {
    const ovh = new FakeOvh().reply([123456]);
    await expect(
      services.listServices(ovh, { resourceName: "csp2-12345", routes: "/saas/csp2/{serviceName}" }),
    ).resolves.toEqual([123456]);
    expect(ovh.only).toEqual({
      method: "GET",
      path: "/services",
      query: { resourceName: "csp2-12345", routes: "/saas/csp2/{serviceName}" },
    });
  });

  it("reads a service, keeping unknown lifecycle states and fields", async () => {
    const answer = {
      ...expanded,
      billing: {
        ...expanded.billing,
        lifecycle: {
          ...expanded.billing.lifecycle,
          current: { ...expanded.billing.lifecycle.current, state: "frozen" },
        },
      },
      extra: true,
    };
    const ovh = new FakeOvh().reply(answer);
    await expect(services.getService(ovh, 123456)).resolves.toEqual(answer);
    expect(ovh.only).toEqual({ method: "GET", path: "/services/123456" });
  });

  it("updates, terminates and confirms termination", async () => {
    const ovh = new FakeOvh().reply(null, { message: "check your e-mail" }, { message: "terminated" });
    await services.updateService(ovh, 1, { terminationPolicy: "terminateAtExpirationDate" });
    await expect(services.terminateService(ovh, 1)).resolves.toEqual({ message: "check your e-mail" });
    await services.confirmServiceTermination(ovh, 1, "tok3n");
    expect(ovh.requests).toEqual([
      { method: "PUT", path: "/services/1", body: { terminationPolicy: "terminateAtExpirationDate" } },
      { method: "POST", path: "/services/1/terminate" },
      { method: "POST", path: "/services/1/terminate/confirm", body: { token: "tok3n" } },
    ]);
  });

  it("rejects a wrong shape, naming the operation and field", async () => {
    const ovh = new FakeOvh().reply({ ...expanded, serviceId: "123456" });
    const error = await services.getService(ovh, 123456).catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.operation).toBe("GET /services/{serviceId}");
    expect(error.message).toContain("at serviceId:");
  });
});
