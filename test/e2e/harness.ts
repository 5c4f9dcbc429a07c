/**
 * End-to-end harness: the real Pulumi CLI, offline, against a local file backend.
 *
 * - {@link locatePulumiCli} runs `scripts/pulumi-cli.sh` (PATH install, cache, or Go build) and
 *   fails loudly when no CLI can be provided: the e2e suite never skips silently.
 * - {@link createOfflineWorkspace} makes a temp dir with its own PULUMI_HOME, file backend and
 *   passphrase; {@link stageProgram} copies a program there with a node_modules that resolves
 *   the repository's single copy of `@pulumi/pulumi` and the project package itself.
 * - {@link openStack} wraps `LocalWorkspace.createOrSelectStack` with those settings.
 * - {@link EventCollector} records engine events and summarises per-resource operations.
 */
import { spawn } from "node:child_process";
import { startSandbox, type RunningSandbox } from "../../sandbox";
import { SandboxControl } from "../integration/support";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  ConfigMap,
  EngineEvent,
  LocalWorkspace,
  OpType,
  PropertyDiff,
  PulumiCommand,
  Stack,
} from "@pulumi/pulumi/automation";

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(__dirname, "..", "..");

/** Environment variable that keeps temp dirs after {@link OfflineWorkspace.cleanup}, for debugging. */
export const keepTempEnvVar = "OVHOFFICE_E2E_KEEP";

/** A Pulumi CLI usable by the Automation API. */
export interface PulumiCli {
  /** Directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
  readonly binDir: string;
  /** Parent of {@link binDir}: the `root` that `PulumiCommand.get` expects. */
  readonly root: string;
  /** Version printed by `pulumi version`, e.g. `v3.248.0`. */
  readonly version: string;
  /** Command object to pass as `pulumiCommand` to `LocalWorkspace`. */
  readonly command: PulumiCommand;
}

/** Lines of the script's stderr kept in error messages. */
const stderrTailLines = 60;

/** A cold build of the CLI from Go modules can take a long time on two cores. */
const cliScriptTimeoutMs = 60 * 60 * 1000;

let cliPromise: Promise<PulumiCli> | undefined;

/**
 * Provides the Pulumi CLI via `scripts/pulumi-cli.sh` (memoised per process).
 *
 * @throws Error with the script's message when no CLI is available: never skip on it.
 */
export function locatePulumiCli(): Promise<PulumiCli> {
  cliPromise ??= runCliScript().catch((err: unknown) => {
    cliPromise = undefined;
    throw err;
  });
  return cliPromise;
}

async function runCliScript(): Promise<PulumiCli> {
  const script = path.join(repoRoot, "scripts", "pulumi-cli.sh");
  const { stdout, stderr, error } = await runScriptShowingProgress(script);
  if (error) {
    const tail = stderr.trimEnd().split("\n").slice(-stderrTailLines).join("\n");
    throw new Error(
      `No usable Pulumi CLI: ${script} failed (${error.message.split("\n")[0]}).\n${tail}\n` +
        "The e2e suite needs the Pulumi CLI; see the message above and https://www.pulumi.com/docs/install/",
    );
  }
  const binDir = stdout.trimEnd().split("\n").pop() ?? "";
  if (!path.isAbsolute(binDir) || !existsSync(path.join(binDir, "pulumi"))) {
    throw new Error(`${script} printed no usable bin directory (got "${binDir}").\n${stderr}`);
  }
  const root = path.dirname(binDir);
  const command = await PulumiCommand.get({ root });
  const version = command.version ? `v${command.version.format()}` : "unknown";
  return { binDir, root, version, command };
}

/**
 * Adds the Pulumi YAML language host next to the CLI via `scripts/pulumi-yaml-host.sh` (built once, then cached),
 * for the native provider's YAML programs.
 *
 * @throws Error with the script's message when it cannot be provided.
 */
export async function locateYamlHost(cli: PulumiCli): Promise<void> {
  const script = path.join(repoRoot, "scripts", "pulumi-yaml-host.sh");
  const { stdout, stderr, error } = await runScriptShowingProgress(script);
  const binDir = stdout.trimEnd().split("\n").pop() ?? "";
  if (error || binDir !== cli.binDir || !existsSync(path.join(binDir, "pulumi-language-yaml"))) {
    const tail = stderr.trimEnd().split("\n").slice(-stderrTailLines).join("\n");
    throw new Error(
      `No Pulumi YAML language host: ${script} ${error ? `failed (${error.message})` : `printed "${binDir}"`}, ` +
        `expected ${cli.binDir} holding pulumi-language-yaml.\n${tail}`,
    );
  }
}

/**
 * Runs a provisioning script (`scripts/pulumi-cli.sh`, `scripts/pulumi-yaml-host.sh`): its stderr (progress of a
 * first-run build, which takes minutes) goes to this process's stderr as it comes, so a person sees what is being
 * built; stdout (the answer) and stderr are also collected.
 */
export function runScriptShowingProgress(
  script: string,
): Promise<{ stdout: string; stderr: string; error: Error | null }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [script], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGTERM"), cliScriptTimeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, error });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const error =
        code === 0 ? null : new Error(`exit ${code ?? "none"}${signal ? ` (signal ${signal})` : ""}`);
      resolve({ stdout, stderr, error });
    });
  });
}

/**
 * The `OVH_*` settings that point the provider at a sandbox started by a test: its credentials, no client-side
 * rate limit, and fast polling of the sandbox's short tasks.
 */
export function sandboxEnvironment(
  sandbox: Pick<RunningSandbox, "url" | "applicationKey" | "applicationSecret" | "consumerKey">,
): Record<string, string> {
  return {
    OVH_ENDPOINT: sandbox.url,
    OVH_APPLICATION_KEY: sandbox.applicationKey,
    OVH_APPLICATION_SECRET: sandbox.applicationSecret,
    OVH_CONSUMER_KEY: sandbox.consumerKey,
    OVH_API_RATE_LIMIT: "0",
    OVH_OFFICE_POLL_FIRST_DELAY_MS: "100",
  };
}

/** An isolated, offline Pulumi environment in a temp dir. */
export interface OfflineWorkspace {
  /** Temp dir holding everything below; removed by {@link cleanup}. */
  readonly dir: string;
  /** `PULUMI_HOME` (plugins, workspace settings, logs). */
  readonly pulumiHome: string;
  /** Directory of the local file backend. */
  readonly stateDir: string;
  /** `file://` URL of {@link stateDir}. */
  readonly backendUrl: string;
  /** Passphrase of the passphrase secrets provider. */
  readonly passphrase: string;
  /** Environment for every CLI call (pass as `envVars`). */
  readonly envVars: Readonly<Record<string, string>>;
  /** Removes {@link dir} (kept when `OVHOFFICE_E2E_KEEP=1`). Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface OfflineWorkspaceOptions {
  /** Defaults to a fixed test passphrase. */
  readonly passphrase?: string;
  /** Extra environment for the CLI, the program and its plugins (e.g. sandbox endpoint). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Temp dirs created by this process and not yet removed. */
const liveTempDirs = new Set<string>();

/** Creates a temp dir with its own PULUMI_HOME, file backend and offline settings. */
export async function createOfflineWorkspace(
  cli: PulumiCli,
  options: OfflineWorkspaceOptions = {},
): Promise<OfflineWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), "ovhoffice-e2e-"));
  liveTempDirs.add(dir);
  const pulumiHome = path.join(dir, "pulumi-home");
  const stateDir = path.join(dir, "state");
  await mkdir(pulumiHome);
  await mkdir(stateDir);
  const backendUrl = `file://${stateDir}`;
  const passphrase = options.passphrase ?? "ovhoffice-e2e-passphrase";
  const envVars: Record<string, string> = {
    // The engine finds the bundled plugins (language host, dynamic-provider script) on PATH.
    PATH: [cli.binDir, process.env.PATH ?? ""].filter(Boolean).join(path.delimiter),
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...options.env,
  };
  return {
    dir,
    pulumiHome,
    stateDir,
    backendUrl,
    passphrase,
    envVars,
    cleanup: () => removeTempDir(dir),
  };
}

async function removeTempDir(dir: string): Promise<void> {
  liveTempDirs.delete(dir);
  if (process.env[keepTempEnvVar] === "1") {
    console.warn(`${keepTempEnvVar}=1: keeping ${dir}`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

/** Removes every temp dir this process created and has not removed yet (for `afterAll`). */
export async function cleanupAllWorkspaces(): Promise<void> {
  await Promise.all([...liveTempDirs].map((dir) => removeTempDir(dir)));
}

export interface StageProgramOptions {
  /** Name of the copy under `<workspace>/programs/`; defaults to the source dir's name. */
  readonly name?: string;
  /** Also make the project package resolvable by its npm name (default true). */
  readonly linkProjectPackage?: boolean;
}

/**
 * Copies a Pulumi program into the workspace, so stack files (`Pulumi.<stack>.yaml`) never land
 * in the repository, and gives it a `node_modules` of symlinks:
 * - each entry of the repository's `node_modules` (one copy of `@pulumi/pulumi`, ts-node, typescript);
 * - the project package by its npm name, pointing at the repository root (its `exports` map
 *   serves the compiled `dist/`, so run `npm run build` first).
 * The program dir is also the dynamic provider's cwd, so code `require`d inside provider methods
 * resolves from the same `node_modules`.
 *
 * @returns the absolute program dir to pass to {@link openStack}.
 */
export async function stageProgram(
  workspace: OfflineWorkspace,
  sourceDir: string,
  options: StageProgramOptions = {},
): Promise<string> {
  const source = path.resolve(sourceDir);
  const target = path.join(workspace.dir, "programs", options.name ?? path.basename(source));
  await cp(source, target, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(source, src);
      const first = rel.split(path.sep)[0] ?? "";
      // Stack files (Pulumi.<stack>.yaml) would carry another run's salt and config.
      return first !== "node_modules" && !/^Pulumi\.[^/]+\.yaml$/.test(rel);
    },
  });

  const modules = path.join(target, "node_modules");
  await mkdir(modules, { recursive: true });
  const repoModules = path.join(repoRoot, "node_modules");
  for (const entry of await readdir(repoModules)) {
    if (entry.startsWith(".")) continue;
    await symlink(path.join(repoModules, entry), path.join(modules, entry));
  }
  if (options.linkProjectPackage ?? true) {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { name: string };
    const link = path.join(modules, ...pkg.name.split("/"));
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(repoRoot, link);
  }
  return target;
}

export interface OpenStackOptions {
  readonly cli: PulumiCli;
  readonly workspace: OfflineWorkspace;
  /** Directory holding `Pulumi.yaml` (usually from {@link stageProgram}). */
  readonly programDir: string;
  /** Defaults to `e2e`. */
  readonly stackName?: string;
  /** Stack config to set after selecting the stack. */
  readonly config?: ConfigMap;
  /** Extra environment on top of the workspace's. */
  readonly envVars?: Readonly<Record<string, string>>;
}

/** `LocalWorkspace.createOrSelectStack` with the offline settings of the workspace. */
export async function openStack(options: OpenStackOptions): Promise<Stack> {
  const { cli, workspace } = options;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName ?? "e2e", workDir: options.programDir },
    {
      pulumiCommand: cli.command,
      pulumiHome: workspace.pulumiHome,
      envVars: { ...workspace.envVars, ...options.envVars },
    },
  );
  if (options.config) {
    await stack.setAllConfig(options.config);
  }
  return stack;
}

/** Destroys a stack's resources and removes it from the backend; errors are reported, not thrown. */
export async function disposeStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  try {
    await stack.destroy();
    await stack.workspace.removeStack(stack.name);
  } catch (err) {
    console.warn(`disposeStack(${stack.name}): ${String(err)}`);
  }
}

/** One resource step announced by the engine (`resourcePreEvent`). */
export interface ResourceOpSummary {
  readonly op: OpType;
  readonly urn: string;
  readonly type: string;
  /** Resource name: the last `::` segment of the URN. */
  readonly name: string;
  /** Properties forcing a replacement. */
  readonly keys: readonly string[];
  /** Changed top-level properties (often empty for Node providers, see notes §4.3). */
  readonly diffs: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, PropertyDiff>>;
}

export interface SummaryOptions {
  /** Include the stack resource and provider resources (default false). */
  readonly includeInfrastructure?: boolean;
}

function isInfrastructure(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** Per-resource operations, in the order the engine announced them. */
export function summariseResourceOps(
  events: readonly EngineEvent[],
  options: SummaryOptions = {},
): ResourceOpSummary[] {
  const ops: ResourceOpSummary[] = [];
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta) continue;
    if (!options.includeInfrastructure && isInfrastructure(meta.type)) continue;
    ops.push({
      op: meta.op,
      urn: meta.urn,
      type: meta.type,
      name: meta.urn.split("::").pop() ?? meta.urn,
      keys: meta.keys ?? [],
      diffs: meta.diffs ?? [],
      ...(meta.detailedDiff ? { detailedDiff: meta.detailedDiff } : {}),
    });
  }
  return ops;
}

/** Collects engine events; pass {@link onEvent} to `preview`/`up`/`refresh`/`destroy`. */
export class EventCollector {
  readonly events: EngineEvent[] = [];

  /** Bound callback for the `onEvent` option. */
  readonly onEvent = (event: EngineEvent): void => {
    this.events.push(event);
  };

  /** Per-resource operations seen so far. */
  resourceOps(options?: SummaryOptions): ResourceOpSummary[] {
    return summariseResourceOps(this.events, options);
  }

  /** Map from resource name to the operations announced for it, e.g. `{ licence: ["create"] }`. */
  opsByName(options?: SummaryOptions): Record<string, OpType[]> {
    const byName: Record<string, OpType[]> = {};
    for (const op of this.resourceOps(options)) {
      (byName[op.name] ??= []).push(op.op);
    }
    return byName;
  }

  /**
   * Diagnostic messages (program output, warnings, errors) as `severity: message`; `debug` ones
   * (the SDK's RPC trace) only when asked for.
   */
  diagnostics(options: { includeDebug?: boolean } = {}): string[] {
    return this.events.flatMap((event) => {
      const diag = event.diagnosticEvent;
      // The SDK's type omits "debug", which the engine does send.
      const severity: string = diag?.severity ?? "";
      if (!diag || (severity === "debug" && !options.includeDebug)) return [];
      return [`${diag.severity}: ${diag.message.trimEnd()}`];
    });
  }

  /** Forgets the events collected so far (reuse between operations). */
  clear(): void {
    this.events.length = 0;
  }
}

/** The estate example (examples/estate) on its own sandbox (default seed), reading its customers from a data file. */
export interface EstateExample {
  readonly sandbox: RunningSandbox;
  readonly control: SandboxControl;
  readonly workspace: OfflineWorkspace;
  readonly stack: Stack;
  /** The data file the program reads: rewrite it to change the declared estate. */
  readonly estateFile: string;
  /** Removes the workspace and stops the sandbox. */
  close(): Promise<void>;
}

/** Starts a sandbox, stages examples/estate in an offline workspace and opens its stack on `estateJson`. */
export async function openEstateExample(estateJson: string): Promise<EstateExample> {
  const cli = await locatePulumiCli();
  const sandbox = await startSandbox({ seed: "default", taskDelayMs: 200, orderDelayMs: 400 });
  const control = new SandboxControl(sandbox.controlUrl);
  const workspace = await createOfflineWorkspace(cli, { env: sandboxEnvironment(sandbox) });
  const programDir = await stageProgram(workspace, path.join(repoRoot, "examples", "estate"));
  const estateFile = path.join(workspace.dir, "estate.json");
  await writeFile(estateFile, estateJson);
  const stack = await openStack({
    cli,
    workspace,
    programDir,
    config: { estateFile: { value: estateFile } },
  });
  return {
    sandbox,
    control,
    workspace,
    stack,
    estateFile,
    close: async () => {
      await workspace.cleanup();
      await sandbox.stop();
    },
  };
}
