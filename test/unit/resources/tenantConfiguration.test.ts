import type { ConfigurationRequirements } from "../../../provider/api/order";
import {
  CONFIGURATION_SOURCES,
  LABEL_ALIASES,
  describeMissingLabels,
  normaliseLabel,
  planConfiguration,
  sourceForLabel,
  type ConfigurationValues,
} from "../../../provider/resources/tenant/configuration";

const req = (label: string, required = true): ConfigurationRequirements => ({
  label,
  required,
  type: "string",
  fields: null,
});

const VALUES: ConfigurationValues = {
  mpnId: "1234567",
  displayName: "Contoso",
  "contact.firstName": "Jane",
  "contact.lastName": "Doe",
  "contact.email": "jane@contoso.example",
  "contact.phone": "+33.123456789",
  "contact.address": "1 rue de la Paix",
  "contact.city": "Paris",
  "contact.zipCode": "75002",
  "contact.country": "FR",
};

describe("normaliseLabel", () => {
  it("drops case, accents and punctuation", () => {
    expect(normaliseLabel("Customer E-mail")).toBe("customeremail");
    expect(normaliseLabel("contact_zip.code")).toBe("contactzipcode");
    expect(normaliseLabel("Prénom")).toBe("prenom");
  });
});

describe("sourceForLabel", () => {
  it.each([
    ["mpnId", "mpnId"],
    ["MPN", "mpnId"],
    ["Partner ID", "mpnId"],
    ["microsoft_partner_network_id", "mpnId"],
    ["customerFirstName", "contact.firstName"],
    ["First name", "contact.firstName"],
    ["given-name", "contact.firstName"],
    ["customerLastName", "contact.lastName"],
    ["surname", "contact.lastName"],
    ["customerEmail", "contact.email"],
    ["E-mail address", "contact.email"],
    ["adminEmail", "contact.email"],
    ["customerPhone", "contact.phone"],
    ["phoneNumber", "contact.phone"],
    ["customerAddress", "contact.address"],
    ["street", "contact.address"],
    ["customerCity", "contact.city"],
    ["customerZipCode", "contact.zipCode"],
    ["ZIP", "contact.zipCode"],
    ["postal_code", "contact.zipCode"],
    ["Postcode", "contact.zipCode"],
    ["customerCountry", "contact.country"],
    ["countryCode", "contact.country"],
    ["tenantDisplayName", "displayName"],
    ["display name", "displayName"],
    ["customSubDomain", "customSubDomain"],
    ["sub-domain", "customSubDomain"],
    ["onmicrosoft domain", "customSubDomain"],
  ])("%s → %s", (label, source) => {
    expect(sourceForLabel(label)).toBe(source);
  });

  it("does not guess labels it does not know", () => {
    expect(sourceForLabel("existingTenantDomain")).toBeUndefined();
    expect(sourceForLabel("customerName")).toBeUndefined();
    expect(sourceForLabel("vatNumber")).toBeUndefined();
  });

  it("has disjoint aliases", () => {
    const all = CONFIGURATION_SOURCES.flatMap((s) => LABEL_ALIASES[s]);
    expect(new Set(all).size).toBe(all.length);
    for (const alias of all) expect(normaliseLabel(alias)).toBe(alias);
  });
});

describe("planConfiguration", () => {
  const sandboxLabels = [
    "mpnId",
    "customerFirstName",
    "customerLastName",
    "customerEmail",
    "customerPhone",
    "customerAddress",
    "customerCity",
    "customerZipCode",
    "customerCountry",
    "tenantDisplayName",
  ].map((l) => req(l));

  it("fills every label of the sandbox offer from the inputs, in the offer's order", () => {
    const plan = planConfiguration([...sandboxLabels, req("customSubDomain", false)], VALUES);
    expect(plan.missing).toEqual([]);
    expect(plan.configurations.map((c) => [c.label, c.value, c.from])).toEqual([
      ["mpnId", "1234567", "mpnId"],
      ["customerFirstName", "Jane", "contact.firstName"],
      ["customerLastName", "Doe", "contact.lastName"],
      ["customerEmail", "jane@contoso.example", "contact.email"],
      ["customerPhone", "+33.123456789", "contact.phone"],
      ["customerAddress", "1 rue de la Paix", "contact.address"],
      ["customerCity", "Paris", "contact.city"],
      ["customerZipCode", "75002", "contact.zipCode"],
      ["customerCountry", "FR", "contact.country"],
      ["tenantDisplayName", "Contoso", "displayName"],
    ]);
  });

  it("sends an optional label when a value is given", () => {
    const plan = planConfiguration([req("customSubDomain", false)], {
      ...VALUES,
      customSubDomain: "contoso",
    });
    expect(plan.configurations).toEqual([
      { label: "customSubDomain", value: "contoso", from: "customSubDomain" },
    ]);
  });

  it("lets extraConfiguration override a mapped label (exact or normalised key) and supply unknown ones", () => {
    const plan = planConfiguration([req("Customer E-mail"), req("VAT number"), req("mpnId")], VALUES, {
      customer_email: "it@contoso.example",
      "VAT number": "FR123",
      extraLabel: "x",
    });
    expect(plan.missing).toEqual([]);
    expect(plan.configurations).toEqual([
      { label: "Customer E-mail", value: "it@contoso.example", from: 'extraConfiguration["customer_email"]' },
      { label: "VAT number", value: "FR123", from: 'extraConfiguration["VAT number"]' },
      { label: "mpnId", value: "1234567", from: "mpnId" },
      { label: "extraLabel", value: "x", from: 'extraConfiguration["extraLabel"]' },
    ]);
  });

  it("reports required labels without a value, and skips optional ones", () => {
    const { ["contact.country"]: _country, ...noCountry } = VALUES;
    const plan = planConfiguration(
      [req("customerCountry"), req("resellerAgreement"), req("customSubDomain", false)],
      noCountry,
    );
    expect(plan.configurations).toEqual([]);
    expect(plan.missing).toEqual([
      { label: "customerCountry", source: "contact.country" },
      { label: "resellerAgreement" },
    ]);
  });

  it("treats a blank value as missing", () => {
    const plan = planConfiguration([req("mpnId")], { mpnId: "  " });
    expect(plan.missing).toEqual([{ label: "mpnId", source: "mpnId" }]);
  });

  it("describes what is missing and what the offer asks for", () => {
    const requirements = [req("customerCountry"), req("resellerAgreement"), req("customSubDomain", false)];
    const message = describeMissingLabels("csp2-plan", requirements, [
      { label: "customerCountry", source: "contact.country" },
      { label: "resellerAgreement" },
    ]);
    expect(message).toContain("csp2-plan");
    expect(message).toContain(
      '"customerCountry": set contact.country (or extraConfiguration["customerCountry"])',
    );
    expect(message).toContain(
      '"resellerAgreement": no input matches it; set extraConfiguration["resellerAgreement"]',
    );
    expect(message).toContain("customSubDomain (optional) ← customSubDomain");
  });
});
