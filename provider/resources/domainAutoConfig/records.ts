/**
 * The DNS records Microsoft 365 needs on a custom domain (REFERENCE §7), computed without any I/O, plus the
 * value normalisation used to compare them with what OVH stores.
 *
 * Formats written (and compared after normalisation):
 * - host names are absolute, lower case, with a trailing dot (`autodiscover.outlook.com.`); a stored target
 *   without the dot is read as absolute too;
 * - MX `"<priority> <host>."` with priority 0 (Microsoft: "the highest value available, typically 0");
 * - SRV `"<priority> <weight> <port> <host>."`;
 * - TXT written bare; OVH wraps it in double quotes, which are stripped (and split strings joined) before
 *   comparing.
 * `msoid` is never produced: it only applies to Office 365 operated by 21Vianet and breaks sign-in elsewhere.
 */

export const M365_SERVICES = ["exchange", "teams", "intune"] as const;
export type M365Service = (typeof M365_SERVICES)[number];

/** What a record is for; one record per role. Stored in outputs so updates can pair old and new values. */
export const RECORD_ROLES = [
  "verification",
  "mx",
  "autodiscover",
  "spf",
  "sip",
  "lyncdiscover",
  "sipTls",
  "sipFederation",
  "enterpriseRegistration",
  "enterpriseEnrollment",
] as const;
export type RecordRole = (typeof RECORD_ROLES)[number];

/** The SPF mechanism Microsoft 365 requires in the domain's single SPF record. */
export const SPF_INCLUDE = "include:spf.protection.outlook.com";
export const MICROSOFT_SPF = `v=spf1 ${SPF_INCLUDE} -all`;

/** The legacy `configureDomain` names of the services (saas.csp2.SupportedServiceEnum). */
export const LEGACY_SERVICE_NAMES: Readonly<
  Record<M365Service, "Email" | "OfficeCommunicationsOnline" | "Intune">
> = {
  exchange: "Email",
  teams: "OfficeCommunicationsOnline",
  intune: "Intune",
};

export interface DesiredRecord {
  readonly role: RecordRole;
  /** The service that needs it; `verification` for the domain-ownership TXT. */
  readonly service: M365Service | "verification";
  readonly fieldType: "MX" | "CNAME" | "TXT" | "SRV";
  /** Relative to the zone, lower case; `""` is the zone apex. */
  readonly subDomain: string;
  /** In the format written to OVH (see the module comment). */
  readonly target: string;
  readonly ttl: number;
}

export interface RecordSetOptions {
  readonly domain: string;
  /** The OVH zone holding the domain: the domain itself or one of its parents. */
  readonly zone: string;
  readonly services: readonly M365Service[];
  /** MX host without priority (trailing dot optional). */
  readonly exchangeMxTarget: string;
  readonly verificationTxt?: string | undefined;
  readonly ttl: number;
}

/** Microsoft's usual MX host for a plain domain: dots become hyphens under mail.protection.outlook.com. */
export function defaultExchangeMxTarget(domain: string): string {
  return `${domain.toLowerCase().replace(/\.$/, "").replace(/\./g, "-")}.mail.protection.outlook.com`;
}

/**
 * The part of `domain` below `zone` (`""` when they are equal), or undefined when the domain is not inside the
 * zone. `sub.example.com` in zone `example.com` gives `sub`.
 */
export function relativeName(domain: string, zone: string): string | undefined {
  const d = stripDot(domain.toLowerCase());
  const z = stripDot(zone.toLowerCase());
  if (d === z) return "";
  if (d.endsWith(`.${z}`)) return d.slice(0, d.length - z.length - 1);
  return undefined;
}

/** The records the domain needs for `services`, in a stable order. */
export function microsoft365Records(options: RecordSetOptions): DesiredRecord[] {
  const prefix = relativeName(options.domain, options.zone);
  if (prefix === undefined) throw new Error(`Domain ${options.domain} is not inside zone ${options.zone}`);
  const name = (label: string) => [label, prefix].filter((part) => part !== "").join(".");
  const ttl = options.ttl;
  const out: DesiredRecord[] = [];
  const add = (record: Omit<DesiredRecord, "ttl">) => out.push({ ...record, ttl });

  if (options.verificationTxt !== undefined)
    add({
      role: "verification",
      service: "verification",
      fieldType: "TXT",
      subDomain: name(""),
      target: options.verificationTxt,
    });
  const wanted = new Set(options.services);
  if (wanted.has("exchange")) {
    add({
      role: "mx",
      service: "exchange",
      fieldType: "MX",
      subDomain: name(""),
      target: `0 ${absoluteHost(options.exchangeMxTarget)}`,
    });
    add({
      role: "autodiscover",
      service: "exchange",
      fieldType: "CNAME",
      subDomain: name("autodiscover"),
      target: "autodiscover.outlook.com.",
    });
    add({ role: "spf", service: "exchange", fieldType: "TXT", subDomain: name(""), target: MICROSOFT_SPF });
  }
  if (wanted.has("teams")) {
    add({
      role: "sip",
      service: "teams",
      fieldType: "CNAME",
      subDomain: name("sip"),
      target: "sipdir.online.lync.com.",
    });
    add({
      role: "lyncdiscover",
      service: "teams",
      fieldType: "CNAME",
      subDomain: name("lyncdiscover"),
      target: "webdir.online.lync.com.",
    });
    add({
      role: "sipTls",
      service: "teams",
      fieldType: "SRV",
      subDomain: name("_sip._tls"),
      target: "100 1 443 sipdir.online.lync.com.",
    });
    add({
      role: "sipFederation",
      service: "teams",
      fieldType: "SRV",
      subDomain: name("_sipfederationtls._tcp"),
      target: "100 1 5061 sipfed.online.lync.com.",
    });
  }
  if (wanted.has("intune")) {
    add({
      role: "enterpriseRegistration",
      service: "intune",
      fieldType: "CNAME",
      subDomain: name("enterpriseregistration"),
      target: "enterpriseregistration.windows.net.",
    });
    add({
      role: "enterpriseEnrollment",
      service: "intune",
      fieldType: "CNAME",
      subDomain: name("enterpriseenrollment"),
      target: "enterpriseenrollment.manage.microsoft.com.",
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Normalisation and comparison

function stripDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** `Host.Example.com` → `host.example.com.` */
export function absoluteHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h.endsWith(".") ? h : `${h}.`;
}

/**
 * OVH returns TXT targets wrapped in double quotes (`"v=spf1 …"`), sometimes as several quoted strings
 * (`"abc" "def"`, joined by DNS). Gives the plain value; a value without quotes is returned trimmed.
 */
export function unquoteTxt(value: string): string {
  const text = value.trim();
  if (!text.startsWith('"')) return text;
  const chunks: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"\s*/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null) {
    chunks.push((match[1] ?? "").replace(/\\(.)/g, "$1"));
    consumed = pattern.lastIndex;
  }
  return consumed === text.length ? chunks.join("") : text;
}

/** A record target in comparable form: hosts absolute and lower case, TXT unquoted, numbers canonical. */
export function normaliseTarget(fieldType: string, target: string): string {
  const parts = target.trim().split(/\s+/);
  switch (fieldType) {
    case "TXT":
    case "SPF":
      return unquoteTxt(target);
    case "CNAME":
      return absoluteHost(target);
    case "MX":
      if (parts.length === 2 && /^\d+$/.test(parts[0] ?? ""))
        return `${Number(parts[0])} ${absoluteHost(parts[1] ?? "")}`;
      return target.trim().toLowerCase();
    case "SRV":
      if (parts.length === 4 && parts.slice(0, 3).every((p) => /^\d+$/.test(p)))
        return `${parts.slice(0, 3).map(Number).join(" ")} ${absoluteHost(parts[3] ?? "")}`;
      return target.trim().toLowerCase();
    default:
      return target.trim();
  }
}

export function sameTarget(fieldType: string, a: string, b: string): boolean {
  return normaliseTarget(fieldType, a) === normaliseTarget(fieldType, b);
}

export function normaliseSubDomain(subDomain: string | null | undefined): string {
  return stripDot((subDomain ?? "").trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// SPF

/** A TXT (or OVH's legacy SPF-type) value that is an SPF policy. */
export function isSpf(fieldType: string, target: string): boolean {
  if (fieldType !== "TXT" && fieldType !== "SPF") return false;
  return /^v=spf1(\s|$)/i.test(unquoteTxt(target));
}

function spfTokens(value: string): string[] {
  return unquoteTxt(value)
    .split(/\s+/)
    .filter((t) => t !== "");
}

export function spfHasMicrosoftInclude(value: string): boolean {
  return spfTokens(value).some((token) => token.toLowerCase() === SPF_INCLUDE);
}

/**
 * Adds Microsoft's include to an existing SPF policy, keeping every other mechanism and modifier: it goes just
 * before the final `all` (or a `redirect=`), else at the end. Unchanged when already present.
 * `v=spf1 include:mx.ovh.com ~all` → `v=spf1 include:mx.ovh.com include:spf.protection.outlook.com ~all`.
 */
export function mergeSpfInclude(value: string): string {
  const tokens = spfTokens(value);
  if (spfHasMicrosoftInclude(value)) return tokens.join(" ");
  const end = tokens.findIndex((t, i) => i > 0 && (/^[+\-~?]?all$/i.test(t) || /^redirect=/i.test(t)));
  if (end === -1) tokens.push(SPF_INCLUDE);
  else tokens.splice(end, 0, SPF_INCLUDE);
  return tokens.join(" ");
}

/** Removes Microsoft's include from an SPF policy (used when the original value is no longer known). */
export function removeSpfInclude(value: string): string {
  return spfTokens(value)
    .filter((t) => t.toLowerCase() !== SPF_INCLUDE)
    .join(" ");
}

// ---------------------------------------------------------------------------------------------
// Matching live records against desired ones

export interface RecordLike {
  readonly fieldType: string;
  readonly subDomain: string;
  readonly target: string;
}

/**
 * Whether a live record fulfils a desired one. The SPF role is fulfilled by any SPF policy on the name that
 * includes Microsoft's mechanism (a merged policy keeps its other mechanisms); every other role needs the same
 * type, name and normalised target.
 */
export function fulfils(desired: RecordLike & { role: RecordRole }, live: RecordLike): boolean {
  if (normaliseSubDomain(live.subDomain) !== normaliseSubDomain(desired.subDomain)) return false;
  if (desired.role === "spf")
    return isSpf(live.fieldType, live.target) && spfHasMicrosoftInclude(live.target);
  return live.fieldType === desired.fieldType && sameTarget(desired.fieldType, live.target, desired.target);
}

/** Hosts Microsoft assigns for Exchange Online MX records. */
export function isMicrosoftMxHost(host: string): boolean {
  const h = absoluteHost(host);
  return h.endsWith(".mail.protection.outlook.com.") || h.endsWith(".mx.microsoft.");
}
