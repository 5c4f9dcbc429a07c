import * as csp2 from "../../../provider/api/csp2";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const task = { id: 77, function: "addSubscription", status: "todo", todoDate: "2024-06-01T10:00:00+02:00" };

const tenant = {
  address: "1 rue de la Paix",
  city: "Paris",
  creationDate: "2024-01-02T03:04:05+01:00",
  displayName: "Contoso",
  email: "it@contoso.example",
  firstName: "Ada",
  lastName: "Lovelace",
  mpnId: null,
  mpnIssueFlag: null,
  phone: "+33.123456789",
  serviceName: "csp2-12345",
  status: "ok",
  zipCode: "75002",
};

describe("csp2 requests", () => {
  it("lists tenants, with iamTags sent as JSON only when given", async () => {
    const ovh = new FakeOvh().reply(["csp2-1"], ["csp2-2"]);
    await expect(csp2.listTenants(ovh)).resolves.toEqual(["csp2-1"]);
    await csp2.listTenants(ovh, { iamTags: { env: [{ operator: "EQ", value: "prod" }] } });
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/saas/csp2" },
      { method: "GET", path: "/saas/csp2", query: { iamTags: '{"env":[{"operator":"EQ","value":"prod"}]}' } },
    ]);
  });

  it("encodes the service name in paths", async () => {
    const ovh = new FakeOvh().reply(tenant);
    await csp2.getTenant(ovh, "a b/c?d#é");
    expect(ovh.only).toEqual({ method: "GET", path: "/saas/csp2/a%20b%2Fc%3Fd%23%C3%A9" });
  });

  it("updateTenant sends only the writable fields that are set", async () => {
    const ovh = new FakeOvh();
    const changes = { displayName: "Contoso EU", mpnId: null, city: undefined, serviceName: "other" };
    await expect(csp2.updateTenant(ovh, "csp2-1", changes)).resolves.toBeUndefined();
    expect(ovh.only).toEqual({
      method: "PUT",
      path: "/saas/csp2/csp2-1",
      body: { displayName: "Contoso EU", mpnId: null },
    });
  });

  it("updateServiceInfos sends the renew object", async () => {
    const ovh = new FakeOvh();
    await csp2.updateServiceInfos(ovh, "csp2-1", {
      renew: { automatic: true, deleteAtExpiration: true, forced: false },
    });
    expect(ovh.only).toEqual({
      method: "PUT",
      path: "/saas/csp2/csp2-1/serviceInfos",
      body: { renew: { automatic: true, deleteAtExpiration: true, forced: false } },
    });
  });

  it("creates, resizes, extends and deletes subscriptions, returning the task", async () => {
    const ovh = new FakeOvh().reply(task, task, task, task);
    await expect(csp2.createSubscription(ovh, "csp2-1", { licenseId: 11, quantity: 3 })).resolves.toEqual(
      task,
    );
    await csp2.changeSubscriptionQuantity(ovh, "csp2-1", 5, { quantity: 7 });
    await csp2.orderSubscriptionAddon(ovh, "csp2-1", 5, { licenseId: 12, quantity: 2 });
    await csp2.deleteSubscription(ovh, "csp2-1", 5);
    expect(ovh.requests).toEqual([
      { method: "POST", path: "/saas/csp2/csp2-1/subscription", body: { licenseId: 11, quantity: 3 } },
      { method: "POST", path: "/saas/csp2/csp2-1/subscription/5/changeQuantity", body: { quantity: 7 } },
      {
        method: "POST",
        path: "/saas/csp2/csp2-1/subscription/5/orderAddon",
        body: { licenseId: 12, quantity: 2 },
      },
      { method: "DELETE", path: "/saas/csp2/csp2-1/subscription/5" },
    ]);
  });

  it("sends the legacy configureDomain and changeAdministratorPassword bodies", async () => {
    const ovh = new FakeOvh().reply(task, task);
    await csp2.configureDomain(ovh, "csp2-1", {
      domain: "contoso.example",
      supportedServices: ["Email", "Intune"],
    });
    await csp2.changeAdministratorPassword(ovh, "csp2-1", { newPassword: "s3cret!" });
    expect(ovh.requests).toEqual([
      {
        method: "POST",
        path: "/saas/csp2/csp2-1/configureDomain",
        body: { domain: "contoso.example", supportedServices: ["Email", "Intune"] },
      },
      {
        method: "POST",
        path: "/saas/csp2/csp2-1/changeAdministratorPassword",
        body: { newPassword: "s3cret!" },
      },
    ]);
  });

  it("reads usage statistics for the required time period", async () => {
    const stats = [
      { date: "2024-06-01", lines: [{ endOfDayCount: 3, licenceId: 1, licenceName: "E3", peakCount: 4 }] },
    ];
    const ovh = new FakeOvh().reply(stats);
    await expect(csp2.getUsageStatistics(ovh, "csp2-1", "lastWeek")).resolves.toEqual(stats);
    expect(ovh.only).toEqual({
      method: "GET",
      path: "/saas/csp2/csp2-1/usageStatistics",
      query: { timePeriod: "lastWeek" },
    });
  });

  it("addresses ids under the subscription, task and licence routes", async () => {
    const ovh = new FakeOvh().reply([1], [2], [3], [4]);
    await csp2.listAddonSubscriptionIds(ovh, "t", 9);
    await csp2.listAvailableAddonLicenses(ovh, "t", 9);
    await csp2.listTasks(ovh, "t");
    await csp2.listOrderableLicenses(ovh, "t");
    expect(ovh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /saas/csp2/t/subscription/9/addonsSubscriptionIds",
      "GET /saas/csp2/t/subscription/9/availableAddonLicenses",
      "GET /saas/csp2/t/task",
      "GET /saas/csp2/t/orderableLicenses",
    ]);
  });
});

describe("csp2 models", () => {
  it("keeps unknown fields and unknown enum values", async () => {
    const answer = {
      ...tenant,
      status: "migrating",
      newField: { nested: true },
      iam: {
        id: "9b0e…",
        urn: "urn:v1:eu:resource:cspReseller:csp2-12345",
        tags: { "ovh:x": "y" },
        extra: 1,
      },
    };
    const ovh = new FakeOvh().reply(answer);
    const parsed = await csp2.getTenant(ovh, "csp2-12345");
    expect(parsed).toEqual(answer);
    expect(parsed.status).toBe("migrating");
    expect(parsed["newField"]).toEqual({ nested: true });
  });

  it("accepts an unknown task status and missing nullable fields", async () => {
    const ovh = new FakeOvh().reply({ ...task, status: "paused" });
    await expect(csp2.getTask(ovh, "t", 77)).resolves.toMatchObject({ status: "paused", id: 77 });
  });

  it("parses subscriptions, licences, billing peaks and service infos", async () => {
    const subscription = {
      creationDate: "2024-01-01T00:00:00Z",
      id: 5,
      lastUpdate: null,
      licenseId: 11,
      quantity: 3,
      status: "ok",
      taskPendingId: 0,
    };
    const licence = {
      id: 11,
      licenceType: "NON-SPECIFIC",
      limit: null,
      name: "Microsoft 365 E3",
      newSeatsAllowed: true,
      newSubscriptionsAllowed: true,
    };
    const peaks = { startDate: "2024-06-01", endDate: "2024-06-30", lines: [] };
    const infos = {
      canDeleteAtExpiration: true,
      contactAdmin: "ab123-ovh",
      contactBilling: "ab123-ovh",
      contactTech: "ab123-ovh",
      creation: "2024-01-01",
      domain: "csp2-1",
      engagedUpTo: null,
      expiration: "2025-01-01",
      possibleRenewPeriod: [1, 12],
      renew: { automatic: true, deleteAtExpiration: false, forced: false, manualPayment: null, period: 1 },
      renewalType: "automaticV2016",
      serviceId: 123456,
      status: "ok",
    };
    const ovh = new FakeOvh().reply(subscription, licence, peaks, infos);
    await expect(csp2.getSubscription(ovh, "t", 5)).resolves.toEqual(subscription);
    await expect(csp2.getOrderableLicense(ovh, "t", 11)).resolves.toEqual(licence);
    await expect(csp2.getBillingPeriodPeaks(ovh, "t")).resolves.toEqual(peaks);
    await expect(csp2.getServiceInfos(ovh, "t")).resolves.toEqual(infos);
  });

  it("rejects a wrong shape, naming the operation and the field", async () => {
    const ovh = new FakeOvh().reply({ ...task, id: "77" });
    const error = await csp2.createSubscription(ovh, "csp2-1", { licenseId: 1, quantity: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.operation).toBe("POST /saas/csp2/{serviceName}/subscription");
    expect(error.path).toBe("/saas/csp2/csp2-1/subscription");
    expect(error.issues).toEqual([expect.objectContaining({ path: "id" })]);
    expect(error.message).toContain("POST /saas/csp2/csp2-1/subscription");
    expect(error.message).toContain("at id:");
  });

  it("names nested fields in array elements", async () => {
    const ovh = new FakeOvh().reply([
      { date: "2024-06-01", lines: [{ endOfDayCount: 1, licenceId: 1, licenceName: "x" }] },
    ]);
    await expect(csp2.getUsageStatistics(ovh, "t", "lastMonth")).rejects.toThrow(
      /at \[0\]\.lines\[0\]\.peakCount/,
    );
  });

  it("rejects a non-integer id (OVH long)", async () => {
    const ovh = new FakeOvh().reply([1, 2.5]);
    await expect(csp2.listSubscriptions(ovh, "t")).rejects.toThrow(
      /GET \/saas\/csp2\/t\/subscription .*at \[1\]/,
    );
  });

  it("infers open enum types that still accept the known values", () => {
    const parsed: csp2.OfficeTask = csp2.OfficeTask.parse(task);
    const status: csp2.TaskStatus = parsed.status;
    const known: readonly string[] = csp2.FINAL_TASK_STATUSES;
    expect(known.includes(status)).toBe(false);
    expect(status).toBe("todo");
  });

  it("exports the known enum values", () => {
    expect(csp2.TASK_STATUSES).toEqual(["cancelled", "doing", "done", "error", "todo"]);
    expect(csp2.FINAL_TASK_STATUSES).toEqual(["cancelled", "done", "error"]);
    expect(csp2.SERVICE_STATES).toContain("reopening");
  });
});
