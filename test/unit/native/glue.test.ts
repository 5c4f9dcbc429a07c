/**
 * The native adapter's glue without an engine: secret wrappers in and out, detailed diffs, provider
 * configuration (Configure arguments, PULUMI_CONFIG, explicit vs default provider) and the gRPC-level patches.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  ProviderConfiguration,
  isDefaultProviderUrn,
  stackConfigLookup,
} from "../../../provider/native/config";
import { detailedDiffOf, OvhOfficeProvider } from "../../../provider/native/provider";
import {
  currentTimeoutMs,
  diffResponse,
  engineLogger,
  interceptService,
  patchReadWithoutProperties,
  type RpcHooks,
} from "../../../provider/native/rpc";
import {
  isSecretWrapper,
  SECRET_SIG,
  SIG_KEY,
  toWire,
  unwrapProps,
  wrapKeys,
  wrapSecret,
} from "../../../provider/native/secrets";
import { closeAllClients } from "../../../provider/runtime/context";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const TENANT_URN = "urn:pulumi:dev::proj::ovhoffice:index:Office365ResellerTenant::contoso";
const DNS_URN = "urn:pulumi:dev::proj::ovhoffice:index:DomainAutoConfig::dns";

/** A configuration that resolves without any network call (nothing here talks to OVH). */
function offlineConfiguration(): ProviderConfiguration {
  const settings: Record<string, string> = {
    endpoint: "http://127.0.0.1:9/1.0",
    applicationKey: "ak",
    applicationSecret: "as",
    consumerKey: "ck",
  };
  return new ProviderConfiguration((key) => settings[key]);
}

afterAll(() => closeAllClients());

describe("secret wrappers", () => {
  it("uses the engine's signature", () => {
    expect(SIG_KEY).toBe("4dabf18193072939515e22adb298388d");
    expect(SECRET_SIG).toBe("1b47061264138c4ac30d75fd1eb44270");
  });

  it("unwraps at any depth and remembers the top-level keys that held a secret", () => {
    const { plain, secretKeys } = unwrapProps({
      displayName: "Contoso",
      administratorPassword: secret("s3cret-pass"),
      contact: { firstName: "Megan", email: secret("megan@contoso.example") },
      services: [secret("exchange"), "teams"],
      nested: secret({ inner: secret(1) }),
    });
    expect(plain).toEqual({
      displayName: "Contoso",
      administratorPassword: "s3cret-pass",
      contact: { firstName: "Megan", email: "megan@contoso.example" },
      services: ["exchange", "teams"],
      nested: { inner: 1 },
    });
    expect([...secretKeys].sort()).toEqual(["administratorPassword", "contact", "nested", "services"]);
  });

  it("wraps the named keys once, skipping absent and null values", () => {
    const wrapped = wrapKeys({ a: "x", b: null, c: secret("y") }, ["a", "b", "c", "d"]);
    expect(wrapped).toEqual({ a: secret("x"), b: null, c: secret("y") });
    expect(isSecretWrapper(wrapSecret(wrapSecret("z")))).toBe(true);
    expect(wrapSecret(wrapSecret("z"))).toEqual(secret("z"));
  });

  it("makes values wire-safe (no undefined for Struct.fromJavaScript)", () => {
    expect(toWire({ a: undefined, b: 1, c: [undefined, 2], d: { e: undefined } })).toEqual({
      b: 1,
      c: [null, 2],
      d: {},
    });
    expect(toWire(undefined)).toEqual({});
  });

  it("check re-wraps the secret password and any input that arrived secret", async () => {
    const provider = new OvhOfficeProvider({ version: "0.0.0-test", configuration: offlineConfiguration() });
    const result = await provider.check(
      TENANT_URN,
      {},
      {
        mpnId: "1234567",
        displayName: secret("Contoso"),
        administratorPassword: "plain-but-secret-by-schema",
        contact: {
          firstName: "Megan",
          lastName: "Bowen",
          email: "megan@contoso.example",
          phone: "+33.123456789",
          address: "2 rue Kellermann",
          city: "Roubaix",
          zipCode: "59100",
          country: "FR",
        },
      },
    );
    expect(result.failures).toEqual([]);
    expect(result.inputs.administratorPassword).toEqual(secret("plain-but-secret-by-schema"));
    expect(result.inputs.displayName).toEqual(secret("Contoso"));
    expect(result.inputs.mpnId).toBe("1234567");
    expect(result.inputs.deletionPolicy).toBe("retain");
  });

  it("check reports failures on the original inputs", async () => {
    const provider = new OvhOfficeProvider({ version: "0.0.0-test", configuration: offlineConfiguration() });
    const news = { existingServiceName: "csp2-1", administratorPassword: secret("short") };
    const result = await provider.check(TENANT_URN, {}, news);
    expect(result.inputs).toBe(news);
    expect(result.failures).toEqual([expect.objectContaining({ property: "administratorPassword" })]);
  });
});

describe("detailed diff", () => {
  it("names each changed property, marks replacements, tells add and delete for inputs", () => {
    const diff = detailedDiffOf(
      "Office365ResellerTenant",
      {
        changes: true,
        replaces: ["customSubDomain"],
        changedKeys: ["displayName", "customSubDomain", "mpnId"],
      },
      { displayName: "Old", customSubDomain: null, mpnId: "1234567" },
      { displayName: "New", customSubDomain: "contoso", mpnId: undefined },
    );
    expect(diff).toEqual({
      changes: true,
      replaces: ["customSubDomain"],
      diffs: ["displayName", "customSubDomain", "mpnId"],
      detailedDiff: { displayName: "update", customSubDomain: "add-replace", mpnId: "delete" },
      deleteBeforeReplace: false,
    });
  });

  it("treats output-only keys (drifted records) as updates", () => {
    const diff = detailedDiffOf(
      "DomainAutoConfig",
      { changes: true, replaces: [], changedKeys: ["records"] },
      { records: [] },
      {},
    );
    expect(diff.detailedDiff).toEqual({ records: "update" });
  });

  it("sends nothing when nothing changes", () => {
    const diff = detailedDiffOf("Subscription", { changes: false, replaces: [], changedKeys: [] }, {}, {});
    expect(diff).toMatchObject({ changes: false, replaces: [], diffs: [], detailedDiff: {} });
  });

  it("builds the gRPC DiffResponse with a detailed diff", () => {
    const resp = diffResponse({
      changes: true,
      replaces: ["domain"],
      diffs: ["domain", "ttl"],
      detailedDiff: { domain: "update-replace", ttl: "update" },
      deleteBeforeReplace: true,
    }) as { toObject(): Record<string, unknown> };
    const obj = resp.toObject();
    expect(obj).toMatchObject({
      changes: 2, // DIFF_SOME
      replacesList: ["domain"],
      diffsList: ["domain", "ttl"],
      deletebeforereplace: true,
      hasdetaileddiff: true,
    });
    expect(new Map(obj.detaileddiffMap as [string, unknown][])).toEqual(
      new Map([
        ["domain", { kind: 5, inputdiff: false }], // UPDATE_REPLACE
        ["ttl", { kind: 4, inputdiff: false }], // UPDATE
      ]),
    );
  });

  it("the provider diffs unwrapped values (a changed secret password is an update)", async () => {
    const provider = new OvhOfficeProvider({ version: "0.0.0-test", configuration: offlineConfiguration() });
    const olds = {
      serviceName: "csp2-100001",
      orderId: null,
      deletionPolicy: "retain",
      administratorPassword: secret("first-password"),
    };
    const same = await provider.diff("csp2-100001", TENANT_URN, olds, {
      administratorPassword: secret("first-password"),
      deletionPolicy: "retain",
    });
    expect(same.changes).toBe(false);
    const changed = await provider.diff("csp2-100001", TENANT_URN, olds, {
      administratorPassword: secret("second-password"),
      deletionPolicy: "retain",
    });
    expect(changed.detailedDiff).toEqual({ administratorPassword: "update" });
  });

  it("DNS: a new domain replaces, delete before replace", async () => {
    const provider = new OvhOfficeProvider({ version: "0.0.0-test", configuration: offlineConfiguration() });
    const olds = {
      tenant: "csp2-100001",
      domain: "contoso-demo.fr",
      zone: "contoso-demo.fr",
      services: ["exchange", "teams"],
      exchangeMxTarget: "contoso-demo-fr.mail.protection.outlook.com",
      ttl: 3600,
      method: "records",
      takeOverConflicts: false,
      records: [],
      takenOver: [],
    };
    const news = { ...olds, domain: "fabrikam-demo.com", zone: "fabrikam-demo.com", records: undefined };
    const diff = await provider.diff("csp2-100001/contoso-demo.fr", DNS_URN, olds, news);
    expect(diff.replaces).toEqual(expect.arrayContaining(["domain"]));
    expect(diff.detailedDiff.domain).toBe("update-replace");
    expect(diff.deleteBeforeReplace).toBe(true);
  });
});

describe("provider configuration", () => {
  const stack: Record<string, string> = { endpoint: "https://stack.example/1.0", applicationKey: "stack-ak" };
  const lookup = (key: string) => stack[key];

  it("tells default providers from explicit ones by URN", () => {
    expect(isDefaultProviderUrn("urn:pulumi:dev::p::pulumi:providers:ovhoffice::default_0_1_0")).toBe(true);
    expect(isDefaultProviderUrn("urn:pulumi:dev::p::pulumi:providers:ovhoffice::default")).toBe(true);
    expect(isDefaultProviderUrn("urn:pulumi:dev::p::pulumi:providers:ovhoffice::secondAccount")).toBe(false);
    expect(isDefaultProviderUrn(undefined)).toBe(true);
  });

  it("before Configure: the stack configuration (PULUMI_CONFIG)", () => {
    const config = new ProviderConfiguration(lookup);
    expect(config.lookup()("endpoint")).toBe("https://stack.example/1.0");
  });

  it("default provider: Configure arguments first, then the stack configuration", () => {
    const config = new ProviderConfiguration(lookup);
    config.configure({
      urn: "urn:pulumi:dev::p::pulumi:providers:ovhoffice::default_0_1_0",
      args: { endpoint: "https://args.example/1.0", version: "0.1.0" },
    });
    expect(config.isExplicitProvider).toBe(false);
    expect(config.lookup()("endpoint")).toBe("https://args.example/1.0");
    expect(config.lookup()("applicationKey")).toBe("stack-ak");
    expect(config.lookup()("version")).toBeUndefined();
  });

  it("explicit provider: only its arguments (unwrapped, numbers as text), never the stack's keys", () => {
    const config = new ProviderConfiguration(lookup);
    config.configure({
      urn: "urn:pulumi:dev::p::pulumi:providers:ovhoffice::secondAccount",
      args: {
        endpoint: "https://second.example/1.0",
        applicationSecret: secret("second-secret"),
        apiRateLimit: 20,
        region: "eu",
      },
    });
    expect(config.isExplicitProvider).toBe(true);
    const get = config.lookup();
    expect(get("endpoint")).toBe("https://second.example/1.0");
    expect(get("applicationSecret")).toBe("second-secret");
    expect(get("apiRateLimit")).toBe("20");
    expect(get("applicationKey")).toBeUndefined();
    expect(config.ignoredKeys).toEqual(["region"]);
  });

  it("reads the stack configuration through pulumi.runtime.getConfig", () => {
    pulumi.runtime.setAllConfig({ endpoint: "https://from-runtime.example/1.0" }, []);
    expect(stackConfigLookup()("endpoint")).toBe("https://from-runtime.example/1.0");
  });

  it("reads PULUMI_CONFIG as the engine sets it when starting the plugin", () => {
    const script = [
      'const { stackConfigLookup } = require("./provider/native/config");',
      "const get = stackConfigLookup();",
      'process.stdout.write(JSON.stringify([get("endpoint"), get("applicationSecret"), get("consumerKey")]));',
    ].join("\n");
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: path.resolve(__dirname, "../../.."),
      env: {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify({
          endpoint: "https://env.example/1.0",
          applicationSecret: "decrypted",
        }),
      },
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual(["https://env.example/1.0", "decrypted", null]);
  });

  it("configuration errors name the ovhoffice: keys", async () => {
    const provider = new OvhOfficeProvider({
      version: "0.0.0-test",
      configuration: new ProviderConfiguration(() => undefined),
    });
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (key.startsWith("OVH_")) delete process.env[key];
    try {
      await expect(
        provider.invoke("ovhoffice:index:getBillingPeriodPeaks", { tenant: "csp2-1" }),
      ).rejects.toThrow(/ovhoffice:applicationKey/);
    } finally {
      process.env = saved;
    }
  });
});

describe("gRPC patches", () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const provproto: any = require("@pulumi/pulumi/proto/provider_pb");
  const { Struct }: any = require("google-protobuf/google/protobuf/struct_pb");
  /* eslint-enable @typescript-eslint/no-explicit-any */

  it("Read without properties (import) reads as an empty object", () => {
    patchReadWithoutProperties();
    const req = new provproto.ReadRequest();
    req.setId("csp2-100001");
    expect(req.getProperties().toJavaScript()).toEqual({});
    req.setProperties(Struct.fromJavaScript({ a: 1 }));
    expect(req.getProperties().toJavaScript()).toEqual({ a: 1 });
  });

  function fakeService() {
    const seen: Record<string, unknown> = {};
    const service = {
      provider: "server.js's provider",
      configure(this: { provider: string }, _call: unknown, callback: (e: unknown, v?: unknown) => void) {
        seen.configureThis = this.provider;
        callback(null, "configured");
      },
      diff() {
        throw new Error("server.js's diff must not be used");
      },
      create(_call: unknown, callback: (e: unknown, v?: unknown) => void) {
        seen.createTimeout = currentTimeoutMs();
        callback(null, "created");
      },
      update(_call: unknown, callback: (e: unknown, v?: unknown) => void) {
        seen.updateTimeout = currentTimeoutMs();
        callback(null, "updated");
      },
      delete(_call: unknown, callback: (e: unknown, v?: unknown) => void) {
        callback(null, "deleted");
      },
      read(_call: unknown, callback: (e: unknown, v?: unknown) => void) {
        callback(null, "read");
      },
      getSchema(this: { provider: string }, _call: unknown, callback: (e: unknown, v?: unknown) => void) {
        callback(null, this.provider);
      },
    };
    return { service, seen };
  }

  function call(wrapped: Record<string, unknown>, name: string, request: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const handler = wrapped[name] as (c: unknown, cb: (e: unknown, v?: unknown) => void) => void;
      handler.call(wrapped, { request }, (error, value) => (error ? reject(error) : resolve(value)));
    });
  }

  it("hands the Configure request to the provider, then lets server.js answer", async () => {
    const configured: unknown[] = [];
    const hooks: RpcHooks = {
      configure: (request) => configured.push(request),
      detailedDiff: async () => {
        throw new Error("unused");
      },
      previewUpdate: (_urn, _olds, news) => news,
    };
    const { service, seen } = fakeService();
    const wrapped = interceptService(service, hooks);
    const req = new provproto.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript({ endpoint: "https://x/1.0", applicationSecret: secret("s") }));
    req.setUrn("urn:pulumi:dev::p::pulumi:providers:ovhoffice::second");
    await expect(call(wrapped, "configure", req)).resolves.toBe("configured");
    expect(configured).toEqual([
      {
        args: { endpoint: "https://x/1.0", applicationSecret: secret("s") },
        urn: "urn:pulumi:dev::p::pulumi:providers:ovhoffice::second",
      },
    ]);
    expect(seen.configureThis).toBe("server.js's provider");
    await expect(call(wrapped, "getSchema", {})).resolves.toBe("server.js's provider");
  });

  it("answers Diff itself, with the detailed diff", async () => {
    const hooks: RpcHooks = {
      configure: () => undefined,
      detailedDiff: async (id, urn, olds, news) => {
        expect([id, urn, olds, news]).toEqual(["sub-id", "urn:x", { quantity: 2 }, { quantity: 4 }]);
        return {
          changes: true,
          replaces: [],
          diffs: ["quantity"],
          detailedDiff: { quantity: "update" },
          deleteBeforeReplace: false,
        };
      },
      previewUpdate: (_urn, _olds, news) => news,
    };
    const wrapped = interceptService(fakeService().service, hooks);
    const req = new provproto.DiffRequest();
    req.setId("sub-id");
    req.setUrn("urn:x");
    req.setOlds(Struct.fromJavaScript({ quantity: 2 }));
    req.setNews(Struct.fromJavaScript({ quantity: 4 }));
    const resp = (await call(wrapped, "diff", req)) as {
      getDiffsList(): string[];
      getHasdetaileddiff(): boolean;
    };
    expect(resp.getDiffsList()).toEqual(["quantity"]);
    expect(resp.getHasdetaileddiff()).toBe(true);
  });

  it("runs Create/Update inside the request's timeout (seconds → ms)", async () => {
    const { service, seen } = fakeService();
    const hooks: RpcHooks = {
      configure: () => undefined,
      detailedDiff: async () => ({}) as never,
      previewUpdate: (_urn, _olds, news) => news,
    };
    const wrapped = interceptService(service, hooks);
    const create = new provproto.CreateRequest();
    create.setTimeout(90);
    await call(wrapped, "create", create);
    await call(wrapped, "update", new provproto.UpdateRequest());
    expect(seen.createTimeout).toBe(90_000);
    expect(seen.updateTimeout).toBeUndefined();
    expect(currentTimeoutMs()).toBeUndefined();
  });

  it("answers previews of create and update itself (supportsPreview): no provider call, identity kept known", async () => {
    const { service, seen } = fakeService();
    const provider = new OvhOfficeProvider({ version: "0.0.0" });
    const wrapped = interceptService(service, provider);
    const urn = "urn:pulumi:dev::p::ovhoffice:index:Subscription::addon";
    const update = new provproto.UpdateRequest();
    update.setUrn(urn);
    update.setPreview(true);
    update.setOlds(
      Struct.fromJavaScript({ tenant: "csp2-1", subscriptionId: 3000008, quantity: 5, status: "active" }),
    );
    update.setNews(Struct.fromJavaScript({ tenant: "csp2-1", licence: "Basic", quantity: 7 }));
    const resp = (await call(wrapped, "update", update)) as { getProperties(): { toJavaScript(): unknown } };
    expect(resp.getProperties().toJavaScript()).toEqual({
      tenant: "csp2-1",
      licence: "Basic",
      quantity: 7,
      subscriptionId: 3000008,
    });
    const create = new provproto.CreateRequest();
    create.setUrn(urn);
    create.setPreview(true);
    create.setProperties(Struct.fromJavaScript({ tenant: "csp2-1", quantity: 2 }));
    const created = (await call(wrapped, "create", create)) as {
      getId(): string;
      getProperties(): { toJavaScript(): unknown };
    };
    expect(created.getId()).toBe("");
    expect(created.getProperties().toJavaScript()).toEqual({ tenant: "csp2-1", quantity: 2 });
    expect("createTimeout" in seen || "updateTimeout" in seen).toBe(false);
  });

  it("sends resource messages to the engine address given as the plugin's argument", () => {
    expect(engineLogger([])).toBeUndefined();
    expect(engineLogger(["--logtostderr", "-v=3"])).toBeUndefined();
    expect(engineLogger(["--tracing", "t:1", "127.0.0.1:4567"])).toEqual(expect.any(Function));
  });
});
