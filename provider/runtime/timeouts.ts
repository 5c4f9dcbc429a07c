/**
 * Pulumi's `customTimeouts` (`{ create: "30m", update: "10m", delete: "1h" }`) are not passed to dynamic
 * providers, so the SDK classes copy them into a hidden `__timeouts` input (milliseconds) that the adapter
 * hands to the resource logic as its task and order timeout.
 */
export interface OperationTimeouts {
  readonly create?: number;
  readonly update?: number;
  readonly delete?: number;
}

export const TIMEOUTS_KEY = "__timeouts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Go-style durations as Pulumi documents them: "90s", "5m", "1h30m", "250ms". */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? NaN);
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== trimmed.length || !Number.isFinite(total)) {
    throw new Error(
      `customTimeouts: "${text}" is not a duration; use Go duration syntax such as "90s", "30m" or "1h30m".`,
    );
  }
  return total;
}

export function timeoutsFromCustomTimeouts(
  custom: { create?: string; update?: string; delete?: string } | undefined,
): OperationTimeouts | undefined {
  if (!custom) return undefined;
  const out: { create?: number; update?: number; delete?: number } = {};
  for (const op of ["create", "update", "delete"] as const) {
    const value = custom[op];
    if (value) out[op] = parseDuration(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function timeoutFor(
  props: Record<string, unknown> | undefined,
  op: keyof OperationTimeouts,
): number | undefined {
  const raw = props?.[TIMEOUTS_KEY];
  if (raw === null || typeof raw !== "object") return undefined;
  const value = (raw as Record<string, unknown>)[op];
  return typeof value === "number" && value > 0 ? value : undefined;
}
