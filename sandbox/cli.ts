#!/usr/bin/env node
/**
 * `ovh-office365-sandbox`: runs the local OVH-compatible API. Prints exactly one JSON line on stdout when
 * ready (URLs and credentials), logs to stderr, stops cleanly on SIGINT/SIGTERM.
 */
import { DataFileError, SandboxStartOptions, startSandbox } from "./index";

const USAGE = `Usage: ovh-office365-sandbox [--host 127.0.0.1] [--port 0] [--tls] [--cert FILE --key FILE]
       [--data FILE] [--seed default|empty] [--legacy] [--task-delay-ms N] [--order-delay-ms N] [--latency-ms N]
       [--control-token T] [--allow-host NAME]... [--max-body-bytes N] [--call-log-limit N]
       [--realistic-delays] [--clock-speed N] [--typed-labels] [--strict-body] [--null-fields]`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): SandboxStartOptions {
  const options: SandboxStartOptions = {};
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const count = (i: number, flag: string, max: number): number => {
    const v = value(i, flag);
    if (!/^\d+$/.test(v) || Number(v) > max)
      throw new UsageError(`${flag} needs an integer between 0 and ${max}, got "${v}"`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    switch (arg) {
      case "--host":
        options.host = value(i, arg);
        i += 1;
        break;
      case "--port":
        options.port = count(i, arg, 65535);
        i += 1;
        break;
      case "--tls":
        options.tls = true;
        break;
      case "--cert":
        options.certFile = value(i, arg);
        i += 1;
        break;
      case "--key":
        options.keyFile = value(i, arg);
        i += 1;
        break;
      case "--data":
        options.dataFile = value(i, arg);
        i += 1;
        break;
      case "--seed": {
        const v = value(i, arg);
        if (v !== "default" && v !== "empty")
          throw new UsageError(`--seed must be "default" or "empty", got "${v}"`);
        options.seed = v;
        i += 1;
        break;
      }
      case "--legacy":
        options.legacy = true;
        break;
      case "--task-delay-ms":
        options.taskDelayMs = count(i, arg, 86_400_000);
        i += 1;
        break;
      case "--order-delay-ms":
        options.orderDelayMs = count(i, arg, 86_400_000);
        i += 1;
        break;
      case "--latency-ms":
        options.latencyMs = count(i, arg, 600_000);
        i += 1;
        break;
      case "--control-token": {
        const v = value(i, arg);
        if (v.length < 16) throw new UsageError("--control-token needs at least 16 characters");
        options.controlToken = v;
        i += 1;
        break;
      }
      case "--allow-host":
        options.allowHosts = [...(options.allowHosts ?? []), value(i, arg)];
        i += 1;
        break;
      case "--max-body-bytes":
        options.maxBodyBytes = count(i, arg, 1_073_741_824);
        if (options.maxBodyBytes < 1) throw new UsageError("--max-body-bytes must be at least 1");
        i += 1;
        break;
      case "--call-log-limit":
        options.callLogLimit = count(i, arg, 10_000_000);
        if (options.callLogLimit < 1) throw new UsageError("--call-log-limit must be at least 1");
        i += 1;
        break;
      case "--realistic-delays":
        options.realisticDelays = true;
        break;
      case "--clock-speed":
        options.clockSpeed = count(i, arg, 100_000);
        if (options.clockSpeed < 1) throw new UsageError("--clock-speed must be at least 1");
        i += 1;
        break;
      case "--typed-labels":
        options.fidelity = { ...options.fidelity, typedLabels: true };
        break;
      case "--strict-body":
        options.fidelity = { ...options.fidelity, strictBody: true };
        break;
      case "--null-fields":
        options.fidelity = { ...options.fidelity, nullFields: true };
        break;
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`Unknown option "${arg}"`);
    }
  }
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new UsageError("--cert and --key must be given together");
  }
  return options;
}

async function main(): Promise<void> {
  let options: SandboxStartOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) process.stderr.write(`ovh-office365-sandbox: ${error.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  let sandbox;
  try {
    sandbox = await startSandbox({ ...options, log, warn: log });
  } catch (error) {
    const message =
      error instanceof DataFileError ? error.message : `cannot start: ${(error as Error).message}`;
    process.stderr.write(`ovh-office365-sandbox: ${message}\n`);
    process.exit(1);
  }
  const { stop, ...info } = sandbox;
  process.stdout.write(`${JSON.stringify(info)}\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`sandbox: ${signal} received, stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`sandbox: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  void main();
}
