/** The CLI: one JSON line on stdout when ready, clean exit on SIGTERM, clear errors. */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRequest } from "./helpers";

const root = join(__dirname, "..", "..");

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "sandbox/cli.ts", ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function firstLine(stdout: () => string, exit: Promise<number | null>): Promise<string> {
  const deadline = Date.now() + 20_000;
  let exited = false;
  void exit.then(() => (exited = true));
  while (!stdout().includes("\n")) {
    if (exited || Date.now() > deadline) throw new Error("the sandbox printed no line");
    await new Promise((r) => setTimeout(r, 50));
  }
  return stdout().split("\n")[0] ?? "";
}

jest.setTimeout(60_000);

describe("ovh-office365-sandbox CLI", () => {
  it.concurrent("prints exactly one JSON line, serves TLS, and exits on SIGTERM", async () => {
    const proc = run(["--tls", "--port", "0", "--seed", "empty", "--task-delay-ms", "20"]);
    const info = JSON.parse(await firstLine(proc.stdout, proc.exit));
    expect(Object.keys(info).sort()).toEqual(
      [
        "applicationKey",
        "applicationSecret",
        "caCertPath",
        "clientId",
        "clientSecret",
        "consumerKey",
        "controlUrl",
        "listening",
        "tokenUrl",
        "url",
      ].sort(),
    );
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/1\.0$/);
    const { readFileSync } = await import("node:fs");
    const time = await rawRequest({
      method: "GET",
      url: `${info.url}/auth/time`,
      ca: readFileSync(info.caCertPath, "utf8"),
    });
    expect(time.status).toBe(200);
    proc.child.kill("SIGTERM");
    expect(await proc.exit).toBe(0);
    expect(proc.stdout().trim().split("\n")).toHaveLength(1);
    expect(proc.stderr()).toMatch(/listening/);
  });

  it.concurrent("rejects bad flags with a clear message", async () => {
    const proc = run(["--task-delay-ms", "soon"]);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toMatch(/--task-delay-ms needs an integer/);
    expect(proc.stdout()).toBe("");
  });

  it.concurrent("fails to start on a foreign data file, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ovh-sandbox-cli-"));
    try {
      const file = join(dir, "foreign.json");
      writeFileSync(file, "[1, 2, 3]");
      const proc = run(["--data", file]);
      expect(await proc.exit).toBe(1);
      expect(proc.stderr()).toContain(file);
      expect(proc.stdout()).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
