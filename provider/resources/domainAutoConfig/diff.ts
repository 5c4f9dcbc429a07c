/**
 * `diff`: which input changes replace the resource (tenant, domain, zone, method: the records would belong to
 * another place) and which update it in place, plus drift: when the inputs did not change but `read` saw a
 * managed record missing or holding another value, the diff reports `records` so `pulumi up` repairs it.
 * Pure: no OVH call (Pulumi diffs against the state, refreshed or not).
 */
import type { DiffResult } from "../types";
import { isUnknown } from "../unknown";
import { desiredFor, type DomainAutoConfigInputs, type DomainAutoConfigOutputs } from "./inputs";
import type { ManagedRecord } from "./plan";
import { absoluteHost, fulfils, relativeName, type RecordRole } from "./records";

const REPLACE_KEYS = ["tenant", "domain", "zone", "method"] as const;
const UPDATE_KEYS = ["services", "exchangeMxTarget", "verificationTxt", "ttl", "takeOverConflicts"] as const;

export function diff(_id: string, olds: DomainAutoConfigOutputs, news: DomainAutoConfigInputs): DiffResult {
  const replaces: string[] = [];
  const changedKeys: string[] = [];
  const oldInputs = { ...olds, zone: olds.zone ?? olds.domain } as Record<string, unknown>;
  const newInputs = news as unknown as Record<string, unknown>;
  for (const key of [...REPLACE_KEYS, ...UPDATE_KEYS]) {
    const next = newInputs[key];
    const changed =
      isUnknown(next) ||
      JSON.stringify(comparable(key, next) ?? null) !==
        JSON.stringify(comparable(key, oldInputs[key]) ?? null);
    if (!changed) continue;
    changedKeys.push(key);
    // Unknown in preview (e.g. the service name of a tenant being updated): possibly unchanged, so not a
    // replacement the preview cannot justify; `pulumi up` diffs again with the real value.
    if ((REPLACE_KEYS as readonly string[]).includes(key) && !isUnknown(next)) replaces.push(key);
  }
  if (changedKeys.length === 0 && !isUnknown(news) && relativeName(news.domain, news.zone) !== undefined) {
    if (driftedRoles(news, olds.records ?? []).length > 0) changedKeys.push("records");
  }
  return {
    changes: changedKeys.length > 0,
    replaces,
    changedKeys,
    deleteBeforeReplace: replaces.length > 0,
  };
}

function comparable(key: string, value: unknown): unknown {
  if (key === "services" && Array.isArray(value)) return [...value].map(String).sort().join(",");
  if (key === "exchangeMxTarget" && typeof value === "string") return absoluteHost(value);
  return value;
}

/** Roles whose recorded live record no longer matches the inputs (missing, changed value, changed TTL). */
export function driftedRoles(news: DomainAutoConfigInputs, records: readonly ManagedRecord[]): RecordRole[] {
  const desired = desiredFor(news);
  return desired
    .filter((d) => {
      const r = records.find((m) => m.role === d.role);
      if (!r) return true;
      if (news.method === "configureDomain") return false; // OVH chose the values
      if (!fulfils(d, r)) return true;
      return r.origin !== "adopted" && r.ttl !== d.ttl;
    })
    .map((d) => d.role);
}
