import { inspect } from "node:util";
import { resolveOvhConfig, settingLabel } from "../../../provider/ovh/config";
import { resolveEndpoint, baseUrlForPath } from "../../../provider/ovh/endpoints";
import { OvhConfigError } from "../../../provider/ovh/errors";

const SECRET_AS = "as-SECRET-value-91d2";
const SECRET_CK = "ck-SECRET-value-40aa";
const SECRET_CS = "cs-SECRET-value-77ef";
const SECRET_TOKEN = "tok-SECRET-value-1234";
const ALL_SECRETS = [SECRET_AS, SECRET_CK, SECRET_CS, SECRET_TOKEN];

const v1Env = {
  OVH_APPLICATION_KEY: "env-ak",
  OVH_APPLICATION_SECRET: SECRET_AS,
  OVH_CONSUMER_KEY: SECRET_CK,
};

function configError(fn: () => unknown): OvhConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OvhConfigError);
    return err as OvhConfigError;
  }
  throw new Error("expected an OvhConfigError");
}

function expectNoSecret(text: string): void {
  for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
}

describe("endpoints", () => {
  it("knows OVH's named endpoints", () => {
    expect(resolveEndpoint("ovh-eu")).toEqual({
      name: "ovh-eu",
      baseUrl: "https://eu.api.ovh.com/1.0",
      tokenUrl: "https://www.ovh.com/auth/oauth2/token",
    });
    expect(resolveEndpoint("ovh-ca").baseUrl).toBe("https://ca.api.ovh.com/1.0");
    expect(resolveEndpoint("ovh-us").tokenUrl).toBe("https://us.ovhcloud.com/auth/oauth2/token");
    for (const name of ["kimsufi-eu", "kimsufi-ca", "soyoustart-eu", "soyoustart-ca"]) {
      expect(resolveEndpoint(name).tokenUrl).toBeUndefined();
    }
    expect(resolveEndpoint("soyoustart-ca").baseUrl).toBe("https://ca.api.soyoustart.com/1.0");
  });

  it("accepts a custom base URL with a default token URL at its origin", () => {
    expect(resolveEndpoint("https://127.0.0.1:43121/1.0/")).toEqual({
      name: undefined,
      baseUrl: "https://127.0.0.1:43121/1.0",
      tokenUrl: "https://127.0.0.1:43121/auth/oauth2/token",
    });
    expect(resolveEndpoint("http://localhost:8080/1.0", "http://localhost:9000/token").tokenUrl).toBe(
      "http://localhost:9000/token",
    );
  });

  it("refuses unknown names, listing the valid ones", () => {
    const err = configError(() => resolveEndpoint("ovh-mars"));
    expect(err.message).toContain('"ovh-mars"');
    expect(err.message).toContain(
      "ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca",
    );
  });

  it("never echoes a password in a URL", () => {
    const err = configError(() => resolveEndpoint("ftp://user:hunter2@example.com/1.0"));
    expect(err.message).not.toContain("hunter2");
    const err2 = configError(() => resolveEndpoint("https://user:hunter2@example.com/1.0"));
    expect(err2.message).not.toContain("hunter2");
  });

  it("drops /1.0 for /v1/ and /v2/ paths", () => {
    expect(baseUrlForPath("https://eu.api.ovh.com/1.0", "/v2/iam/policy")).toBe("https://eu.api.ovh.com");
    expect(baseUrlForPath("https://eu.api.ovh.com/1.0", "/v1/me")).toBe("https://eu.api.ovh.com");
    expect(baseUrlForPath("https://eu.api.ovh.com/1.0", "/v2x/me")).toBe("https://eu.api.ovh.com/1.0");
    expect(baseUrlForPath("https://eu.api.ovh.com/1.0", "/me")).toBe("https://eu.api.ovh.com/1.0");
  });
});

describe("resolveOvhConfig", () => {
  it("resolves v1 credentials from the environment with defaults", () => {
    const config = resolveOvhConfig({ env: v1Env });
    expect(config.endpoint.name).toBe("ovh-eu");
    expect(config.auth.kind).toBe("v1");
    if (config.auth.kind !== "v1") throw new Error("unreachable");
    expect(config.auth.applicationKey).toBe("env-ak");
    expect(config.auth.applicationSecret).toBe(SECRET_AS);
    expect(config.auth.consumerKey).toBe(SECRET_CK);
    expect(config.limits).toEqual({
      ratePerSecond: Infinity,
      burst: 60,
      maxConcurrency: 8,
      timeoutMs: 30000,
      maxRetries: 4,
    });
    expect(config.sources).toMatchObject({
      endpoint: "default",
      applicationKey: "env",
      applicationSecret: "env",
      consumerKey: "env",
      apiRateLimit: "default",
    });
  });

  it("applies precedence explicit > Pulumi config > environment, per setting", () => {
    const pulumi: Record<string, string> = {
      applicationKey: "pulumi-ak",
      consumerKey: "pulumi-ck",
      endpoint: "ovh-ca",
    };
    const config = resolveOvhConfig({
      explicit: { applicationKey: "explicit-ak", apiBurst: 5 },
      pulumiConfig: (key) => pulumi[key],
      env: { ...v1Env, OVH_ENDPOINT: "ovh-us", OVH_API_BURST: "7", OVH_API_MAX_RETRIES: "2" },
    });
    if (config.auth.kind !== "v1") throw new Error("expected v1");
    expect(config.auth.applicationKey).toBe("explicit-ak");
    expect(config.auth.consumerKey).toBe("pulumi-ck");
    expect(config.auth.applicationSecret).toBe(SECRET_AS);
    expect(config.endpoint.name).toBe("ovh-ca");
    expect(config.limits.burst).toBe(5);
    expect(config.limits.maxRetries).toBe(2);
    expect(config.sources).toMatchObject({
      applicationKey: "explicit",
      consumerKey: "pulumi",
      applicationSecret: "env",
      endpoint: "pulumi",
      apiBurst: "explicit",
      apiMaxRetries: "env",
      apiTimeoutMs: "default",
    });
  });

  it("treats empty values as unset", () => {
    const config = resolveOvhConfig({
      explicit: { applicationKey: "" },
      pulumiConfig: () => "  ",
      env: { ...v1Env, OVH_ENDPOINT: "" },
    });
    expect(config.sources.applicationKey).toBe("env");
    expect(config.endpoint.name).toBe("ovh-eu");
  });

  it("resolves OAuth2 with the endpoint's token URL, or an override", () => {
    const config = resolveOvhConfig({ env: { OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: SECRET_CS } });
    expect(config.auth).toMatchObject({
      kind: "oauth2",
      clientId: "id",
      tokenUrl: "https://www.ovh.com/auth/oauth2/token",
    });
    const custom = resolveOvhConfig({
      env: { OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: SECRET_CS, OVH_ENDPOINT: "https://127.0.0.1:43121/1.0" },
    });
    expect(custom.auth).toMatchObject({ tokenUrl: "https://127.0.0.1:43121/auth/oauth2/token" });
    const override = resolveOvhConfig({
      pulumiConfig: (k) => (k === "tokenUrl" ? "https://auth.example/token" : undefined),
      env: { OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: SECRET_CS },
    });
    expect(override.auth).toMatchObject({ tokenUrl: "https://auth.example/token" });
  });

  it("resolves a ready access token", () => {
    const config = resolveOvhConfig({ env: { OVH_ACCESS_TOKEN: SECRET_TOKEN } });
    expect(config.auth.kind).toBe("accessToken");
  });

  describe("refusals", () => {
    it("names the missing v1 setting", () => {
      const err = configError(() =>
        resolveOvhConfig({ env: { OVH_APPLICATION_KEY: "ak", OVH_APPLICATION_SECRET: SECRET_AS } }),
      );
      expect(err.message).toBe(
        "OVH_CONSUMER_KEY (or ovh:consumerKey) is missing: v1 authentication needs application key, " +
          "application secret and consumer key",
      );
      expectNoSecret(err.message);
    });

    it("names every missing setting", () => {
      const err = configError(() =>
        resolveOvhConfig({ pulumiConfig: (k) => (k === "applicationKey" ? "ak" : undefined), env: {} }),
      );
      expect(err.message).toContain(
        "OVH_APPLICATION_SECRET (or ovh:applicationSecret) and OVH_CONSUMER_KEY (or ovh:consumerKey) are missing",
      );
    });

    it("names the missing OAuth2 secret", () => {
      const err = configError(() => resolveOvhConfig({ env: { OVH_CLIENT_ID: "id" } }));
      expect(err.message).toBe(
        "OVH_CLIENT_SECRET (or ovh:clientSecret) is missing: OAuth2 authentication needs client id and client secret",
      );
    });

    it("refuses mixed methods, naming each setting and where it came from", () => {
      const err = configError(() =>
        resolveOvhConfig({
          pulumiConfig: (k) => (k === "clientId" ? "id" : undefined),
          env: { ...v1Env, OVH_ACCESS_TOKEN: SECRET_TOKEN },
        }),
      );
      expect(err.message).toContain("Conflicting OVH authentication settings");
      expect(err.message).toContain("OVH_APPLICATION_KEY (environment)");
      expect(err.message).toContain("ovh:clientId (Pulumi config)");
      expect(err.message).toContain("OVH_ACCESS_TOKEN (environment)");
      expectNoSecret(err.message);
    });

    it("refuses no credentials at all, unless asked not to", () => {
      const err = configError(() => resolveOvhConfig({ env: {} }));
      expect(err.message).toContain("No OVH credentials found");
      expect(err.message).toContain("OVH_CLIENT_ID");
      expect(resolveOvhConfig({ env: {}, requireAuth: false }).auth.kind).toBe("none");
    });

    it("refuses OAuth2 on an endpoint without OAuth2", () => {
      const err = configError(() =>
        resolveOvhConfig({
          env: { OVH_ENDPOINT: "kimsufi-eu", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: SECRET_CS },
        }),
      );
      expect(err.message).toContain("OAuth2 is not available on endpoint kimsufi-eu");
      expect(err.message).toContain(settingLabel("tokenUrl"));
      expectNoSecret(err.message);
    });

    it("refuses an unknown endpoint, naming where it came from", () => {
      const err = configError(() => resolveOvhConfig({ env: { ...v1Env, OVH_ENDPOINT: "ovh-moon" } }));
      expect(err.message).toContain("OVH_ENDPOINT (environment)");
      expect(err.message).toContain("ovh-eu, ovh-ca");
    });

    it.each([
      ["OVH_API_RATE_LIMIT", "-1", "OVH_API_RATE_LIMIT (environment) must be a number ≥ 0"],
      ["OVH_API_RATE_LIMIT", "fast", "OVH_API_RATE_LIMIT (environment) must be a number ≥ 0"],
      ["OVH_API_BURST", "0", "OVH_API_BURST (environment) must be a whole number ≥ 1"],
      ["OVH_API_BURST", "2.5", "OVH_API_BURST (environment) must be a whole number ≥ 1"],
      ["OVH_API_MAX_CONCURRENCY", "0", "OVH_API_MAX_CONCURRENCY (environment) must be a whole number ≥ 1"],
      ["OVH_API_TIMEOUT_MS", "0", "OVH_API_TIMEOUT_MS (environment) must be a whole number ≥ 1"],
      ["OVH_API_TIMEOUT_MS", "Infinity", "OVH_API_TIMEOUT_MS (environment) must be a whole number ≥ 1"],
      ["OVH_API_MAX_RETRIES", "-2", "OVH_API_MAX_RETRIES (environment) must be a whole number ≥ 0"],
    ])("validates %s=%s", (name, value, message) => {
      const err = configError(() => resolveOvhConfig({ env: { ...v1Env, [name]: value } }));
      expect(err.message).toContain(message);
      expect(err.message).toContain(`"${value}"`);
    });

    it("names the Pulumi key or the explicit argument when that is where a bad number came from", () => {
      expect(
        configError(() =>
          resolveOvhConfig({ pulumiConfig: (k) => (k === "apiBurst" ? "x" : undefined), env: v1Env }),
        ).message,
      ).toContain("ovh:apiBurst (Pulumi config)");
      expect(
        configError(() => resolveOvhConfig({ explicit: { apiMaxRetries: 1.5 }, env: v1Env })).message,
      ).toContain("apiMaxRetries (explicit provider argument)");
    });
  });

  it("accepts 0 and Infinity to disable the rate limit", () => {
    expect(resolveOvhConfig({ env: { ...v1Env, OVH_API_RATE_LIMIT: "0" } }).limits.ratePerSecond).toBe(
      Infinity,
    );
    expect(resolveOvhConfig({ env: { ...v1Env, OVH_API_RATE_LIMIT: "Infinity" } }).limits.ratePerSecond).toBe(
      Infinity,
    );
    expect(resolveOvhConfig({ env: { ...v1Env, OVH_API_RATE_LIMIT: "0.5" } }).limits.ratePerSecond).toBe(0.5);
  });

  describe("secrets never show", () => {
    const configs = [
      resolveOvhConfig({ env: v1Env }),
      resolveOvhConfig({ env: { OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: SECRET_CS } }),
      resolveOvhConfig({ env: { OVH_ACCESS_TOKEN: SECRET_TOKEN } }),
    ];
    it.each(configs.map((c) => [c.auth.kind, c]))(
      "%s: JSON, inspect, String, spread and keys",
      (_kind, config) => {
        const json = JSON.stringify(config);
        expectNoSecret(json);
        expect(json).toContain("[redacted]");
        expectNoSecret(inspect(config, { depth: 10, showHidden: false }));
        expectNoSecret(inspect(config.auth, { depth: 10 }));
        expectNoSecret(inspect(config, { depth: 10, showHidden: true, customInspect: false }));
        expectNoSecret(inspect(config.auth, { depth: 10, showHidden: true, customInspect: false }));
        expectNoSecret(JSON.stringify(config.auth));
        expectNoSecret(JSON.stringify({ ...config.auth }));
        expectNoSecret(JSON.stringify(Object.values(config.auth)));
        expectNoSecret(`${String(config)} ${String(config.auth)}`);
        expectNoSecret(JSON.stringify(Object.entries(config)));
        expect(Object.keys(config.auth)).not.toEqual(
          expect.arrayContaining(["applicationSecret", "consumerKey", "clientSecret", "accessToken"]),
        );
      },
    );

    it("keeps the resolved config immutable", () => {
      const config = resolveOvhConfig({ env: v1Env });
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.auth)).toBe(true);
    });
  });
});
