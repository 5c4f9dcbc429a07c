/**
 * Persistence (finding 5): a change is acknowledged only once saved; a damaged file is refused untouched
 * whatever it carries; a second sandbox on the same file is refused with a clear error.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataFileError } from "../../sandbox";
import { Json, SEED, rawRequest, signedRequest, startSandbox } from "./helpers";

describe("finding 5: persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ovh-sandbox-harden-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("answers a failed save with an error and undoes the change (in memory and on disk)", async () => {
    const file = join(dir, "state.json");
    const sandbox = await startSandbox({ dataFile: file });
    const base = `/saas/csp2/${SEED.contoso}`;
    try {
      // Make the next write fail: the temp file's path is taken by a directory.
      const blocker = `${file}.${process.pid}.tmp`;
      mkdirSync(blocker);
      const put = await signedRequest(sandbox, "PUT", base, { displayName: "Never saved" });
      expect(put.status).toBe(500);
      expect(put.body).toMatchObject({ class: "Server::InternalServerError" });
      expect(((await signedRequest(sandbox, "GET", base)).body as Json).displayName).toBe("Contoso Ltd");
      const control = await rawRequest({
        method: "PUT",
        url: `${sandbox.controlUrl}/csp2/licences/1001`,
        headers: { "Content-Type": "application/json" },
        body: '{"limit":5}',
      });
      expect(control.status).toBe(500);
      rmSync(blocker, { recursive: true });
      expect((await signedRequest(sandbox, "PUT", base, { displayName: "Saved" })).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
    const again = await startSandbox({ dataFile: file });
    try {
      expect(((await signedRequest(again, "GET", base)).body as Json).displayName).toBe("Saved");
      const licence = (await signedRequest(again, "GET", `${base}/orderableLicenses/1001`)).body as Json;
      expect(licence.limit).toBe(300);
    } finally {
      await again.stop();
    }
  });

  const marked = (state: unknown, sequences: unknown = {}): string =>
    JSON.stringify({ format: "ovh-office365-sandbox", version: 1, savedAt: "x", sequences, state });

  it.each([
    ["a clock that cannot run", marked({ clock: { offsetMs: 1e308 } })],
    ["a clock that is not a number", marked({ clock: { offsetMs: "soon" } })],
    ["tenants that are not a map", marked({ csp2: { tenants: "oops" } })],
    ["a subscription that is not an object", marked({ csp2: { subscriptions: { "3000001": 7 } } })],
    ["carts that are a list", marked({ order: { carts: [] } })],
    ["zones that are not a map", marked({ domain: { zones: 5 } })],
    ["services that are null", marked({ services: { services: null } })],
    ["credentials that are not a list", marked({ auth: { credentials: {} } })],
    ["a slice that is not an object", marked({ csp2: [] })],
    ["a negative sequence", marked({}, { "csp2.task": -1 })],
    ["a sequence that is not a number", marked({}, { "csp2.task": "7" })],
    ["no state", JSON.stringify({ format: "ovh-office365-sandbox", version: 1, sequences: {} })],
  ])("refuses a marked but damaged file (%s) and leaves it untouched", async (_what, content) => {
    const file = join(dir, "state.json");
    writeFileSync(file, content);
    const start = startSandbox({ dataFile: file });
    await expect(start).rejects.toBeInstanceOf(DataFileError);
    await expect(start).rejects.toThrow(file);
    expect(readFileSync(file, "utf8")).toBe(content);
  });

  it("refuses a second sandbox on the same data file, and frees the file on stop", async () => {
    const file = join(dir, "state.json");
    const first = await startSandbox({ dataFile: file });
    try {
      const second = startSandbox({ dataFile: file });
      await expect(second).rejects.toBeInstanceOf(DataFileError);
      await expect(second).rejects.toThrow(/in use by another sandbox/);
    } finally {
      await first.stop();
    }
    const third = await startSandbox({ dataFile: file });
    await third.stop();
  });

  it("refuses a file held by another live process, and takes over the lock of a dead one", async () => {
    const file = join(dir, "state.json");
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      writeFileSync(`${file}.lock`, JSON.stringify({ pid: sleeper.pid }));
      await expect(startSandbox({ dataFile: file })).rejects.toThrow(/in use by another sandbox/);
    } finally {
      sleeper.kill("SIGKILL");
      await new Promise((resolve) => sleeper.once("exit", resolve));
    }
    const taken = await startSandbox({ dataFile: file });
    await taken.stop();
  });
});
