/**
 * Exposure (finding 3) and the call log (finding 6): beyond loopback the control routes need the token of the
 * ready line, the ready line names the real address and a warning goes to stderr; the Host header and
 * cross-site requests are checked; the call log is bounded and says when it drops entries.
 */
import { Json, SEED, TestSandbox, rawRequest, signedRequest, startSandbox } from "./helpers";

describe("sandbox exposure", () => {
  it("finding 3: bound beyond loopback, the control routes need the printed token and a warning is given", async () => {
    const warnings: string[] = [];
    const sandbox = await startSandbox({ host: "0.0.0.0", warn: (line) => warnings.push(line) });
    try {
      expect(sandbox.listening).toMatch(/^0\.0\.0\.0:\d+$/);
      expect(new URL(sandbox.url).hostname).not.toBe("127.0.0.1");
      expect(sandbox.controlToken).toMatch(/^[\w-]{24,}$/);
      expect(warnings.join("\n")).toMatch(/WARNING: listening on 0\.0\.0\.0:\d+.*controlToken/s);
      const port = new URL(sandbox.url).port;
      const local = `http://127.0.0.1:${port}`;
      for (const path of ["/state", "/calls", "/time", "/routes"]) {
        const res = await rawRequest({ method: "GET", url: `${local}/_sandbox${path}` });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ class: "Client::Unauthorized" });
        expect(res.headers["x-ovh-queryid"]).toEqual(expect.any(String));
      }
      const wrong = await rawRequest({
        method: "POST",
        url: `${local}/_sandbox/time/advance`,
        headers: { "X-Sandbox-Token": "not-the-token", "Content-Type": "application/json" },
        body: '{"ms":1000}',
      });
      expect(wrong.status).toBe(401);
      const state = await rawRequest({
        method: "GET",
        url: `${local}/_sandbox/state`,
        headers: { "X-Sandbox-Token": sandbox.controlToken ?? "" },
      });
      expect(state.status).toBe(200);
      // The OVH routes still answer through loopback, with the usual credentials.
      const viaLoopback = { ...sandbox, url: `${local}/1.0` };
      expect((await signedRequest(viaLoopback, "GET", `/saas/csp2/${SEED.contoso}`)).status).toBe(200);
      // The validation link of a new consumer key carries the token.
      const credential = await rawRequest({
        method: "POST",
        url: `${local}/1.0/auth/credential`,
        headers: { "Content-Type": "application/json", "X-Ovh-Application": sandbox.applicationKey },
        body: JSON.stringify({ accessRules: [{ method: "GET", path: "/*" }] }),
      });
      const link = new URL((credential.body as Json).validationUrl);
      const validated = await rawRequest({ method: "GET", url: `${local}${link.pathname}${link.search}` });
      expect(validated.status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });

  it("finding 3: on loopback no token is needed and no warning is given", async () => {
    const warnings: string[] = [];
    const sandbox = await startSandbox({ warn: (line) => warnings.push(line) });
    try {
      expect(sandbox.controlToken).toBeUndefined();
      expect(sandbox.listening).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(warnings).toEqual([]);
      expect((await rawRequest({ method: "GET", url: `${sandbox.controlUrl}/time` })).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });

  describe("finding 3: Host header and cross-site requests", () => {
    let sandbox: TestSandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ allowHosts: ["sandbox.internal"] });
    });
    afterAll(() => sandbox.stop());

    it("refuses a Host that is not the sandbox's (DNS rebinding), on every kind of route", async () => {
      const port = new URL(sandbox.url).port;
      for (const url of [
        `${sandbox.url}/auth/time`,
        `${sandbox.controlUrl}/state`,
        `${sandbox.url}/saas/csp2`,
      ]) {
        const res = await rawRequest({ method: "GET", url, headers: { Host: `evil.example:${port}` } });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ class: "Client::BadRequest" });
        expect(res.headers["x-ovh-queryid"]).toEqual(expect.any(String));
      }
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `sandbox.internal:${port}`, "[::1]"]) {
        const res = await rawRequest({
          method: "GET",
          url: `${sandbox.url}/auth/time`,
          headers: { Host: host },
        });
        expect(res.status).toBe(200);
      }
    });

    it("refuses cross-site requests from a web page without acting", async () => {
      const before = ((await rawRequest({ method: "GET", url: `${sandbox.controlUrl}/time` })).body as Json)
        .offsetMs;
      const crossSite: Record<string, string>[] = [
        { Origin: "https://evil.example" },
        { Origin: "null" },
        { "Sec-Fetch-Site": "cross-site" },
      ];
      for (const headers of crossSite) {
        const res = await rawRequest({
          method: "POST",
          url: `${sandbox.controlUrl}/time/advance`,
          headers: { "Content-Type": "text/plain", ...headers },
          body: '{"ms":3600000}',
        });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ class: "Client::Forbidden" });
        const order = await rawRequest({
          method: "POST",
          url: `${sandbox.url}/order/cart`,
          headers: { "Content-Type": "text/plain", ...headers },
          body: '{"ovhSubsidiary":"FR"}',
        });
        expect(order.status).toBe(403);
      }
      const after = ((await rawRequest({ method: "GET", url: `${sandbox.controlUrl}/time` })).body as Json)
        .offsetMs;
      expect(after).toBe(before);
      expect(
        ((await rawRequest({ method: "GET", url: `${sandbox.controlUrl}/state` })).body as Json).state.order
          .carts,
      ).toEqual({});
      // The sandbox's own origin is fine.
      const own = await rawRequest({
        method: "GET",
        url: `${sandbox.controlUrl}/time`,
        headers: { Origin: new URL(sandbox.url).origin },
      });
      expect(own.status).toBe(200);
    });
  });
});

describe("finding 6: the call log is bounded", () => {
  it("keeps the last entries, counts the dropped ones and says so once", async () => {
    const lines: string[] = [];
    const sandbox = await startSandbox({ callLogLimit: 50, log: (line) => lines.push(line) });
    try {
      for (let i = 0; i < 130; i += 1) {
        await rawRequest({ method: "GET", url: `${sandbox.url}/auth/time?i=${i}` });
      }
      const res = await rawRequest({ method: "GET", url: `${sandbox.controlUrl}/calls` });
      const calls = res.body as Json[];
      expect(calls.length).toBeLessThanOrEqual(50);
      expect(calls.length).toBeGreaterThanOrEqual(40);
      expect(calls[calls.length - 1].query).toBe("i=129");
      expect(Number(res.headers["x-sandbox-calls-dropped"])).toBe(130 - calls.length);
      expect(lines.filter((l) => /call log keeps the last 50 calls/.test(l))).toHaveLength(1);
    } finally {
      await sandbox.stop();
    }
  });

  it("has a default bound", async () => {
    const { DEFAULT_CALL_LOG_LIMIT } = await import("../../sandbox");
    expect(DEFAULT_CALL_LOG_LIMIT).toBeLessThanOrEqual(10_000);
  });
});
