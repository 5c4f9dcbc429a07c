/**
 * The sandbox's state: in memory, or (with `--data FILE`) loaded from and written back to a JSON file after
 * every mutating request (temp file + rename, so a crash never leaves half a file). A file that is not ours, or
 * ours but damaged, is refused at startup and never overwritten; a file already used by a running sandbox is
 * refused too (a `<file>.lock` names its process).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { Store } from "./contract";
import { isRecord } from "./util";

export const DATA_FORMAT = "ovh-office365-sandbox";
export const DATA_VERSION = 1;
/** The sandbox clock may run at most this far from real time (about 100 years). */
export const MAX_CLOCK_OFFSET_MS = 100 * 366 * 24 * 3600 * 1000;

export class DataFileError extends Error {}

interface DataFile {
  format: typeof DATA_FORMAT;
  version: number;
  savedAt: string;
  sequences: Record<string, number>;
  state: Record<string, unknown>;
}

/** A copy of the whole state, to put back when a request fails or cannot be saved. */
export interface StoreSnapshot {
  readonly state: Record<string, unknown>;
  readonly sequences: Record<string, number>;
}

/** Data files held by sandboxes of this process (the lock file alone cannot tell them apart). */
const heldInProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class SandboxStore implements Store {
  private lockFile: string | undefined;

  private constructor(
    readonly state: Record<string, unknown>,
    private readonly sequences: Record<string, number>,
    readonly file: string | undefined,
    /** True when the store did not exist before (so it gets seeded). */
    readonly fresh: boolean,
  ) {}

  static memory(): SandboxStore {
    return new SandboxStore({}, {}, undefined, true);
  }

  /**
   * Opens (or prepares to create) a data file and locks it; throws DataFileError for a file that is not ours,
   * is damaged, or is in use by another running sandbox.
   */
  static open(file: string): SandboxStore {
    const lockFile = SandboxStore.lock(file);
    try {
      const store = SandboxStore.read(file);
      store.lockFile = lockFile;
      return store;
    } catch (error) {
      SandboxStore.unlock(lockFile);
      throw error;
    }
  }

  private static read(file: string): SandboxStore {
    if (!existsSync(file)) return new SandboxStore({}, {}, file, true);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new DataFileError(`Cannot read sandbox data file ${file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DataFileError(
        `Sandbox data file ${file} is not valid JSON; refusing to start (the file was left untouched). ` +
          `Remove it or point --data at another file.`,
      );
    }
    if (!isRecord(parsed) || parsed["format"] !== DATA_FORMAT) {
      throw new DataFileError(
        `File ${file} is not an ovh-office365-sandbox data file (no "format": "${DATA_FORMAT}" marker); ` +
          `refusing to start so as not to overwrite it.`,
      );
    }
    if (parsed["version"] !== DATA_VERSION) {
      throw new DataFileError(
        `Sandbox data file ${file} has version ${JSON.stringify(parsed["version"])}, this sandbox reads version ` +
          `${DATA_VERSION}; refusing to start (the file was left untouched).`,
      );
    }
    const state = parsed["state"];
    const sequences = parsed["sequences"];
    const problem = !isRecord(state)
      ? "missing state"
      : !isRecord(sequences)
        ? "missing sequences"
        : sequenceProblem(sequences);
    if (problem !== undefined) throw damaged(file, problem);
    return new SandboxStore(
      state as Record<string, unknown>,
      sequences as Record<string, number>,
      file,
      false,
    );
  }

  /** Takes `<file>.lock`, or throws when a live sandbox holds it. Returns the lock's path. */
  private static lock(file: string): string {
    const path = resolve(file);
    const lockFile = `${path}.lock`;
    const refuse = (pid: unknown): DataFileError =>
      new DataFileError(
        `Sandbox data file ${file} is in use by another sandbox (process ${String(pid)}, lock ${lockFile}); ` +
          `two sandboxes on one file would overwrite each other. Stop it, or point --data at another file.`,
      );
    if (heldInProcess.has(path)) throw refuse(process.pid);
    if (existsSync(lockFile)) {
      let holder: unknown;
      try {
        holder = JSON.parse(readFileSync(lockFile, "utf8"));
      } catch {
        holder = undefined;
      }
      const pid = isRecord(holder) ? holder["pid"] : undefined;
      const host = isRecord(holder) ? holder["host"] : undefined;
      const sameHost = host === undefined || host === hostname();
      if (typeof pid === "number" && pid !== process.pid && (!sameHost || processAlive(pid)))
        throw refuse(pid);
      // A stale lock (its process is gone, e.g. killed): take it over.
      rmSync(lockFile, { force: true });
    }
    let fd: number;
    try {
      fd = openSync(lockFile, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw refuse("unknown");
      throw new DataFileError(
        `Cannot lock sandbox data file ${file} (${lockFile}): ${(error as Error).message}`,
      );
    }
    try {
      writeFileSync(
        fd,
        `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`,
      );
    } finally {
      closeSync(fd);
    }
    heldInProcess.add(path);
    return lockFile;
  }

  private static unlock(lockFile: string): void {
    heldInProcess.delete(lockFile.replace(/\.lock$/, ""));
    rmSync(lockFile, { force: true });
  }

  /** Releases the data file's lock (on stop). */
  close(): void {
    if (this.lockFile !== undefined) SandboxStore.unlock(this.lockFile);
    this.lockFile = undefined;
  }

  nextId(sequence: string): number {
    const next =
      (Object.prototype.hasOwnProperty.call(this.sequences, sequence) ? this.sequences[sequence]! : 0) + 1;
    this.sequences[sequence] = next;
    return next;
  }

  /** Writes the data file; throws when it cannot (the caller must not acknowledge the change). */
  save(): void {
    if (this.file === undefined) return;
    const data: DataFile = {
      format: DATA_FORMAT,
      version: DATA_VERSION,
      savedAt: new Date().toISOString(),
      sequences: this.sequences,
      state: this.state,
    };
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(data, null, 1)}\n`);
      renameSync(temp, this.file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }

  snapshot(): StoreSnapshot {
    return structuredClone({ state: this.state, sequences: this.sequences });
  }

  /** Puts a snapshot back in place (the state and sequence objects keep their identity). */
  restore(snapshot: StoreSnapshot): void {
    const copy = structuredClone(snapshot);
    for (const key of Object.keys(this.state)) delete this.state[key];
    Object.assign(this.state, copy.state);
    for (const key of Object.keys(this.sequences)) delete this.sequences[key];
    Object.assign(this.sequences, copy.sequences);
  }

  dump(): { sequences: Record<string, number>; state: Record<string, unknown> } {
    return { sequences: this.sequences, state: this.state };
  }
}

export function damaged(file: string | undefined, problem: string): DataFileError {
  return new DataFileError(
    `Sandbox data file ${file ?? "(memory)"} is damaged (${problem}); refusing to start (the file was left ` +
      `untouched). Remove it or point --data at another file.`,
  );
}

function sequenceProblem(sequences: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(sequences)) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      return `sequence ${JSON.stringify(name)} is not a non-negative integer`;
    }
  }
  return undefined;
}
