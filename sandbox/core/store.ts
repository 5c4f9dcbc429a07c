/**
 * The sandbox's state: in memory, or (with `--data FILE`) loaded from and written back to a JSON file after
 * every mutating request (temp file + rename, so a crash never leaves half a file). A file that is not ours
 * is refused at startup and never overwritten.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { Store } from "./contract";
import { isRecord } from "./util";

export const DATA_FORMAT = "ovh-office365-sandbox";
export const DATA_VERSION = 1;

export class DataFileError extends Error {}

interface DataFile {
  format: typeof DATA_FORMAT;
  version: number;
  savedAt: string;
  sequences: Record<string, number>;
  state: Record<string, unknown>;
}

export class SandboxStore implements Store {
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

  /** Opens (or prepares to create) a data file; throws DataFileError for a file that is not ours. */
  static open(file: string): SandboxStore {
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
    if (!isRecord(state) || !isRecord(sequences)) {
      throw new DataFileError(`Sandbox data file ${file} is damaged (missing state or sequences).`);
    }
    return new SandboxStore(state, sequences as Record<string, number>, file, false);
  }

  nextId(sequence: string): number {
    const next = (this.sequences[sequence] ?? 0) + 1;
    this.sequences[sequence] = next;
    return next;
  }

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
    writeFileSync(temp, `${JSON.stringify(data, null, 1)}\n`);
    renameSync(temp, this.file);
  }

  dump(): { sequences: Record<string, number>; state: Record<string, unknown> } {
    return { sequences: this.sequences, state: this.state };
  }
}
