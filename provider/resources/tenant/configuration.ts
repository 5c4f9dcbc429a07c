/**
 * Maps a tenant's inputs onto the configuration labels an OVH `csp2` cart item asks for.
 *
 * OVH does not publish the labels of a csp2 item (REFERENCE §4.5): they are discovered at order time through
 * `GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration`. Each discovered label is matched to one of
 * our inputs by a tolerant rule:
 *
 * 1. `extraConfiguration` wins: a key equal to the label, or equal once both are normalised, supplies it.
 * 2. Otherwise the label is normalised (accents dropped, lower case, everything but letters and digits removed:
 *    `Customer E-mail` → `customeremail`) and looked up in an alias table, first as it is, then with leading
 *    qualifiers removed one at a time (`customer`, `contact`, `tenant`, `admin`, `microsoft`...), so
 *    `customerZipCode`, `contact_postal_code` and `ZIP` all reach `contact.zipCode`.
 * 3. A required label that neither rule can fill is reported, with the input or `extraConfiguration` key that
 *    would fill it; nothing is ordered. An optional label without a value is left out.
 *
 * `extraConfiguration` keys that match no discovered label are still sent as they are: the offer may accept
 * labels it does not list, and OVH's own answer is then the authority.
 */
import type { ConfigurationRequirements } from "../../api/order";

/** The inputs a configuration label can be filled from (named as the user writes them). */
export const CONFIGURATION_SOURCES = [
  "mpnId",
  "displayName",
  "customSubDomain",
  "contact.firstName",
  "contact.lastName",
  "contact.email",
  "contact.phone",
  "contact.address",
  "contact.city",
  "contact.zipCode",
  "contact.country",
] as const;
export type ConfigurationSource = (typeof CONFIGURATION_SOURCES)[number];

/** Values of the inputs, by source; an absent or empty value means "not provided". */
export type ConfigurationValues = Partial<Record<ConfigurationSource, string>>;

/** Normalised spellings of each source (see `normaliseLabel`). Disjoint by construction (tested). */
export const LABEL_ALIASES: Readonly<Record<ConfigurationSource, readonly string[]>> = {
  mpnId: [
    "mpnid",
    "mpn",
    "mpnnumber",
    "mpnidentifier",
    "partnerid",
    "partnernetworkid",
    "microsoftpartnerid",
    "microsoftpartnernetworkid",
    "partnernetworkidentifier",
    "cspid",
  ],
  displayName: [
    "displayname",
    "tenantdisplayname",
    "tenantname",
    "companyname",
    "company",
    "organisation",
    "organization",
    "organisationname",
    "organizationname",
  ],
  customSubDomain: [
    "customsubdomain",
    "subdomain",
    "customdomain",
    "domainprefix",
    "initialdomain",
    "onmicrosoftdomain",
    "onmicrosoft",
    "tenantdomain",
    "tenantsubdomain",
  ],
  "contact.firstName": ["firstname", "givenname", "forename", "first"],
  "contact.lastName": ["lastname", "surname", "familyname", "last"],
  "contact.email": ["email", "mail", "emailaddress", "mailaddress"],
  "contact.phone": ["phone", "phonenumber", "telephone", "telephonenumber", "tel", "mobile", "mobilephone"],
  "contact.address": [
    "address",
    "streetaddress",
    "street",
    "address1",
    "addressline1",
    "line1",
    "postaladdress",
  ],
  "contact.city": ["city", "town", "locality"],
  "contact.zipCode": ["zipcode", "zip", "postalcode", "postcode", "postal"],
  "contact.country": ["country", "countrycode", "countryiso", "countryisocode"],
};

/** Leading qualifiers that do not change what a label means (`customerEmail` = `email`). */
const QUALIFIERS = [
  "customer",
  "contact",
  "tenant",
  "administrator",
  "admin",
  "enduser",
  "client",
  "owner",
  "billing",
  "microsoft",
  "office365",
  "ms",
  "o365",
] as const;

/** `Customer E-mail` → `customeremail`; `Código postal` → `codigopostal`. */
export function normaliseLabel(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

const ALIAS_INDEX: ReadonlyMap<string, ConfigurationSource> = new Map(
  CONFIGURATION_SOURCES.flatMap((source) => LABEL_ALIASES[source].map((alias) => [alias, source] as const)),
);

/** The spellings tried for a label: itself, then without each leading qualifier in turn. */
function candidates(normalised: string): string[] {
  const out = [normalised];
  let rest = normalised;
  for (;;) {
    const qualifier = QUALIFIERS.find((q) => rest.startsWith(q) && rest.length > q.length);
    if (qualifier === undefined) return out;
    rest = rest.slice(qualifier.length);
    out.push(rest);
  }
}

/** Which input fills an OVH configuration label, if any. */
export function sourceForLabel(label: string): ConfigurationSource | undefined {
  for (const candidate of candidates(normaliseLabel(label))) {
    const source = ALIAS_INDEX.get(candidate);
    if (source !== undefined) return source;
  }
  return undefined;
}

/** One `POST …/configuration` to send, and where its value came from (for messages; never the value). */
export interface PlannedConfiguration {
  readonly label: string;
  readonly value: string;
  /** `mpnId`, `contact.email`, `extraConfiguration["x"]`. */
  readonly from: string;
}

export interface MissingLabel {
  readonly label: string;
  /** The input that would fill the label, when the label was recognised. */
  readonly source?: ConfigurationSource;
}

export interface ConfigurationPlan {
  readonly configurations: readonly PlannedConfiguration[];
  readonly missing: readonly MissingLabel[];
}

/**
 * Decides the value of every label the offer asks for. Pure: the caller sends the configurations, or refuses
 * the order when `missing` is not empty.
 */
export function planConfiguration(
  requirements: readonly ConfigurationRequirements[],
  values: ConfigurationValues,
  extra: Readonly<Record<string, string>> = {},
): ConfigurationPlan {
  const extraKeys = Object.keys(extra);
  const usedExtra = new Set<string>();
  const configurations: PlannedConfiguration[] = [];
  const missing: MissingLabel[] = [];
  const seen = new Set<string>();

  for (const requirement of requirements) {
    const label = requirement.label;
    if (seen.has(label)) continue;
    seen.add(label);

    const extraKey =
      extraKeys.find((key) => key === label) ??
      extraKeys.find((key) => !usedExtra.has(key) && normaliseLabel(key) === normaliseLabel(label));
    if (extraKey !== undefined) {
      usedExtra.add(extraKey);
      configurations.push({ label, value: extra[extraKey] ?? "", from: `extraConfiguration["${extraKey}"]` });
      continue;
    }

    const source = sourceForLabel(label);
    const value = source === undefined ? undefined : values[source]?.trim();
    if (source !== undefined && value !== undefined && value !== "") {
      configurations.push({ label, value, from: source });
    } else if (requirement.required) {
      missing.push(source === undefined ? { label } : { label, source });
    }
  }

  for (const key of extraKeys) {
    if (!usedExtra.has(key) && !seen.has(key)) {
      configurations.push({ label: key, value: extra[key] ?? "", from: `extraConfiguration["${key}"]` });
    }
  }
  return { configurations, missing };
}

/** The message for an order refused before checkout because required labels have no value. */
export function describeMissingLabels(
  planCode: string,
  requirements: readonly ConfigurationRequirements[],
  missing: readonly MissingLabel[],
): string {
  const lines = missing.map((m) =>
    m.source === undefined
      ? `  - "${m.label}": no input matches it; set extraConfiguration["${m.label}"]`
      : `  - "${m.label}": set ${m.source} (or extraConfiguration["${m.label}"])`,
  );
  const offered = requirements
    .map((r) => `${r.label}${r.required ? "" : " (optional)"}${describeSource(r.label)}`)
    .join(", ");
  return (
    `OVH's csp2 offer ${planCode} requires configuration that the inputs do not provide:\n${lines.join("\n")}\n` +
    `Labels the offer asks for: ${offered}.`
  );
}

function describeSource(label: string): string {
  const source = sourceForLabel(label);
  return source === undefined ? "" : ` ← ${source}`;
}
