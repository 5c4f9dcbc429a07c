/** /saas/csp2 behaviour: async tasks, busy subscriptions, business rules, statistics, legacy operations. */
import {
  Json,
  SEED,
  TestSandbox,
  advance,
  control,
  signedRequest,
  startSandbox,
  waitForTask,
} from "./helpers";

const base = `/saas/csp2/${SEED.contoso}`;
const LIC = {
  businessBasic: 1001,
  businessStandard: 1002,
  businessPremium: 1003,
  e1: 1006,
  a1Students: 1013,
  legacyE1: 1017,
  teamsEssentials: 1018,
  archiving: 2001,
  defender: 2002,
  intune: 2005,
};

describe("saas/csp2", () => {
  let sandbox: TestSandbox;
  const call = (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> =>
    signedRequest(sandbox, method, path, body) as Promise<{ status: number; body: Json }>;
  const subscriptionOf = async (licenseId: number): Promise<Json> => {
    const ids: number[] = (await call("GET", `${base}/subscription`)).body;
    for (const id of ids) {
      const s = (await call("GET", `${base}/subscription/${id}`)).body;
      if (s.licenseId === licenseId) return s;
    }
    return undefined;
  };

  beforeEach(async () => {
    sandbox = await startSandbox({ taskDelayMs: 4000, legacy: true });
  });
  afterEach(() => sandbox.stop());

  it("serves the seeded catalogue, tenants and subscriptions", async () => {
    const licences: number[] = (await call("GET", `${base}/orderableLicenses`)).body;
    expect(licences.length).toBeGreaterThanOrEqual(20);
    const models = await Promise.all(
      licences.map(async (id) => (await call("GET", `${base}/orderableLicenses/${id}`)).body),
    );
    expect(models.find((l) => l.id === LIC.businessBasic)).toEqual({
      id: LIC.businessBasic,
      licenceType: "NON-SPECIFIC",
      limit: 300,
      name: "Microsoft 365 Business Basic",
      newSeatsAllowed: true,
      newSubscriptionsAllowed: true,
    });
    expect(models.some((l) => l.newSubscriptionsAllowed === false)).toBe(true);
    expect(models.some((l) => l.newSeatsAllowed === false)).toBe(true);
    expect(models.filter((l) => l.licenceType === "ADDON").length).toBeGreaterThanOrEqual(4);
    expect(models.some((l) => /A1/.test(l.name) && /students/.test(l.name))).toBe(true);

    const tenant = (await call("GET", base)).body;
    expect(tenant).toMatchObject({ serviceName: SEED.contoso, status: "ok", displayName: "Contoso Ltd" });
    expect(tenant.iam.urn).toBe(`urn:v1:eu:resource:cspReseller:${SEED.contoso}`);
    const standard = await subscriptionOf(LIC.businessStandard);
    expect(standard).toMatchObject({ quantity: 30, status: "active", taskPendingId: 0 });
    const addons = (await call("GET", `${base}/subscription/${standard.id}/addonsSubscriptionIds`)).body;
    expect(addons).toHaveLength(1);
    expect((await call("GET", `${base}/subscription/${standard.id}/availableAddonLicenses`)).body).toContain(
      LIC.archiving,
    );

    const infos = (await call("GET", `${base}/serviceInfos`)).body;
    expect(infos).toMatchObject({
      canDeleteAtExpiration: true,
      domain: SEED.contoso,
      renew: { deleteAtExpiration: false },
    });
    expect(infos.expiration > new Date().toISOString().slice(0, 10)).toBe(true);
  });

  it("runs tasks todo -> doing -> done and shows taskPendingId meanwhile", async () => {
    const standard = await subscriptionOf(LIC.businessStandard);
    const task = (await call("POST", `${base}/subscription/${standard.id}/changeQuantity`, { quantity: 31 }))
      .body;
    expect(task).toMatchObject({ status: "todo", function: "changeQuantity", finishDate: null });
    expect((await call("GET", `${base}/task`)).body).toEqual([task.id]);
    expect((await call("GET", `${base}/subscription/${standard.id}`)).body).toMatchObject({
      quantity: 30,
      taskPendingId: task.id,
    });

    // A second mutation on the busy subscription is refused.
    const busy = await call("POST", `${base}/subscription/${standard.id}/changeQuantity`, { quantity: 32 });
    expect(busy.status).toBe(409);
    expect(busy.body.class).toBe("Client::Conflict");
    expect((await call("DELETE", `${base}/subscription/${standard.id}`)).status).toBe(409);

    await advance(sandbox, 2100);
    expect((await call("GET", `${base}/task/${task.id}`)).body.status).toBe("doing");
    await advance(sandbox, 2000);
    const done = (await call("GET", `${base}/task/${task.id}`)).body;
    expect(done.status).toBe("done");
    expect(done.finishDate).not.toBeNull();
    expect((await call("GET", `${base}/subscription/${standard.id}`)).body).toMatchObject({
      quantity: 31,
      taskPendingId: 0,
    });
    expect((await call("GET", `${base}/task`)).body).toEqual([]);
  });

  it("creates a subscription only when its task is done, and add-ons from the parent's list", async () => {
    const before: number[] = (await call("GET", `${base}/subscription`)).body;
    const task = (await call("POST", `${base}/subscription`, { licenseId: LIC.e1, quantity: 12 })).body;
    expect((await call("GET", `${base}/subscription`)).body).toEqual(before);
    await waitForTask(sandbox, SEED.contoso, task.id);
    const e1 = await subscriptionOf(LIC.e1);
    expect(e1).toMatchObject({ quantity: 12, taskPendingId: 0 });

    const notAvailable = await call("POST", `${base}/subscription/${e1.id}/orderAddon`, {
      licenseId: LIC.intune,
      quantity: 1,
    });
    expect(notAvailable.status).toBe(400);
    const addonTask = (
      await call("POST", `${base}/subscription/${e1.id}/orderAddon`, {
        licenseId: LIC.defender,
        quantity: 12,
      })
    ).body;
    expect((await call("GET", `${base}/subscription/${e1.id}`)).body.taskPendingId).toBe(addonTask.id);
    await waitForTask(sandbox, SEED.contoso, addonTask.id);
    const addonIds: number[] = (await call("GET", `${base}/subscription/${e1.id}/addonsSubscriptionIds`))
      .body;
    expect(addonIds).toHaveLength(1);
    expect((await call("GET", `${base}/subscription/${addonIds[0]}`)).body).toMatchObject({
      licenseId: LIC.defender,
      quantity: 12,
    });

    // Cancelling the base subscription also removes its add-ons.
    const cancel = (await call("DELETE", `${base}/subscription/${e1.id}`)).body;
    await waitForTask(sandbox, SEED.contoso, cancel.id);
    expect((await call("GET", `${base}/subscription/${e1.id}`)).status).toBe(404);
    expect((await call("GET", `${base}/subscription/${addonIds[0]}`)).status).toBe(404);
  });

  it("enforces quantities, limits and the licence flags", async () => {
    const post = (body: unknown): Promise<{ status: number; body: Json }> =>
      call("POST", `${base}/subscription`, body);
    for (const quantity of [0, -3, 1.5, "2"]) {
      expect((await post({ licenseId: LIC.businessBasic, quantity })).status).toBe(400);
    }
    expect((await post({ licenseId: LIC.businessBasic })).status).toBe(400);
    expect((await post({ licenseId: 424242, quantity: 1 })).status).toBe(400);
    expect((await post({ licenseId: LIC.archiving, quantity: 1 })).status).toBe(400);

    // Business plans are limited to 300 seats per tenant (30 Business Standard seats already in use).
    const tooMany = await post({ licenseId: LIC.businessStandard, quantity: 271 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/limit of 300/);
    expect((await post({ licenseId: LIC.businessStandard, quantity: 270 })).status).toBe(200);
    // Pending creations count too.
    expect((await post({ licenseId: LIC.businessStandard, quantity: 1 })).status).toBe(400);

    const legacy = await post({ licenseId: LIC.legacyE1, quantity: 1 });
    expect(legacy.status).toBe(400);
    expect(legacy.body.message).toMatch(/New subscriptions are not allowed/);

    const fixed = await subscriptionOf(LIC.teamsEssentials);
    const more = await call("POST", `${base}/subscription/${fixed.id}/changeQuantity`, {
      quantity: fixed.quantity + 1,
    });
    expect(more.status).toBe(400);
    expect(more.body.message).toMatch(/New seats are not allowed/);
    expect(
      (
        await call("POST", `${base}/subscription/${fixed.id}/changeQuantity`, {
          quantity: fixed.quantity - 1,
        })
      ).status,
    ).toBe(200);

    // The legacy licence cannot be subscribed again, but its existing subscription can grow.
    const legacySub = await subscriptionOf(LIC.legacyE1);
    expect(
      (await call("POST", `${base}/subscription/${legacySub.id}/changeQuantity`, { quantity: 9 })).status,
    ).toBe(200);
  });

  it("refuses mutations on a tenant that is not ok, and creates new tenants asynchronously", async () => {
    await control(sandbox, "PUT", `/csp2/tenants/${SEED.contoso}`, { status: "suspended" });
    const refused = await call("POST", `${base}/subscription`, { licenseId: LIC.businessBasic, quantity: 1 });
    expect(refused.status).toBe(409);
    await control(sandbox, "PUT", `/csp2/tenants/${SEED.contoso}`, { status: "ok" });

    const created = await control(sandbox, "POST", "/csp2/tenants", { displayName: "Northwind" });
    expect(created.status).toBe("creating");
    const sn = created.serviceName;
    expect(
      (await call("POST", `/saas/csp2/${sn}/subscription`, { licenseId: LIC.businessBasic, quantity: 1 }))
        .status,
    ).toBe(409);
    await advance(sandbox, 100);
    expect((await call("GET", `/saas/csp2/${sn}`)).body.status).toBe("ok");
    const serviceIds = (await call("GET", `/services?resourceName=${sn}&routes=/saas/csp2/{serviceName}`))
      .body;
    expect(serviceIds).toHaveLength(1);
    const service = (await call("GET", `/services/${serviceIds[0]}`)).body;
    expect(service.route).toEqual({
      path: "/saas/csp2/{serviceName}",
      url: `/saas/csp2/${sn}`,
      vars: [{ key: "serviceName", value: sn }],
    });
  });

  it("edits tenants and service infos", async () => {
    expect(
      (await call("PUT", base, { displayName: "Contoso Group", mpnId: "1234567", status: "suspended" }))
        .status,
    ).toBe(200);
    expect((await call("GET", base)).body).toMatchObject({
      displayName: "Contoso Group",
      mpnId: "1234567",
      status: "ok",
    });
    expect((await call("PUT", base, { email: "not-an-email" })).status).toBe(400);

    expect(
      (
        await call("PUT", `${base}/serviceInfos`, {
          renew: { deleteAtExpiration: true, automatic: true, forced: false },
        })
      ).status,
    ).toBe(200);
    expect((await call("GET", `${base}/serviceInfos`)).body.renew.deleteAtExpiration).toBe(true);
    const serviceId = (await call("GET", `${base}/serviceInfos`)).body.serviceId;
    expect(
      (await call("GET", `/services/${serviceId}`)).body.billing.lifecycle.current.pendingActions,
    ).toEqual(["terminateAtExpirationDate"]);
    expect(
      (await call("PUT", `/services/${serviceId}`, { terminationPolicy: "empty", displayName: "Contoso" }))
        .status,
    ).toBe(200);
    expect((await call("GET", `${base}/serviceInfos`)).body.renew.deleteAtExpiration).toBe(false);
  });

  it("keeps seat history for usage statistics and billing-period peaks", async () => {
    const premium = await subscriptionOf(LIC.businessPremium);
    const up = (await call("POST", `${base}/subscription/${premium.id}/changeQuantity`, { quantity: 40 }))
      .body;
    await waitForTask(sandbox, SEED.contoso, up.id);
    const down = (await call("POST", `${base}/subscription/${premium.id}/changeQuantity`, { quantity: 15 }))
      .body;
    await waitForTask(sandbox, SEED.contoso, down.id);

    const peaks = (await call("GET", `${base}/billingPeriodPeaks`)).body;
    expect(peaks.lines.find((l: Json) => l.licenceId === LIC.businessPremium)).toEqual({
      licenceId: LIC.businessPremium,
      licenceName: "Microsoft 365 Business Premium",
      peakCount: 40,
    });
    const stats = (await call("GET", `${base}/usageStatistics?timePeriod=lastMonth`)).body;
    expect(stats).toHaveLength(30);
    const today = stats[stats.length - 1].lines.find((l: Json) => l.licenceId === LIC.businessPremium);
    expect(today).toMatchObject({ peakCount: 40, endOfDayCount: 15 });
    const earlier = stats[0].lines.find((l: Json) => l.licenceId === LIC.businessPremium);
    expect(earlier).toMatchObject({ peakCount: 10, endOfDayCount: 10 });

    expect((await call("GET", `${base}/usageStatistics`)).status).toBe(400);
    expect((await call("GET", `${base}/usageStatistics?timePeriod=lastDecade`)).status).toBe(400);
  });

  it("lets the next task fail on demand", async () => {
    const standard = await subscriptionOf(LIC.businessStandard);
    await control(sandbox, "POST", "/csp2/tasks/fail-next", { subscriptionId: standard.id });
    const task = (await call("POST", `${base}/subscription/${standard.id}/changeQuantity`, { quantity: 35 }))
      .body;
    expect((await waitForTask(sandbox, SEED.contoso, task.id)).status).toBe("error");
    expect((await call("GET", `${base}/subscription/${standard.id}`)).body).toMatchObject({
      quantity: 30,
      taskPendingId: 0,
    });
  });

  it("applies out-of-band changes", async () => {
    const standard = await subscriptionOf(LIC.businessStandard);
    await control(sandbox, "PUT", `/csp2/tenants/${SEED.contoso}/subscriptions/${standard.id}`, {
      quantity: 33,
      status: "suspended",
    });
    expect((await call("GET", `${base}/subscription/${standard.id}`)).body).toMatchObject({
      quantity: 33,
      status: "suspended",
    });
    const extra = await control(sandbox, "POST", `/csp2/tenants/${SEED.contoso}/subscriptions`, {
      licenseId: LIC.e1,
      quantity: 2,
    });
    expect((await call("GET", `${base}/subscription`)).body).toContain(extra.id);
    await control(sandbox, "DELETE", `/csp2/tenants/${SEED.contoso}/subscriptions/${extra.id}`);
    expect((await call("GET", `${base}/subscription/${extra.id}`)).status).toBe(404);
  });

  it("serves the legacy operations with --legacy only", async () => {
    const task = (
      await call("POST", `${base}/configureDomain`, {
        domain: "contoso.example",
        supportedServices: ["Email", "Intune"],
      })
    ).body;
    expect(task.function).toBe("configureDomain");
    await waitForTask(sandbox, SEED.contoso, task.id);
    const recorded = await control(sandbox, "GET", "/csp2/domain-configurations");
    expect(recorded).toEqual([
      expect.objectContaining({ domain: "contoso.example", supportedServices: ["Email", "Intune"] }),
    ]);
    expect(recorded[0].doneAt).not.toBeNull();
    expect(
      (await call("POST", `${base}/configureDomain`, { domain: "x.example", supportedServices: ["Fax"] }))
        .status,
    ).toBe(400);
    expect((await call("POST", `${base}/changeAdministratorPassword`, { newPassword: "short" })).status).toBe(
      400,
    );
    expect(
      (await call("POST", `${base}/changeAdministratorPassword`, { newPassword: "A-long-enough-passw0rd" }))
        .status,
    ).toBe(200);

    const current = await startSandbox();
    try {
      const res = await signedRequest(current, "POST", `${base}/configureDomain`, {
        domain: "contoso.example",
        supportedServices: ["Email"],
      });
      expect(res.status).toBe(404);
    } finally {
      await current.stop();
    }
  });
});
