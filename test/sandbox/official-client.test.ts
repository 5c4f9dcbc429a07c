/** The official `ovh` Node client, unchanged, against the sandbox over TLS. */
import * as https from "node:https";
import { Json, SEED, TestSandbox, advance, startSandbox } from "./helpers";

type OvhClient = {
  requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<Json>;
};

describe("official ovh client over TLS", () => {
  let sandbox: TestSandbox;
  let ovh: OvhClient;
  let previousCa: unknown;

  beforeAll(async () => {
    sandbox = await startSandbox({ tls: true });
    // The client uses https.request without an agent: trust the sandbox's self-signed certificate globally.
    previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = sandbox.ca;
    const port = Number(new URL(sandbox.url).port);
    ovh = require("ovh")({
      appKey: sandbox.applicationKey,
      appSecret: sandbox.applicationSecret,
      consumerKey: sandbox.consumerKey,
      host: "127.0.0.1",
      port,
      basePath: "/1.0",
    });
  });

  afterAll(async () => {
    https.globalAgent.options.ca = previousCa as string | undefined;
    https.globalAgent.destroy();
    await sandbox.stop();
  });

  it("reads the time, lists tenants, orders, changes and cancels a subscription", async () => {
    const time = await ovh.requestPromised("GET", "/auth/time");
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(5);

    expect(await ovh.requestPromised("GET", "/saas/csp2")).toEqual([SEED.contoso, SEED.fabrikam]);
    const base = `/saas/csp2/${SEED.contoso}`;
    const before: number[] = await ovh.requestPromised("GET", `${base}/subscription`);

    const task = await ovh.requestPromised("POST", `${base}/subscription`, { licenseId: 1001, quantity: 4 });
    expect(task).toMatchObject({ function: "createSubscription", status: "todo", finishDate: null });
    await advance(sandbox, 100);
    expect(await ovh.requestPromised("GET", `${base}/task/${task.id}`)).toMatchObject({ status: "done" });

    const after: number[] = await ovh.requestPromised("GET", `${base}/subscription`);
    const created = after.filter((id) => !before.includes(id));
    expect(created).toHaveLength(1);
    const id = created[0];
    expect(await ovh.requestPromised("GET", `${base}/subscription/${id}`)).toMatchObject({
      licenseId: 1001,
      quantity: 4,
      taskPendingId: 0,
    });

    const change = await ovh.requestPromised("POST", `${base}/subscription/${id}/changeQuantity`, {
      quantity: 6,
    });
    expect((await ovh.requestPromised("GET", `${base}/subscription/${id}`)).taskPendingId).toBe(change.id);
    await advance(sandbox, 100);
    expect(await ovh.requestPromised("GET", `${base}/subscription/${id}`)).toMatchObject({
      quantity: 6,
      taskPendingId: 0,
    });

    const cancel = await ovh.requestPromised("DELETE", `${base}/subscription/${id}`);
    expect(cancel.function).toBe("deleteSubscription");
    await advance(sandbox, 100);
    expect(await ovh.requestPromised("GET", `${base}/task/${cancel.id}`)).toMatchObject({ status: "done" });
    expect(await ovh.requestPromised("GET", `${base}/subscription`)).toEqual(before);
  });

  it("reports a missing object as OVH's 404", async () => {
    await expect(ovh.requestPromised("GET", "/saas/csp2/csp2-999999")).rejects.toEqual({
      error: 404,
      message: "The requested object (Tenant csp2-999999) does not exist",
    });
  });

  it("passes query parameters in the signed URL", async () => {
    const stats = await ovh.requestPromised("GET", `/saas/csp2/${SEED.contoso}/usageStatistics`, {
      timePeriod: "lastWeek",
    });
    expect(stats).toHaveLength(7);
    const ids = await ovh.requestPromised("GET", "/services", { resourceName: SEED.fabrikam });
    expect(ids).toHaveLength(1);
  });
});
