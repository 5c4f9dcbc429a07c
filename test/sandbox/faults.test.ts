/** Fault injection and the call log. */
import { Json, SEED, TestSandbox, control, signedRequest, startSandbox, waitForTask } from "./helpers";

const base = `/saas/csp2/${SEED.contoso}`;

describe("sandbox fault injection", () => {
  let sandbox: TestSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ taskDelayMs: 2000 });
  });
  afterEach(() => sandbox.stop());

  const count = async (method: string, path: string): Promise<number> =>
    ((await control(sandbox, "GET", `/calls?method=${method}&path=${encodeURIComponent(path)}`)) as Json[])
      .length;

  it("answers a given 5xx a given number of times", async () => {
    await control(sandbox, "POST", "/faults", {
      kind: "status",
      method: "GET",
      path: "/saas/csp2",
      status: 503,
      times: 2,
    });
    for (let i = 0; i < 2; i += 1) {
      const res = await signedRequest(sandbox, "GET", "/saas/csp2");
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ class: "Server::InternalServerError" });
      expect(res.headers["x-ovh-queryid"]).toBeDefined();
    }
    expect((await signedRequest(sandbox, "GET", "/saas/csp2")).status).toBe(200);
    expect(await control(sandbox, "GET", "/faults")).toEqual([]);
  });

  it("answers 429 with Retry-After", async () => {
    await control(sandbox, "POST", "/faults", { kind: "rateLimit", path: "/saas/csp2/*", retryAfter: 7 });
    const res = await signedRequest(sandbox, "GET", `${base}/subscription`);
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("7");
    expect((await signedRequest(sandbox, "GET", `${base}/subscription`)).status).toBe(200);
  });

  it("adds latency", async () => {
    await control(sandbox, "POST", "/faults", { kind: "latency", path: "/saas/csp2", latencyMs: 150 });
    const started = Date.now();
    expect((await signedRequest(sandbox, "GET", "/saas/csp2")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("resets the connection without answering", async () => {
    await control(sandbox, "POST", "/faults", { kind: "reset", method: "GET", path: "/saas/csp2" });
    await expect(signedRequest(sandbox, "GET", "/saas/csp2")).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await signedRequest(sandbox, "GET", "/saas/csp2")).status).toBe(200);
  });

  it("commits a mutation but loses the response (connection reset)", async () => {
    await control(sandbox, "POST", "/faults", {
      kind: "commitThenReset",
      method: "POST",
      path: "/saas/csp2/*/subscription",
    });
    await control(sandbox, "DELETE", "/calls");
    await expect(
      signedRequest(sandbox, "POST", `${base}/subscription`, { licenseId: 1001, quantity: 2 }),
    ).rejects.toThrow();
    expect(await count("POST", "/saas/csp2/*/subscription")).toBe(1);
    // The client got nothing, yet the order happened: a pending task exists and then a new subscription.
    const pending: number[] = (await signedRequest(sandbox, "GET", `${base}/task`)).body as number[];
    expect(pending).toHaveLength(1);
    const task = await waitForTask(sandbox, SEED.contoso, pending[0] as number);
    expect(task).toMatchObject({ function: "createSubscription", status: "done" });
  });

  it("commits a mutation but answers a 5xx", async () => {
    await control(sandbox, "POST", "/faults", {
      kind: "commitThenStatus",
      method: "PUT",
      path: base,
      status: 502,
    });
    const res = await signedRequest(sandbox, "PUT", base, { displayName: "Renamed" });
    expect(res.status).toBe(502);
    expect(((await signedRequest(sandbox, "GET", base)).body as Json).displayName).toBe("Renamed");
  });

  it("commits a mutation but answers its 2xx status with a body that is not OVH's JSON", async () => {
    await control(sandbox, "POST", "/faults", { kind: "commitThenUnreadable", method: "PUT", path: base });
    const res = await signedRequest(sandbox, "PUT", base, { displayName: "Behind a proxy" });
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toMatch(/text\/html/);
    expect(typeof res.body).toBe("string");
    expect(res.body).toMatch(/<html>/);
    expect(((await signedRequest(sandbox, "GET", base)).body as Json).displayName).toBe("Behind a proxy");
  });

  it("logs OVH calls (not control calls) with caller and status, and clears the log", async () => {
    await control(sandbox, "DELETE", "/calls");
    await signedRequest(sandbox, "GET", `${base}/subscription`);
    await signedRequest(sandbox, "GET", "/saas/csp2/unknown");
    const calls = (await control(sandbox, "GET", "/calls")) as Json[];
    const ovhCalls = calls.filter((c) => c.path !== "/auth/time");
    expect(ovhCalls).toEqual([
      expect.objectContaining({
        method: "GET",
        path: `${base}/subscription`,
        status: 200,
        caller: `consumerKey:${sandbox.consumerKey}`,
      }),
      expect.objectContaining({ method: "GET", path: "/saas/csp2/unknown", status: 404 }),
    ]);
    expect(calls.every((c) => !String(c.path).startsWith("/_sandbox"))).toBe(true);
    await control(sandbox, "DELETE", "/calls");
    expect(await control(sandbox, "GET", "/calls")).toEqual([]);
  });

  it("rejects malformed fault rules", async () => {
    await expect(control(sandbox, "POST", "/faults", { kind: "explode" })).rejects.toThrow(/400/);
    await expect(control(sandbox, "POST", "/faults", { kind: "status", status: 404 })).rejects.toThrow(/400/);
  });
});
