/**
 * Connection handling of the default transport, against a local TLS server with a private CA: connections are
 * reused and capped at the client's concurrency, and the TLS secure context is built once per client.
 */
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import tls = require("node:tls");
import { generate } from "selfsigned";
import { createOvhClient } from "../../../provider/ovh/client";
import { UndiciTransport } from "../../../provider/ovh/transport";
import { v1Config } from "./fakeOvh";

const SERVER_TIME = 1_900_000_000;

let pems: { private: string; cert: string };
let server: Server;
let port: number;
/** TLS connections the server accepted since the last reset. */
let accepted = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  server = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on("end", () => {
      // A little latency so that requests overlap and the pool is really exercised.
      setTimeout(() => {
        inFlight -= 1;
        const body = JSON.stringify(req.url === "/1.0/auth/time" ? SERVER_TIME : { ok: true });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(body);
      }, 2);
    });
  });
  server.on("secureConnection", () => {
    accepted += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  accepted = 0;
  maxInFlight = 0;
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function runConcurrently(n: number, workers: number, send: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) {
        const i = next;
        next += 1;
        await send(i);
      }
    }),
  );
}

describe("UndiciTransport connection handling", () => {
  it("serves 400 signed requests, 32 issued at once, over at most 8 connections (the concurrency limit)", async () => {
    const client = createOvhClient(
      v1Config(`https://127.0.0.1:${port}/1.0`, { caCertPath: pems.cert, apiMaxConcurrency: 8 }),
    );
    try {
      await runConcurrently(400, 32, (i) => client.request({ method: "GET", path: `/saas/csp2/t-${i}` }));
      expect(maxInFlight).toBeLessThanOrEqual(8);
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(accepted).toBeLessThanOrEqual(8);
      expect(client.transportStats()?.connectionsOpened).toBe(accepted);
    } finally {
      await client.close();
    }
  });

  it("builds the TLS secure context (system roots + private CA) once per client, not per connection", async () => {
    const spy = jest.spyOn(tls, "createSecureContext");
    const client = createOvhClient(
      v1Config(`https://127.0.0.1:${port}/1.0`, { caCertPath: pems.cert, apiMaxConcurrency: 8 }),
    );
    try {
      await runConcurrently(100, 8, (i) => client.request({ method: "GET", path: `/saas/csp2/t-${i}` }));
      expect(accepted).toBeGreaterThan(1); // several connections...
      expect(spy).toHaveBeenCalledTimes(1); // ...one context
      const options = spy.mock.calls[0]?.[0] as tls.SecureContextOptions;
      const ca = options.ca as string[];
      expect(ca).toContain(pems.cert);
      expect(ca.length).toBe(tls.rootCertificates.length + 1);
      expect(client.transportStats()).toEqual({ connectionsOpened: accepted, secureContextsBuilt: 1 });
    } finally {
      await client.close();
    }
    // A second client builds its own context, once.
    const other = createOvhClient(v1Config(`https://127.0.0.1:${port}/1.0`, { caCertPath: pems.cert }));
    try {
      await other.request({ method: "GET", path: "/saas/csp2" });
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      await other.close();
    }
  });

  it("keeps its connections across quiet periods shorter than the keep-alive timeout", async () => {
    const transport = new UndiciTransport({ ca: pems.cert, maxConnectionsPerOrigin: 4 });
    const send = () =>
      transport.send({
        method: "GET",
        url: `https://127.0.0.1:${port}/1.0/saas/csp2`,
        headers: {},
        body: undefined,
        timeoutMs: 5_000,
      });
    try {
      await Promise.all(Array.from({ length: 4 }, send));
      const afterFirstWave = transport.stats().connectionsOpened;
      expect(afterFirstWave).toBeLessThanOrEqual(4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let wave = 0; wave < 5; wave += 1) await Promise.all(Array.from({ length: 4 }, send));
      expect(transport.stats().connectionsOpened).toBe(afterFirstWave);
      expect(accepted).toBe(afterFirstWave);
    } finally {
      await transport.close();
    }
  });

  it("refuses a connection cap below 1", () => {
    expect(() => new UndiciTransport({ maxConnectionsPerOrigin: 0 })).toThrow(RangeError);
  });
});
