/** --data persistence across restarts; corrupt and foreign data files. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataFileError } from "../../sandbox";
import { Json, SEED, advance, signedRequest, startSandbox, waitForTask } from "./helpers";

describe("sandbox persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ovh-sandbox-data-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps state, id sequences, credentials and the clock across a restart", async () => {
    const file = join(dir, "state.json");
    const first = await startSandbox({ dataFile: file, taskDelayMs: 2000 });
    const base = `/saas/csp2/${SEED.contoso}`;
    const task = (
      await signedRequest(first, "POST", `${base}/subscription`, { licenseId: 1001, quantity: 7 })
    ).body as Json;
    await advance(first, 2000);
    await waitForTask(first, SEED.contoso, task.id);
    await signedRequest(first, "PUT", base, { displayName: "Persisted Ltd" });
    // A task still pending at shutdown finishes after the restart.
    const pending = (
      await signedRequest(first, "POST", `${base}/subscription`, { licenseId: 1006, quantity: 1 })
    ).body as Json;
    const ids = (await signedRequest(first, "GET", `${base}/subscription`)).body as number[];
    await first.stop();

    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved).toMatchObject({ format: "ovh-office365-sandbox", version: 1 });

    const second = await startSandbox({ dataFile: file, seed: "empty", taskDelayMs: 2000 });
    try {
      expect(second.applicationKey).toBe(first.applicationKey);
      expect(second.consumerKey).toBe(first.consumerKey);
      expect(((await signedRequest(second, "GET", base)).body as Json).displayName).toBe("Persisted Ltd");
      expect((await signedRequest(second, "GET", `${base}/subscription`)).body).toEqual(ids);
      await advance(second, 2000);
      expect(await waitForTask(second, SEED.contoso, pending.id)).toMatchObject({ status: "done" });
      const next = (
        await signedRequest(second, "POST", `${base}/subscription`, { licenseId: 1004, quantity: 1 })
      ).body as Json;
      expect(next.id).toBe(pending.id + 1);
      await advance(second, 1000);
    } finally {
      await second.stop();
    }
  });

  it.each([
    ["corrupt", "{ this is not json"],
    ["foreign", JSON.stringify({ some: "other tool's file" })],
    [
      "other version",
      JSON.stringify({ format: "ovh-office365-sandbox", version: 99, state: {}, sequences: {} }),
    ],
  ])("refuses a %s data file and leaves it untouched", async (_kind, content) => {
    const file = join(dir, "state.json");
    writeFileSync(file, content);
    const start = startSandbox({ dataFile: file });
    await expect(start).rejects.toBeInstanceOf(DataFileError);
    await expect(start).rejects.toThrow(file);
    expect(readFileSync(file, "utf8")).toBe(content);
  });

  it("starts empty with --seed empty", async () => {
    const sandbox = await startSandbox({ seed: "empty" });
    try {
      expect((await signedRequest(sandbox, "GET", "/saas/csp2")).body).toEqual([]);
      expect((await signedRequest(sandbox, "GET", "/services")).body).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
});
