/**
 * The licence catalogue of a tenant (`orderableLicenses`), as the subscription resource and the lookups need it:
 * resolve a licence by name or id, tell whether it may be ordered, and list names for "did you mean".
 *
 * Cost: OVH only lists licence ids, so one tenant's full catalogue is 1 + N GETs (N orderable licences). It is
 * fetched at most once per tenant and per OVH client, i.e. once per Pulumi run (the adapters build one client
 * per process), however many subscriptions of that tenant the stack declares. A licence given by id alone costs
 * one GET (`orderableLicenses/{id}`) when the catalogue is not loaded yet. Failed lookups are not cached.
 */
import * as csp2 from "../api/csp2";
import type { OfficeLicence } from "../api/csp2";
import { isGoneAtOvh } from "../ovh/errors";
import type { OvhRequester } from "../ovh/request";
import type { ResourceContext } from "./types";

/** One orderable licence, as the provider shows it to users. */
export interface Licence {
  readonly id: number;
  readonly name: string;
  /** `NON-SPECIFIC` (standalone) or `ADDON`, or whatever OVH adds later. */
  readonly type: string;
  /** Maximum number of seats that can be bought, when OVH sets one. */
  readonly limit: number | null;
  readonly newSeatsAllowed: boolean;
  readonly newSubscriptionsAllowed: boolean;
  /** Sold by Microsoft to eligible academic institutions only (detected from the name). */
  readonly academic: boolean;
}

interface ClientCache {
  readonly catalogues: Map<string, Promise<Licence[]>>;
  readonly singles: Map<string, Promise<Licence | undefined>>;
}

/** Keyed by the OVH client, so two sandboxes (or accounts) in one process never share answers. */
let caches = new WeakMap<OvhRequester, ClientCache>();

function cacheOf(ovh: OvhRequester): ClientCache {
  let cache = caches.get(ovh);
  if (!cache) {
    cache = { catalogues: new Map(), singles: new Map() };
    caches.set(ovh, cache);
  }
  return cache;
}

/** Forgets the cached catalogues of one client, or of every client. For tests and long-lived processes. */
export function forgetLicenceCatalogues(ovh?: OvhRequester): void {
  if (ovh) caches.delete(ovh);
  else caches = new WeakMap();
}

/** Memoises a promise under `key`, dropping it again when it rejects so the next caller retries. */
function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const cached = map.get(key);
  if (cached) return cached;
  const promise = load();
  map.set(key, promise);
  promise.catch(() => {
    if (map.get(key) === promise) map.delete(key);
  });
  return promise;
}

const ACADEMIC_MARKERS = /\b(A1|A3|A5)\b|student|faculty|education|academic|\bEDU\b/i;

/** Academic (education) licences: Microsoft sells them only to verified eligible institutions. */
export function isAcademicLicenceName(name: string): boolean {
  return ACADEMIC_MARKERS.test(name);
}

export function toLicence(raw: OfficeLicence): Licence {
  return {
    id: raw.id,
    name: raw.name,
    type: raw.licenceType,
    limit: raw.limit ?? null,
    newSeatsAllowed: raw.newSeatsAllowed,
    newSubscriptionsAllowed: raw.newSubscriptionsAllowed,
    academic: isAcademicLicenceName(raw.name),
  };
}

/** Every licence the tenant may order, sorted by name. 1 + N GETs the first time, 0 afterwards. */
export function listLicences(ctx: ResourceContext, tenant: string): Promise<Licence[]> {
  return memo(cacheOf(ctx.ovh).catalogues, tenant, async () => {
    const ids = await csp2.listOrderableLicenses(ctx.ovh, tenant);
    const licences = await Promise.all(ids.map((id) => getOrUndefined(ctx, tenant, id)));
    return licences
      .filter((licence): licence is Licence => licence !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  });
}

/**
 * One orderable licence by id, or undefined when the tenant cannot order it (OVH answers 404).
 * Served from the catalogue when it is loaded or loading; otherwise one GET, remembered for the run.
 */
export async function findLicenceById(
  ctx: ResourceContext,
  tenant: string,
  id: number,
): Promise<Licence | undefined> {
  const cache = cacheOf(ctx.ovh);
  const catalogue = cache.catalogues.get(tenant);
  if (catalogue) return (await catalogue).find((licence) => licence.id === id);
  return memo(cache.singles, `${tenant}#${id}`, () => getOrUndefined(ctx, tenant, id));
}

async function getOrUndefined(
  ctx: ResourceContext,
  tenant: string,
  id: number,
): Promise<Licence | undefined> {
  try {
    return toLicence(await csp2.getOrderableLicense(ctx.ovh, tenant, id));
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined;
    throw error;
  }
}

export interface NameMatch {
  /** The licence whose name equals the request, ignoring case and surrounding/double spaces. */
  readonly match?: Licence;
  /** Several licences carry that name: the user must pick one by id. */
  readonly ambiguous?: readonly Licence[];
  /** Close names, best first (for "did you mean"), when there is no match. */
  readonly suggestions: readonly string[];
}

export function normaliseLicenceName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Matches a licence name case-insensitively among `candidates`. */
export function matchLicenceName(candidates: readonly Licence[], name: string): NameMatch {
  const wanted = normaliseLicenceName(name);
  const matches = candidates.filter((licence) => normaliseLicenceName(licence.name) === wanted);
  if (matches.length === 1) return { match: matches[0] as Licence, suggestions: [] };
  if (matches.length > 1) return { ambiguous: matches, suggestions: [] };
  return { suggestions: closeNames(candidates, wanted) };
}

/** Names sharing words with the request or within a small edit distance, best first, at most 5. */
function closeNames(candidates: readonly Licence[], wanted: string): string[] {
  const wantedWords = new Set(wanted.split(/[\s\-_()]+/).filter((word) => word.length > 0));
  const scored = candidates.map((licence) => {
    const name = normaliseLicenceName(licence.name);
    const words = name.split(/[\s\-_()]+/).filter((word) => word.length > 0);
    const shared = words.filter((word) => wantedWords.has(word)).length;
    const distance = editDistance(name, wanted);
    const close = distance <= Math.max(2, Math.floor(wanted.length / 4));
    const contains = name.includes(wanted) || wanted.includes(name);
    return {
      name: licence.name,
      score: shared * 10 + (close ? 25 : 0) + (contains ? 15 : 0) - distance / 100,
    };
  });
  return scored
    .filter((entry) => entry.score > 1)
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map((entry) => entry.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** "`A` (id 1), `B` (id 2)", for messages. */
export function describeLicences(licences: readonly Licence[], max = 25): string {
  const shown = licences.slice(0, max).map((licence) => `"${licence.name}" (id ${licence.id})`);
  const more = licences.length > max ? `, and ${licences.length - max} more` : "";
  return shown.join(", ") + more;
}
