/**
 * The whole zone in one call: `GET /domain/zone/{zone}/export` (BIND zone-file text) parsed into records.
 * OVH has no "list records with their values" call, so without this every record costs one GET. The export
 * carries names, types, TTLs and values but no record ids, so it is used to learn *where* records are and
 * *what* they hold; the ids come from the record listing (see `zone.ts`).
 *
 * Format handled: `$TTL`, `$ORIGIN`, `@`, blank owner (= previous owner), relative and absolute names,
 * optional TTL (with s/m/h/d/w units) and class, `;` comments and `( … )` continuations outside quotes. OVH
 * exports its SPF, DKIM and DMARC pseudo-types as TXT (`exportedType`). Anything else unexpected makes the
 * parse give up (undefined) and the callers fall back to the record listing, never guess.
 * Not assumed: that the export shows the records as the API stores them, changes not yet refreshed included
 * (the sandbox does; real OVH is unverified). Planning trusts it only when it holds as many records as the id
 * listing (`scanRecords` in `zone.ts`); refresh uses it only for values of ids the listing confirms (an edit
 * not yet refreshed would show once refreshed).
 * If OVH does not offer the call to these credentials (unsupported or refused), the fallback is remembered for
 * the OVH client (one Pulumi run) so it is not asked again; "not found" is not remembered (the zone may be gone).
 */
import * as dnsZone from "../../api/dnsZone";
import { OvhApiError } from "../../ovh/errors";
import type { OvhRequester } from "../../ovh/request";
import type { ResourceContext } from "../types";
import { normaliseSubDomain, relativeName } from "./records";

/** One record of the export. `ttl` undefined: none written (the zone default, OVH's TTL 0). */
export interface ExportedRecord {
  readonly subDomain: string;
  /** As exported: OVH's SPF, DKIM and DMARC pseudo-types appear as TXT. */
  readonly type: string;
  readonly ttl: number | undefined;
  readonly target: string;
}

/** The type a record of this OVH fieldType has in the export. */
export function exportedType(fieldType: string): string {
  return fieldType === "SPF" || fieldType === "DKIM" || fieldType === "DMARC" ? "TXT" : fieldType;
}

const noExport = new WeakSet<OvhRequester>();

/** The zone's records from its export, or undefined when the export is not available or not understood. */
export async function readZoneExport(
  ctx: ResourceContext,
  zone: string,
): Promise<ExportedRecord[] | undefined> {
  if (noExport.has(ctx.ovh)) return undefined;
  let text: string;
  try {
    text = await dnsZone.exportZone(ctx.ovh, zone);
  } catch (error) {
    if (!(error instanceof OvhApiError)) throw error;
    if (error.isGone) return undefined; // the zone itself may be gone: the listing will tell
    if (error.isUnsupportedCall || error.isAccessRefused) {
      noExport.add(ctx.ovh);
      return undefined;
    }
    throw error;
  }
  const records = parseZoneExport(text, zone);
  if (!records)
    ctx.log?.warn(`The export of zone ${zone} was not understood; reading its records one by one instead.`);
  return records;
}

/** Parses a zone file of `zone`. Undefined when any line is not understood. SOA records are left out. */
export function parseZoneExport(text: string, zone: string): ExportedRecord[] | undefined {
  const apex = normaliseSubDomain(zone);
  let origin = `${apex}.`;
  let owner: string | undefined;
  const out: ExportedRecord[] = [];
  for (const entry of logicalLines(text)) {
    if (entry === undefined) return undefined;
    if (entry.text.trim() === "") continue;
    const tokens = entry.text.trim().split(/\s+/);
    if (tokens[0]?.startsWith("$")) {
      const directive = tokens[0].toUpperCase();
      if (directive === "$TTL") continue;
      if (directive !== "$ORIGIN" || tokens[1] === undefined) return undefined;
      origin = absolute(tokens[1], origin);
      continue;
    }
    let rest = entry.text;
    if (!/^\s/.test(entry.text)) {
      const name = /^\S+/.exec(entry.text)?.[0] ?? "";
      owner = absolute(name, origin);
      rest = entry.text.slice(name.length);
    }
    if (owner === undefined) return undefined;
    const fields =
      /^\s*(?:(\d+[smhdw]?(?:\d+[smhdw])*)\s+)?(?:(IN|CH|HS|CS)\s+)?(?:(\d+[smhdw]?(?:\d+[smhdw])*)\s+)?([A-Za-z][A-Za-z0-9]*)(?:\s+([\s\S]*))?$/i.exec(
        rest,
      );
    if (!fields) return undefined;
    const [, ttlBefore, , ttlAfter, type, data] = fields;
    const subDomain = relativeName(owner.trim(), apex);
    if (subDomain === undefined) return undefined;
    const fieldType = (type ?? "").toUpperCase();
    if (fieldType === "SOA") continue;
    const ttlText = ttlBefore ?? ttlAfter;
    out.push({
      subDomain,
      type: fieldType,
      ttl: ttlText === undefined ? undefined : seconds(ttlText),
      target: (data ?? "").trim(),
    });
  }
  return out;
}

/**
 * The zone file's logical lines: comments removed, `( … )` groups joined into one line. An undefined item
 * means an unterminated quote or parenthesis.
 */
function* logicalLines(text: string): Generator<{ text: string } | undefined> {
  let buffer = "";
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    let line = "";
    let quoted = false;
    for (let i = 0; i < raw.length; i += 1) {
      const c = raw[i] ?? "";
      if (quoted) {
        line += c;
        if (c === "\\") line += raw[++i] ?? "";
        else if (c === '"') quoted = false;
      } else if (c === '"') {
        quoted = true;
        line += c;
      } else if (c === ";") break;
      else if (c === "(") {
        depth += 1;
        line += " ";
      } else if (c === ")") {
        depth -= 1;
        line += " ";
      } else line += c;
    }
    if (quoted || depth < 0) {
      yield undefined;
      return;
    }
    buffer = depth > 0 || buffer !== "" ? `${buffer}${buffer === "" ? "" : " "}${line}` : line;
    if (depth === 0) {
      yield { text: buffer };
      buffer = "";
    }
  }
  if (depth !== 0) yield undefined;
}

/** A name of the zone file as an absolute, lower-case name with its final dot. */
function absolute(name: string, origin: string): string {
  const n = name.toLowerCase();
  if (n === "@") return origin;
  return n.endsWith(".") ? n : `${n}.${origin}`;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function seconds(ttl: string): number {
  let total = 0;
  for (const [, value, unit] of ttl.toLowerCase().matchAll(/(\d+)([smhdw]?)/g))
    total += Number(value) * (UNIT_SECONDS[unit || "s"] ?? 1);
  return total;
}
