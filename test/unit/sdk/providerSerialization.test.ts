/**
 * What Pulumi writes into every resource's state as `__provider`, serialized the way `pulumi.dynamic.Resource`
 * does it (`runtime.serializeFunction(() => provider, { allowSecrets: true })`), in a plain Node process (the
 * module system Pulumi inspects; Jest has its own) whose program directory has a `node_modules` symlinking the
 * repository, as the examples and the end-to-end harness do.
 */
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const SECRET = "application-SECRET-that-must-never-reach-state";
const KINDS = ["Office365ResellerTenant", "Subscription", "DomainAutoConfig"];

const SCRIPT = `
const pulumi = require("@pulumi/pulumi");
const { providers } = require(process.argv[2]);
(async () => {
  const out = {};
  for (const [kind, provider] of Object.entries(providers)) {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    out[kind] = serialized.text;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

let program: string;
let serialized: Record<string, string>;

beforeAll(async () => {
  program = await mkdtemp(path.join(os.tmpdir(), "ovhoffice-serialize-"));
  const modules = path.join(program, "node_modules");
  await mkdir(modules);
  for (const entry of await readdir(path.join(repoRoot, "node_modules"))) {
    if (!entry.startsWith("."))
      await symlink(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
  }
  await symlink(repoRoot, path.join(modules, "pulumi-ovh-office365-reseller"));
  await writeFile(path.join(program, "serialize.js"), SCRIPT);
  // The SDK's TypeScript source, reached through the symlink (ts-node compiles it; no build needed).
  const sdkThroughLink = path.join(modules, "pulumi-ovh-office365-reseller", "sdk", "dynamicProvider.ts");
  const { stdout } = await run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "serialize.js", sdkThroughLink],
    {
      cwd: program,
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(repoRoot, "tsconfig.json"),
        OVH_APPLICATION_SECRET: SECRET,
        OVH_CONSUMER_KEY: SECRET,
      },
      timeout: 60_000,
    },
  );
  serialized = JSON.parse(stdout) as Record<string, string>;
}, 90_000);

afterAll(async () => {
  if (program) await rm(program, { recursive: true, force: true });
});

describe("serialized dynamic provider (symlinked install)", () => {
  it.each(KINDS)("%s: a require of the installed provider module, at most 400 bytes", (kind) => {
    const text = serialized[kind]!;
    expect(text.length).toBeLessThanOrEqual(400);
    const specifier = `pulumi-ovh-office365-reseller/dist/provider/dynamic/providers/${kind}.js`;
    expect(text).toContain(`require(${JSON.stringify(specifier)})`);
    // Nothing of the provider's code is inlined.
    expect(text).not.toContain("configure");
    expect(text).not.toContain(repoRoot);
  });

  it("holds no credential", () => {
    for (const text of Object.values(serialized)) expect(text).not.toContain(SECRET);
  });

  it("names a path the package exports, backed by a provider module", async () => {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    expect(pkg.exports["./dist/provider/dynamic/providers/*"]).toBe("./dist/provider/dynamic/providers/*");
    for (const kind of KINDS) {
      expect(existsSync(path.join(repoRoot, "provider", "dynamic", "providers", `${kind}.ts`))).toBe(true);
    }
  });
});
