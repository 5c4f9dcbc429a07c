import { inspect } from "node:util";
import { ServerClock } from "../../../provider/ovh/clock";
import { createOvhClient } from "../../../provider/ovh/client";
import { resolveOvhConfig } from "../../../provider/ovh/config";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "../../../provider/ovh/errors";
import { OAuth2TokenCache, parseTokenResponse } from "../../../provider/ovh/oauth2";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  oauth2Config,
  sendJson,
  startFakeOvh,
  type FakeServer,
  type Recorded,
} from "./fakeOvh";

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

/**
 * A fake OVH with a token endpoint. Tokens are "tok-1", "tok-2", ...; `revoked` tokens get 401 on API calls.
 */
async function oauthServer(opts: { expiresIn?: number; tokenStatus?: number } = {}) {
  let issued = 0;
  const revoked = new Set<string>();
  const tokenRequests: Recorded[] = [];
  const apiRequests: Recorded[] = [];
  const server = await startFakeOvh((req, res) => {
    if (req.url === "/auth/oauth2/token") {
      tokenRequests.push(req);
      if (opts.tokenStatus) {
        return sendJson(res, opts.tokenStatus, {
          error: "invalid_client",
          error_description: `Bad client credentials for ${CLIENT_SECRET}`,
        });
      }
      issued += 1;
      return sendJson(res, 200, {
        access_token: `tok-${issued}-SECRETVALUE`,
        token_type: "Bearer",
        expires_in: opts.expiresIn ?? 3599,
        scope: "all",
      });
    }
    apiRequests.push(req);
    const auth = String(req.headers.authorization ?? "");
    const token = auth.replace(/^Bearer /, "");
    if (!auth.startsWith("Bearer ") || revoked.has(token)) {
      return sendJson(res, 401, { class: "Client::Unauthorized", message: "Invalid token" });
    }
    return sendJson(res, 200, { token });
  });
  servers.push(server);
  return { server, tokenRequests, apiRequests, revoked, issued: () => issued };
}

describe("OAuth2 client credentials over the wire", () => {
  it("fetches one token for many concurrent calls and sends it as a bearer", async () => {
    const { server, tokenRequests, apiRequests } = await oauthServer();
    const client = createOvhClient(oauth2Config(server.baseUrl), noSleep);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.request<{ token: string }>({ method: "GET", path: "/me" })),
    );
    expect(results.every((r) => r.token === "tok-1-SECRETVALUE")).toBe(true);
    expect(tokenRequests).toHaveLength(1);
    const tokenReq = tokenRequests[0] as Recorded;
    expect(tokenReq.method).toBe("POST");
    expect(tokenReq.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: "all",
    });
    for (const rec of apiRequests) {
      expect(rec.headers["x-ovh-signature"]).toBeUndefined();
      expect(rec.headers["x-ovh-application"]).toBeUndefined();
    }
    // Later calls reuse the cached token.
    await client.request({ method: "GET", path: "/me" });
    expect(tokenRequests).toHaveLength(1);
    await client.close();
  });

  it("refreshes the token shortly before it expires", async () => {
    const { server, tokenRequests } = await oauthServer({ expiresIn: 600 });
    let now = 1_000_000;
    const client = createOvhClient(oauth2Config(server.baseUrl), { ...noSleep, now: () => now });
    await client.request({ method: "GET", path: "/me" });
    now += 530_000; // 70 s before expiry: still fine (margin 60 s)
    await client.request({ method: "GET", path: "/me" });
    expect(tokenRequests).toHaveLength(1);
    now += 15_000; // 55 s before expiry: refresh
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({
      token: "tok-2-SECRETVALUE",
    });
    expect(tokenRequests).toHaveLength(2);
    await client.close();
  });

  it("refetches the token once after a 401 and retries the call, even a POST", async () => {
    const { server, tokenRequests, apiRequests, revoked } = await oauthServer();
    const client = createOvhClient(oauth2Config(server.baseUrl), noSleep);
    await client.request({ method: "GET", path: "/me" });
    revoked.add("tok-1-SECRETVALUE");
    await expect(
      client.request({ method: "POST", path: "/saas/csp2/t/subscription", body: { quantity: 1 } }),
    ).resolves.toEqual({ token: "tok-2-SECRETVALUE" });
    expect(tokenRequests).toHaveLength(2);
    expect(apiRequests.filter((r) => r.method === "POST")).toHaveLength(2);
    await client.close();
  });

  it("surfaces a second 401 after the one refresh", async () => {
    const { server, tokenRequests, apiRequests, revoked } = await oauthServer();
    revoked.add("tok-1-SECRETVALUE");
    revoked.add("tok-2-SECRETVALUE");
    revoked.add("tok-3-SECRETVALUE");
    const client = createOvhClient(oauth2Config(server.baseUrl), noSleep);
    const err = (await client
      .request({ method: "DELETE", path: "/x" })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err).toBeInstanceOf(OvhApiError);
    expect(err.status).toBe(401);
    expect(apiRequests).toHaveLength(2);
    expect(tokenRequests).toHaveLength(2);
    expect(err.message).not.toContain("SECRETVALUE");
    await client.close();
  });

  it("reports refused client credentials as a config error without the secret", async () => {
    const { server, tokenRequests } = await oauthServer({ tokenStatus: 401 });
    const client = createOvhClient(oauth2Config(server.baseUrl), noSleep);
    const err = (await client
      .request({ method: "POST", path: "/x" })
      .catch((e: unknown) => e)) as OvhConfigError;
    expect(err).toBeInstanceOf(OvhConfigError);
    expect(err.message).toContain("HTTP 401 invalid_client");
    expect(err.message).toContain("OVH_CLIENT_SECRET (or ovh:clientSecret)");
    expect(err.message).not.toContain(CLIENT_SECRET);
    expect(inspect(err)).not.toContain(CLIENT_SECRET);
    expect(tokenRequests).toHaveLength(1);
    await client.close();
  });

  it("reports an unavailable token endpoint as a not-sent network error for the call", async () => {
    const { server, tokenRequests } = await oauthServer({ tokenStatus: 503 });
    const client = createOvhClient(oauth2Config(server.baseUrl, { apiMaxRetries: 1 }), noSleep);
    const err = (await client
      .request({ method: "POST", path: "/x" })
      .catch((e: unknown) => e)) as OvhNetworkError;
    expect(err).toBeInstanceOf(OvhNetworkError);
    expect(err.mayHaveReachedServer).toBe(false);
    expect(err.method).toBe("POST");
    expect(err.path).toBe("/x");
    expect(err.message).toContain("could not get an OAuth2 access token");
    expect(err.message).not.toContain(CLIENT_SECRET);
    expect(tokenRequests).toHaveLength(2); // the token request itself is safe to repeat
    await client.close();
  });

  it("does not retry a 401 with a fixed access token", async () => {
    const { server, apiRequests, revoked } = await oauthServer();
    revoked.add("fixed-TOKEN-abc");
    const config = resolveOvhConfig({
      explicit: { endpoint: server.baseUrl, accessToken: "fixed-TOKEN-abc" },
      env: {},
    });
    const client = createOvhClient(config, noSleep);
    const err = (await client
      .request({ method: "GET", path: "/me" })
      .catch((e: unknown) => e)) as OvhApiError;
    expect(err).toBeInstanceOf(OvhApiError);
    expect(err.status).toBe(401);
    expect(apiRequests).toHaveLength(1);
    expect(apiRequests[0]?.headers.authorization).toBe("Bearer fixed-TOKEN-abc");
    await client.close();
  });
});

describe("OAuth2TokenCache", () => {
  it("shares one fetch between concurrent callers and only invalidates the failing token", async () => {
    let n = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const cache = new OAuth2TokenCache(async () => {
      n += 1;
      await gate;
      return { accessToken: `t${n}`, expiresInSeconds: 3600 };
    });
    const all = Promise.all([cache.get(), cache.get(), cache.get()]);
    release();
    expect(await all).toEqual(["t1", "t1", "t1"]);
    expect(cache.invalidate("stale")).toBe(true);
    expect(await cache.get()).toBe("t1");
    cache.invalidate("t1");
    expect(await cache.get()).toBe("t2");
  });

  it("does not cache a failed fetch", async () => {
    let n = 0;
    const cache = new OAuth2TokenCache(async () => {
      n += 1;
      if (n === 1) throw new Error("down");
      return { accessToken: "ok", expiresInSeconds: 60 };
    });
    await expect(cache.get()).rejects.toThrow("down");
    await expect(cache.get()).resolves.toBe("ok");
  });

  it("validates token responses", () => {
    expect(parseTokenResponse({ access_token: "a", token_type: "Bearer", expires_in: 3599 })).toEqual({
      accessToken: "a",
      expiresInSeconds: 3599,
    });
    expect(parseTokenResponse({ access_token: "a" }).expiresInSeconds).toBe(3600);
    expect(() => parseTokenResponse({ token: "a" })).toThrow("without a usable access_token");
    expect(() => parseTokenResponse({ access_token: "a", token_type: "mac" })).toThrow(
      "unsupported token type",
    );
  });
});

describe("ServerClock", () => {
  it("fetches once for concurrent callers and computes the offset", async () => {
    let calls = 0;
    const clock = new ServerClock(
      async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        return 1_000_100;
      },
      () => 1_000_000_000,
    );
    const offsets = await Promise.all(Array.from({ length: 50 }, () => clock.offset()));
    expect(new Set(offsets)).toEqual(new Set([100]));
    expect(calls).toBe(1);
    expect(clock.timestampWith(100)).toBe(1_000_100);
    await clock.offset();
    expect(calls).toBe(1);
  });

  it("says the API is unreachable, and tries again on the next call", async () => {
    let calls = 0;
    const clock = new ServerClock(async () => {
      calls += 1;
      if (calls === 1) throw new Error("connection refused");
      return "not a number";
    });
    await expect(clock.offset()).rejects.toThrow(
      "the OVH API is unreachable: could not read the server time (GET /auth/time): connection refused",
    );
    await expect(clock.offset()).rejects.toThrow("not a number of seconds");
    expect(calls).toBe(2);
  });
});
