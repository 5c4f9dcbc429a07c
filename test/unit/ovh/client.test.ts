import { createHash } from "node:crypto";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { generate } from "selfsigned";
import { createOvhClient, type OvhRequestLogEvent } from "../../../provider/ovh/client";
import { resolveOvhConfig } from "../../../provider/ovh/config";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "../../../provider/ovh/errors";
import { queryIdOf } from "../../../provider/ovh/response";
import { provesNotExecuted } from "../../../provider/ovh/outcome";
import type { OvhTransport, TransportRequest } from "../../../provider/ovh/transport";
import {
  AK,
  AS,
  CK,
  FakeClock,
  flush,
  freePort,
  recordingSleep,
  sendJson,
  startFakeOvh,
  v1Config,
  type FakeServer,
  type Recorded,
} from "./fakeOvh";

const SERVER_TIME = 1_900_000_000;

/** Recomputes the v1 signature of a received request (what OVH does on its side). */
function expectedSignature(origin: string, rec: Recorded): string {
  const ts = String(rec.headers["x-ovh-timestamp"]);
  const material = [AS, CK, rec.method, origin + rec.url, rec.body, ts].join("+");
  return "$1$" + createHash("sha1").update(material).digest("hex");
}

const servers: FakeServer[] = [];
async function fake(...args: Parameters<typeof startFakeOvh>): Promise<FakeServer> {
  const server = await startFakeOvh(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

describe("OvhClient over the wire (v1)", () => {
  it("tells OVH's time (serverNow) from the one /auth/time it also signs with", async () => {
    const server = await fake((req, res) => {
      if (req.url === "/1.0/auth/time") return sendJson(res, 200, SERVER_TIME);
      return sendJson(res, 200, { ok: true });
    });
    const localMs = 1_700_000_000_000;
    const client = createOvhClient(v1Config(server.baseUrl), { ...noSleep, now: () => localMs });
    await client.request({ method: "GET", path: "/saas/csp2" });
    expect(await client.serverNow()).toBe(SERVER_TIME * 1000);
    expect(server.requests.filter((r) => r.url === "/1.0/auth/time")).toHaveLength(1);
  });

  it("signs requests, fetches the server time once and reuses it across concurrent requests", async () => {
    const server = await fake((req, res) => {
      if (req.url === "/1.0/auth/time") return sendJson(res, 200, SERVER_TIME);
      return sendJson(res, 200, { ok: true, url: req.url });
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.request({ method: "GET", path: `/saas/csp2/t-${i}`, query: { n: i, skip: undefined } }),
      ),
    );
    expect(results).toHaveLength(20);
    const timeCalls = server.requests.filter((r) => r.url === "/1.0/auth/time");
    expect(timeCalls).toHaveLength(1);
    expect(timeCalls[0]?.headers["x-ovh-signature"]).toBeUndefined();
    expect(timeCalls[0]?.headers["x-ovh-application"]).toBe(AK);
    const signed = server.requests.filter((r) => r.url !== "/1.0/auth/time");
    expect(signed).toHaveLength(20);
    for (const rec of signed) {
      expect(rec.url).toMatch(/^\/1\.0\/saas\/csp2\/t-\d+\?n=\d+$/);
      expect(rec.headers["x-ovh-application"]).toBe(AK);
      expect(rec.headers["x-ovh-consumer"]).toBe(CK);
      expect(Math.abs(Number(rec.headers["x-ovh-timestamp"]) - SERVER_TIME)).toBeLessThanOrEqual(2);
      expect(rec.headers["x-ovh-signature"]).toBe(expectedSignature(server.origin, rec));
      expect(rec.headers["accept"]).toBe("application/json");
      expect(rec.headers["content-type"]).toBeUndefined();
    }
    await client.close();
  });

  it("signs the exact body bytes and query string sent", async () => {
    const server = await fake((req, res) => {
      if (req.url === "/1.0/auth/time") return sendJson(res, 200, SERVER_TIME);
      return sendJson(res, 200, null);
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    await client.request({
      method: "POST",
      path: "/saas/csp2/t/subscription",
      query: { "a b": "x&y=z/é", flag: true },
      body: { licenseId: 7, quantity: 3, name: "Café ☕" },
    });
    const rec = server.requests[1] as Recorded;
    expect(rec.url).toBe("/1.0/saas/csp2/t/subscription?a%20b=x%26y%3Dz%2F%C3%A9&flag=true");
    expect(rec.body).toBe('{"licenseId":7,"quantity":3,"name":"Caf\\u00e9 \\u2615"}');
    expect(rec.headers["content-type"]).toBe("application/json");
    expect(rec.headers["x-ovh-signature"]).toBe(expectedSignature(server.origin, rec));
    await client.close();
  });

  it("matches an independently computed signature end to end (injected transport, ovh-eu)", async () => {
    // printf '%s' 'EXAMPLE-SECRET+EXAMPLE-CONSUMER+POST+https://eu.api.ovh.com/1.0/me/x+{"name":"Caf\u00e9"}+1700000000' | sha1sum
    //   → 6fff617606e90b24ac6b14448fd0262339768fe4   (the \u00e9 is literal: that is the JSON text sent)
    const sent: TransportRequest[] = [];
    const transport: OvhTransport = {
      async send(req) {
        sent.push(req);
        const body = req.url.endsWith("/auth/time") ? "1700000000" : "";
        return { status: 200, headers: {}, body };
      },
      async close() {},
    };
    const config = resolveOvhConfig({
      explicit: {
        applicationKey: "AK",
        applicationSecret: "EXAMPLE-SECRET",
        consumerKey: "EXAMPLE-CONSUMER",
      },
      env: {},
    });
    const client = createOvhClient(config, { transport, now: () => 1_700_000_000_000 });
    await expect(
      client.request({ method: "POST", path: "/me/x", body: { name: "Café" } }),
    ).resolves.toBeNull();
    expect(sent[0]?.url).toBe("https://eu.api.ovh.com/1.0/auth/time");
    expect(sent[1]?.url).toBe("https://eu.api.ovh.com/1.0/me/x");
    expect(sent[1]?.headers["X-Ovh-Timestamp"]).toBe("1700000000");
    expect(sent[1]?.headers["X-Ovh-Signature"]).toBe("$1$6fff617606e90b24ac6b14448fd0262339768fe4");
  });

  it("skips signing for unauthenticated requests and drops /1.0 for /v2/ paths", async () => {
    const server = await fake((req, res) => sendJson(res, 200, { path: req.url }));
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    await expect(
      client.request({ method: "GET", path: "/order/cart", authenticated: false }),
    ).resolves.toEqual({
      path: "/1.0/order/cart",
    });
    expect(server.requests[0]?.headers["x-ovh-application"]).toBe(AK);
    expect(server.requests[0]?.headers["x-ovh-signature"]).toBeUndefined();
    expect(server.requests[0]?.headers["x-ovh-consumer"]).toBeUndefined();
    await client.request({ method: "GET", path: "/v2/iam/policy", authenticated: false });
    expect(server.requests[1]?.url).toBe("/v2/iam/policy");
    await client.close();
  });

  it("resolves null for empty 2xx bodies and parses JSON otherwise", async () => {
    const server = await fake((req, res) => {
      if (req.url.endsWith("/auth/time")) return sendJson(res, 200, SERVER_TIME);
      if (req.url.endsWith("/void")) {
        res.writeHead(204);
        res.end();
        return;
      }
      if (req.url.endsWith("/empty")) return sendJson(res, 200, undefined);
      return sendJson(res, 201, [1, 2]);
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    await expect(client.request({ method: "DELETE", path: "/void" })).resolves.toBeNull();
    await expect(client.request({ method: "PUT", path: "/empty", body: {} })).resolves.toBeNull();
    await expect(client.request({ method: "POST", path: "/list" })).resolves.toEqual([1, 2]);
    await client.close();
  });

  it("reports an unreachable API when the server time cannot be read", async () => {
    const port = await freePort();
    const client = createOvhClient(v1Config(`http://127.0.0.1:${port}/1.0`, { apiMaxRetries: 1 }), noSleep);
    const err = await client
      .request({ method: "POST", path: "/saas/csp2/x/subscription" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OvhNetworkError);
    const net = err as OvhNetworkError;
    expect(net.message).toContain("the OVH API is unreachable");
    expect(net.message).toContain("/auth/time");
    expect(net.mayHaveReachedServer).toBe(false);
    expect(net.method).toBe("POST");
    await client.close();
  });
});

describe("OvhClient errors", () => {
  it("builds OvhApiError from OVH's JSON error with the X-Ovh-QueryID", async () => {
    const server = await fake((_req, res) =>
      sendJson(
        res,
        403,
        {
          class: "Client::Forbidden",
          message: "This call has not been granted",
          errorCode: "NOT_GRANTED_CALL",
          details: { unauthorizedActionsByIAM: "csp2:apiovh:get" },
        },
        { "X-OVH-QUERYID": "EU.ext-2.68f64f81.842220.afb3" },
      ),
    );
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    const err = (await client
      .request({ method: "GET", path: "/me", authenticated: false })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err).toBeInstanceOf(OvhApiError);
    expect(err).toMatchObject({
      status: 403,
      errorClass: "Client::Forbidden",
      errorCode: "NOT_GRANTED_CALL",
      ovhMessage: "This call has not been granted",
      queryId: "EU.ext-2.68f64f81.842220.afb3",
      details: { unauthorizedActionsByIAM: "csp2:apiovh:get" },
      method: "GET",
      path: "/me",
    });
    expect(err.message).toContain("(X-Ovh-QueryID: EU.ext-2.68f64f81.842220.afb3)");
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it("reads the query id header whatever its case", () => {
    expect(queryIdOf({ "X-Ovh-QueryID": "a" })).toBe("a");
    expect(queryIdOf({ "x-ovh-queryid": "b" })).toBe("b");
    expect(queryIdOf({ other: "c" })).toBeUndefined();
  });

  it("turns a non-JSON (HTML) error body into a short readable message", async () => {
    const html =
      "<html><head><title>408 Request Time-out</title><style>body{color:red}</style></head>" +
      `<body><h1>408 Request Time-out</h1><p>Your browser didn't send a complete request in time.</p>${"<!-- pad -->x".repeat(200)}</body></html>`;
    const server = await fake((_req, res) => {
      res.writeHead(408, { "content-type": "text/html" });
      res.end(html);
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    const err = (await client
      .request({ method: "POST", path: "/order/cart", authenticated: false })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err).toBeInstanceOf(OvhApiError);
    expect(err.status).toBe(408);
    expect(
      err.ovhMessage.startsWith("408 Request Time-out 408 Request Time-out Your browser didn't send"),
    ).toBe(true);
    expect(err.ovhMessage).not.toMatch(/[<>]|color:red/);
    expect(err.ovhMessage.length).toBeLessThanOrEqual(300);
    expect(server.requests).toHaveLength(1); // POST 408: not retried
    await client.close();
  });

  it("uses the status text when the error body is empty", async () => {
    const server = await fake((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    const err = (await client
      .request({ method: "DELETE", path: "/x", authenticated: false })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err.ovhMessage).toBe("Bad Gateway");
    await client.close();
  });

  it("never puts a credential or signature in errors, logs or inspect output", async () => {
    let echoed = "";
    const server = await fake((req, res) => {
      if (req.url.endsWith("/auth/time")) return sendJson(res, 200, SERVER_TIME);
      echoed = String(req.headers["x-ovh-signature"]);
      return sendJson(res, 400, {
        class: `Client::BadRequest ${CK}`,
        message: `Invalid signature ${req.headers["x-ovh-signature"]} for consumer ${CK} (secret ${AS})`,
        details: { signature: String(req.headers["x-ovh-signature"]) },
      });
    });
    const events: OvhRequestLogEvent[] = [];
    const client = createOvhClient(v1Config(server.baseUrl), { ...noSleep, logger: (e) => events.push(e) });
    const err = await client
      .request({ method: "POST", path: "/me/x", body: { a: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OvhApiError);
    const texts = [
      (err as Error).message,
      inspect(err, { depth: 10 }),
      JSON.stringify(err),
      JSON.stringify((err as OvhApiError).details),
      JSON.stringify(events),
      inspect(client, { depth: 4 }),
      JSON.stringify(client.config),
    ];
    for (const text of texts) {
      expect(text).not.toContain(AS);
      expect(text).not.toContain(CK);
      expect(text).not.toContain(echoed);
    }
    expect((err as OvhApiError).ovhMessage).toContain("Invalid signature [redacted]");
    await client.close();
  });

  it("gives the logger method, path, status, duration, query id and attempt only", async () => {
    let n = 0;
    const server = await fake((_req, res) => {
      n += 1;
      if (n === 1) return sendJson(res, 503, { message: "busy" }, { "x-ovh-queryid": "Q1" });
      return sendJson(res, 200, {}, { "x-ovh-queryid": "Q2" });
    });
    const events: OvhRequestLogEvent[] = [];
    const client = createOvhClient(v1Config(server.baseUrl), {
      ...noSleep,
      logger: (e) => {
        events.push(e);
        throw new Error("a broken logger must not break requests");
      },
    });
    await client.request({ method: "GET", path: "/me", query: { secretish: "q" }, authenticated: false });
    expect(events.map((e) => ({ ...e, durationMs: typeof e.durationMs }))).toEqual([
      { method: "GET", path: "/me", status: 503, durationMs: "number", queryId: "Q1", attempt: 1 },
      { method: "GET", path: "/me", status: 200, durationMs: "number", queryId: "Q2", attempt: 2 },
    ]);
    await client.close();
  });

  it("refuses authenticated calls without credentials", async () => {
    const client = createOvhClient(resolveOvhConfig({ env: {}, requireAuth: false }), noSleep);
    await expect(client.request({ method: "GET", path: "/me" })).rejects.toBeInstanceOf(OvhConfigError);
    await client.close();
  });

  it("fails requests after close()", async () => {
    const server = await fake((_req, res) => sendJson(res, 200, {}));
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    await client.close();
    const err = (await client
      .request({ method: "GET", path: "/x", authenticated: false })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(false);
  });
});

describe("OvhClient retries", () => {
  it("retries a GET on 503 with backoff, then succeeds", async () => {
    let n = 0;
    const server = await fake((_req, res) => {
      n += 1;
      return n < 3 ? sendJson(res, 503, { message: "down" }) : sendJson(res, 200, { n });
    });
    const { sleep, delays } = recordingSleep();
    const client = createOvhClient(v1Config(server.baseUrl), { sleep, random: () => 0.5 });
    await expect(client.request({ method: "GET", path: "/x", authenticated: false })).resolves.toEqual({
      n: 3,
    });
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([250, 500]);
    await client.close();
  });

  it("gives up on a GET after the configured number of retries", async () => {
    const server = await fake((_req, res) => sendJson(res, 503, { message: "down" }));
    const client = createOvhClient(v1Config(server.baseUrl, { apiMaxRetries: 2 }), noSleep);
    const err = (await client
      .request({ method: "GET", path: "/x", authenticated: false })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err).toBeInstanceOf(OvhApiError);
    expect(err.status).toBe(503);
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it.each(["POST", "PUT", "DELETE"] as const)(
    "does not retry a %s on 503: the server sees exactly one",
    async (method) => {
      const server = await fake((_req, res) => sendJson(res, 503, { message: "down" }));
      const client = createOvhClient(v1Config(server.baseUrl), noSleep);
      const err = (await client
        .request({ method, path: "/saas/csp2/t/subscription", body: { quantity: 2 }, authenticated: false })
        .catch((e: unknown) => e)) as OvhApiError;
      expect(err).toBeInstanceOf(OvhApiError);
      expect(err.status).toBe(503);
      expect(server.requests.filter((r) => r.method === method)).toHaveLength(1);
      await client.close();
    },
  );

  it("retries a POST that OVH's rate limiter refused (readable 429), honouring Retry-After", async () => {
    let n = 0;
    const server = await fake((_req, res) => {
      n += 1;
      return n === 1
        ? sendJson(res, 429, { message: "slow down" }, { "Retry-After": "3" })
        : sendJson(res, 200, "ok");
    });
    const { sleep, delays } = recordingSleep();
    const client = createOvhClient(v1Config(server.baseUrl), { sleep, random: () => 0.5 });
    await expect(
      client.request({ method: "POST", path: "/x", body: {}, authenticated: false }),
    ).resolves.toBe("ok");
    expect(delays).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it("does not replay a POST answered with a 429 page that is not OVH's (may have acted)", async () => {
    const server = await fake((_req, res) => {
      res.writeHead(429, { "Content-Type": "text/html", "Retry-After": "1" });
      res.end("<html><body>Too many requests</body></html>");
    });
    const { sleep, delays } = recordingSleep();
    const client = createOvhClient(v1Config(server.baseUrl), { sleep, random: () => 0.5 });
    const error = await client
      .request({ method: "POST", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, unreadable: true });
    expect(provesNotExecuted(error)).toBe(false);
    expect(delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it("marks a 2xx answer that is not JSON as unreadable (OVH may have acted)", async () => {
    const server = await fake((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><body>Gateway says hello</body></html>");
    });
    const client = createOvhClient(v1Config(server.baseUrl));
    const error = await client
      .request({ method: "POST", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 200, unreadable: true });
    expect(provesNotExecuted(error)).toBe(false);
    await client.close();
  });

  it("retries a POST whose connection was refused (not sent), once the server is up", async () => {
    const port = await freePort();
    let server: FakeServer | undefined;
    const delays: number[] = [];
    const client = createOvhClient(v1Config(`http://127.0.0.1:${port}/1.0`), {
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
        server ??= await fake((_req, res) => sendJson(res, 200, { created: true }), port);
      },
    });
    await expect(
      client.request({ method: "POST", path: "/x", body: { q: 1 }, authenticated: false }),
    ).resolves.toEqual({ created: true });
    expect(delays).toHaveLength(1);
    expect(server?.requests).toHaveLength(1);
    await client.close();
  });

  it("gives up on a refused POST with mayHaveReachedServer=false", async () => {
    const port = await freePort();
    const client = createOvhClient(v1Config(`http://127.0.0.1:${port}/1.0`, { apiMaxRetries: 2 }), noSleep);
    const err = (await client
      .request({ method: "POST", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(false);
    expect(err.message).toContain("connection refused (ECONNREFUSED)");
    await client.close();
  });

  it("does NOT retry a POST whose connection died after the request was received", async () => {
    const server = await fake((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    const err = (await client
      .request({
        method: "POST",
        path: "/saas/csp2/t/changeQuantity",
        body: { quantity: 5 },
        authenticated: false,
      })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(true);
    expect(err.message).toContain("may have reached OVH");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toBe('{"quantity":5}');
    await client.close();
  });

  it("retries a GET whose connection died after the request was received", async () => {
    let n = 0;
    const server = await fake((_req, res, raw) => {
      n += 1;
      if (n === 1) return void raw.socket.destroy();
      return sendJson(res, 200, { n });
    });
    const client = createOvhClient(v1Config(server.baseUrl), noSleep);
    await expect(client.request({ method: "GET", path: "/x", authenticated: false })).resolves.toEqual({
      n: 2,
    });
    await client.close();
  });

  it("times out a POST that gets no answer, without retrying it", async () => {
    const server = await fake(() => {
      /* never answers */
    });
    const client = createOvhClient(v1Config(server.baseUrl, { apiTimeoutMs: 150 }), noSleep);
    const err = (await client
      .request({ method: "POST", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(true);
    expect(err.message).toContain("UND_ERR_HEADERS_TIMEOUT");
    expect(server.requests).toHaveLength(1);
    await client.close();
  });
});

describe("OvhClient limits", () => {
  it("keeps at most apiMaxConcurrency requests in flight", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = await fake(async (_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= 1;
      sendJson(res, 200, {});
    });
    const client = createOvhClient(v1Config(server.baseUrl, { apiMaxConcurrency: 2 }), noSleep);
    await Promise.all(
      Array.from({ length: 8 }, () => client.request({ method: "GET", path: "/x", authenticated: false })),
    );
    expect(server.requests).toHaveLength(8);
    expect(maxInFlight).toBe(2);
    await client.close();
  });

  it("applies the rate limit on a fake clock", async () => {
    const server = await fake((_req, res) => sendJson(res, 200, {}));
    const clock = new FakeClock();
    const client = createOvhClient(v1Config(server.baseUrl, { apiRateLimit: 1, apiBurst: 2 }), {
      ...noSleep,
      limiterClock: clock,
    });
    const done: number[] = [];
    const all = Array.from({ length: 4 }, (_, i) =>
      client.request({ method: "GET", path: `/x${i}`, authenticated: false }).then(() => done.push(i)),
    );
    const settle = async (): Promise<void> => {
      await flush();
      await new Promise((r) => setTimeout(r, 50));
    };
    await settle();
    expect(done.sort()).toEqual([0, 1]);
    await clock.advance(1000);
    await settle();
    expect(done.sort()).toEqual([0, 1, 2]);
    await clock.advance(1000);
    await Promise.all(all);
    expect(server.requests.map((r) => r.url)).toEqual(["/1.0/x0", "/1.0/x1", "/1.0/x2", "/1.0/x3"]);
    await client.close();
  });
});

describe("OvhClient over TLS with a private CA", () => {
  let pems: { cert: string; private: string };
  let port: number;
  let seen = 0;
  let server: ReturnType<typeof createHttpsServer>;

  beforeAll(async () => {
    pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      seen += 1;
      req.resume();
      req.on("end", () => sendJson(res, 200, { tls: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("trusts the CA given as PEM", async () => {
    const client = createOvhClient(
      v1Config(`https://127.0.0.1:${port}/1.0`, { caCertPath: pems.cert }),
      noSleep,
    );
    await expect(
      client.request({ method: "POST", path: "/x", body: {}, authenticated: false }),
    ).resolves.toEqual({
      tls: true,
    });
    await client.close();
  });

  it("retries a POST whose TLS handshake failed (nothing was sent), then reports it as not sent", async () => {
    seen = 0;
    const { sleep, delays } = recordingSleep();
    const client = createOvhClient(v1Config(`https://127.0.0.1:${port}/1.0`, { apiMaxRetries: 1 }), {
      sleep,
    });
    const err = (await client
      .request({ method: "POST", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(false);
    expect(err.message).toMatch(
      /TLS handshake failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(delays).toHaveLength(1);
    expect(seen).toBe(0);
    await client.close();
  });

  it("refuses an unreadable CA file with a config error", () => {
    expect(() =>
      createOvhClient(v1Config(`https://127.0.0.1:${port}/1.0`, { caCertPath: "/nonexistent/ca.pem" })),
    ).toThrow(/OVH_CA_CERT_PATH \(or ovh:caCertPath\): cannot read the CA certificate file/);
  });
});

describe("OvhClient with an injected transport", () => {
  it("reads Retry-After and X-Ovh-QueryID whatever the header case", async () => {
    let n = 0;
    const transport: OvhTransport = {
      async send() {
        n += 1;
        if (n === 1) return { status: 429, headers: { "Retry-After": "2" }, body: "" };
        return { status: 404, headers: { "X-OVH-QueryId": "EU.q.1" }, body: '{"message":"gone"}' };
      },
      async close() {},
    };
    const { sleep, delays } = recordingSleep();
    const client = createOvhClient(v1Config("https://eu.api.ovh.com/1.0"), { transport, sleep });
    const err = (await client
      .request({ method: "GET", path: "/x", authenticated: false })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(delays).toEqual([2000]);
    expect(err.queryId).toBe("EU.q.1");
    expect(err.isGone).toBe(true);
  });

  it("classifies fetch-style wrapped errors (TypeError with a cause code)", async () => {
    let n = 0;
    const transport: OvhTransport = {
      async send() {
        n += 1;
        if (n === 1) {
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
          });
        }
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }),
        });
      },
      async close() {},
    };
    const client = createOvhClient(v1Config("https://eu.api.ovh.com/1.0"), { transport, ...noSleep });
    const err = (await client
      .request({ method: "PUT", path: "/x", body: {}, authenticated: false })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(n).toBe(2); // DNS failure retried, reset surfaced
    expect(err.mayHaveReachedServer).toBe(true);
    expect(err.message).toContain("ECONNRESET");
  });
});
