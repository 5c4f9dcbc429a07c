/** v1 signatures, consumer keys and access rules, OAuth2 bearer tokens. */
import { Json, TestSandbox, advance, rawRequest, serverTime, signedRequest, startSandbox } from "./helpers";

describe("sandbox authentication", () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.stop());

  it("answers /auth/time unauthenticated with a bare integer and a query id", async () => {
    const res = await rawRequest({ method: "GET", url: `${sandbox.url}/auth/time` });
    expect(res.status).toBe(200);
    expect(Number.isInteger(res.body)).toBe(true);
    expect(String(res.headers["x-ovh-queryid"])).toMatch(/^EU\.ext-3\.[0-9a-f]+\.\d+\.[0-9a-f]+$/);
  });

  it("accepts the signed URL with and without the port", async () => {
    expect(
      (await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { signWithPort: true })).status,
    ).toBe(200);
    expect(
      (await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { signWithPort: false })).status,
    ).toBe(200);
  });

  it("verifies the signature over the raw body bytes", async () => {
    // Same JSON, unusual spacing and escaped non-ASCII: only the received bytes count.
    const rawBody = '{ "displayName" : "Contoso \\u00e9quipe" }';
    const ok = await signedRequest(sandbox, "PUT", "/saas/csp2/csp2-100001", undefined, { rawBody });
    expect(ok.status).toBe(200);
    expect(ok.body).toBeNull();
    const tenant = await signedRequest(sandbox, "GET", "/saas/csp2/csp2-100001");
    expect((tenant.body as Json).displayName).toBe("Contoso équipe");
  });

  it("rejects a bad signature, unknown keys and stale timestamps", async () => {
    const bad = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { signature: "$1$deadbeef" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ class: "Client::BadRequest", errorCode: "INVALID_SIGNATURE" });
    expect(bad.headers["x-ovh-queryid"]).toBeDefined();

    const wrongSecret = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, {
      applicationSecret: "nope",
    });
    expect(wrongSecret.status).toBe(400);

    const unknownAk = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, {
      applicationKey: "unknownAK",
    });
    expect(unknownAk.status).toBe(403);
    expect(unknownAk.body).toMatchObject({ class: "Client::Forbidden", errorCode: "INVALID_KEY" });

    const unknownCk = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, {
      consumerKey: "unknownCK",
    });
    expect(unknownCk.status).toBe(403);
    expect(unknownCk.body).toMatchObject({ class: "Client::Forbidden", errorCode: "NOT_CREDENTIAL" });

    const now = await serverTime(sandbox);
    const stale = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { timestamp: now - 1000 });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ message: "Query out of time", errorCode: "QUERY_TIME_OUT" });
    const slightlyOff = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, {
      timestamp: now - 100,
    });
    expect(slightlyOff.status).toBe(200);

    const none = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { unsigned: true });
    expect(none.status).toBe(401);
  });

  it("creates a consumer key, validates it through its link and enforces its access rules", async () => {
    const created = await rawRequest({
      method: "POST",
      url: `${sandbox.url}/auth/credential`,
      headers: { "X-Ovh-Application": sandbox.applicationKey, "Content-Type": "application/json" },
      body: JSON.stringify({
        accessRules: [
          { method: "GET", path: "/saas/csp2" },
          { method: "GET", path: "/saas/csp2/*" },
        ],
      }),
    });
    expect(created.status).toBe(200);
    const { consumerKey, state, validationUrl } = created.body as Json;
    expect(state).toBe("pendingValidation");
    expect(validationUrl).toContain("/_sandbox/");

    const pending = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { consumerKey });
    expect(pending.status).toBe(403);
    expect(pending.body).toMatchObject({ errorCode: "INVALID_CREDENTIAL" });

    expect((await rawRequest({ method: "GET", url: validationUrl })).status).toBe(200);
    expect((await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { consumerKey })).status).toBe(200);
    expect(
      (await signedRequest(sandbox, "GET", "/saas/csp2/csp2-100001/subscription", undefined, { consumerKey }))
        .status,
    ).toBe(200);

    const refused = await signedRequest(
      sandbox,
      "POST",
      "/saas/csp2/csp2-100001/subscription",
      { licenseId: 1001, quantity: 1 },
      { consumerKey },
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      class: "Client::Forbidden",
      message: "This call has not been granted",
      errorCode: "NOT_GRANTED_CALL",
    });
    const otherPath = await signedRequest(sandbox, "GET", "/services", undefined, { consumerKey });
    expect(otherPath.status).toBe(403);

    const current = await signedRequest(sandbox, "GET", "/auth/currentCredential", undefined, {
      consumerKey,
    });
    expect(current.body).toMatchObject({
      status: "validated",
      rules: [
        { method: "GET", path: "/saas/csp2" },
        { method: "GET", path: "/saas/csp2/*" },
      ],
    });
  });

  it("refuses invalid access rules and a missing application key", async () => {
    const bad = await rawRequest({
      method: "POST",
      url: `${sandbox.url}/auth/credential`,
      headers: { "X-Ovh-Application": sandbox.applicationKey, "Content-Type": "application/json" },
      body: JSON.stringify({ accessRules: [{ method: "PATCH", path: "/*" }] }),
    });
    expect(bad.status).toBe(400);
    const noApp = await rawRequest({
      method: "POST",
      url: `${sandbox.url}/auth/credential`,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ accessRules: [{ method: "GET", path: "/*" }] }),
    });
    expect(noApp.status).toBe(403);
  });

  it("issues OAuth2 bearer tokens that work until they expire", async () => {
    const form = (secret: string): string =>
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: sandbox.clientId,
        client_secret: secret,
        scope: "all",
      }).toString();
    const headers = { "Content-Type": "application/x-www-form-urlencoded" };

    const denied = await rawRequest({ method: "POST", url: sandbox.tokenUrl, headers, body: form("wrong") });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ error: "invalid_client" });

    const granted = await rawRequest({
      method: "POST",
      url: sandbox.tokenUrl,
      headers,
      body: form(sandbox.clientSecret),
    });
    expect(granted.status).toBe(200);
    const token = granted.body as Json;
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 3599, scope: "all" });

    const ok = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { bearer: token.access_token });
    expect(ok.status).toBe(200);
    const details = await signedRequest(sandbox, "GET", "/auth/details", undefined, {
      bearer: token.access_token,
    });
    expect(details.body).toMatchObject({ method: "oauth2_client_credentials" });

    const invalid = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, { bearer: "not-a-token" });
    expect(invalid.status).toBe(401);

    await advance(sandbox, 3600 * 1000);
    const expired = await signedRequest(sandbox, "GET", "/saas/csp2", undefined, {
      bearer: token.access_token,
    });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ class: "Client::Unauthorized" });
  });

  it("answers unknown paths and wrong methods like OVH", async () => {
    const unknown = await signedRequest(sandbox, "GET", "/no/such/path");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ class: "Client::NotFound", message: "Got an invalid (or empty) URL" });
    const wrongMethod = await signedRequest(sandbox, "POST", "/saas/csp2");
    expect(wrongMethod.status).toBe(405);
    const outside = await rawRequest({ method: "GET", url: sandbox.url.replace("/1.0", "/2.0/x") });
    expect(outside.status).toBe(404);
  });
});

describe("sandbox TLS with a provided certificate", () => {
  it("serves HTTPS with --cert/--key and reports the certificate as caCertPath", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const selfsigned = await import("selfsigned");
    const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const dir = mkdtempSync(join(tmpdir(), "ovh-sandbox-cert-"));
    const certFile = join(dir, "cert.pem");
    const keyFile = join(dir, "key.pem");
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private);
    const sandbox = await startSandbox({ certFile, keyFile });
    try {
      expect(sandbox.url).toMatch(/^https:/);
      expect(sandbox.caCertPath).toBe(certFile);
      expect((await signedRequest(sandbox, "GET", "/saas/csp2")).status).toBe(200);
    } finally {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
