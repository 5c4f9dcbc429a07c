/**
 * The hand-written schema.json against the code it describes: every input property exists in the handler's zod
 * schema and vice versa, outputs match the handlers' output interfaces (the key maps below are checked for
 * exhaustiveness by the type checker), secrets and provider configuration match the config resolver.
 */
import type { z } from "zod";
import { OVH_SETTING_KEYS, SECRET_SETTINGS } from "../../../provider/ovh/config";
import {
  DomainAutoConfigInputsSchema,
  type DomainAutoConfigOutputs,
} from "../../../provider/resources/domainAutoConfig";
import {
  BillingPeriodPeaksArgs,
  OrderableLicencesArgs,
  UsageStatisticsArgs,
  type BillingPeriodPeaks,
  type Licence,
  type UsageStatistics,
} from "../../../provider/resources/lookups";
import { HANDLERS } from "../../../provider/resources/registry";
import { SubscriptionInputsSchema, type SubscriptionOutputs } from "../../../provider/resources/subscription";
import {
  TenantContactSchema,
  TenantInputsSchema,
  type TenantContactOutput,
  type TenantOutputs,
} from "../../../provider/resources/tenant";
import type { OrderRecord } from "../../../provider/resources/tenant/orderRecord";
import type { ManagedRecord, TakenOverRecord } from "../../../provider/resources/domainAutoConfig/plan";
import { FUNCTION_TOKENS } from "../../../provider/native/provider";
import {
  kindOf,
  packageVersion,
  resourceToken,
  schemaText,
  SCHEMA,
  secretInputNames,
  secretOutputNames,
} from "../../../provider/native/schema";

/** Every key of T, exactly: a missing or extra key is a type error. */
function keysOf<T>() {
  return <K extends Record<keyof T, true>>(keys: K & Record<Exclude<keyof K, keyof T>, never>) =>
    Object.keys(keys).sort();
}

const sorted = (values: Iterable<string>) => [...values].sort();

// Outputs of each resource, from the handlers' TypeScript interfaces.
const OUTPUT_KEYS: Record<string, string[]> = {
  Office365ResellerTenant: keysOf<TenantOutputs>()({
    serviceName: true,
    status: true,
    creationDate: true,
    mpnIssueFlag: true,
    adminPortalUrl: true,
    serviceId: true,
    renewAutomatic: true,
    renewPeriod: true,
    deleteAtExpiration: true,
    canDeleteAtExpiration: true,
    expirationDate: true,
    orderId: true,
    pendingOrder: true,
    planCode: true,
    duration: true,
    pricingMode: true,
    ovhSubsidiary: true,
    mpnId: true,
    displayName: true,
    contact: true,
    customSubDomain: true,
    extraConfiguration: true,
    waiveRetractationPeriod: true,
    existingServiceName: true,
    deletionPolicy: true,
    administratorPassword: true,
  }),
  Subscription: keysOf<SubscriptionOutputs>()({
    tenant: true,
    subscriptionId: true,
    licenceId: true,
    licenceName: true,
    licenceType: true,
    licence: true,
    status: true,
    quantity: true,
    creationDate: true,
    lastUpdate: true,
    taskPendingId: true,
    parentSubscriptionId: true,
    existingSubscriptionId: true,
    deletionPolicy: true,
    academicEligibilityAcknowledged: true,
    pendingOrderId: true,
    pendingOrderAt: true,
    pendingOrderTaskId: true,
    pendingOrderKnownSubscriptionIds: true,
    pendingOrderKnownTaskIds: true,
    seatPrice: true,
    currency: true,
    monthlyPrice: true,
    commitmentEndsAt: true,
    decreaseAllowedUntil: true,
  }),
  DomainAutoConfig: keysOf<DomainAutoConfigOutputs>()({
    tenant: true,
    domain: true,
    zone: true,
    services: true,
    exchangeMxTarget: true,
    verificationTxt: true,
    ttl: true,
    method: true,
    takeOverConflicts: true,
    records: true,
    takenOver: true,
  }),
};

const TYPE_KEYS: Record<string, string[]> = {
  "ovhoffice:index:TenantContact": keysOf<TenantContactOutput>()({
    firstName: true,
    lastName: true,
    email: true,
    phone: true,
    address: true,
    city: true,
    zipCode: true,
    country: true,
  }),
  "ovhoffice:index:PendingTenantOrder": keysOf<OrderRecord>()({
    cartId: true,
    orderId: true,
    ovhSubsidiary: true,
    planCode: true,
    duration: true,
    pricingMode: true,
    configuration: true,
    checkoutStartedAt: true,
    tenantsBefore: true,
    waiveRetractationPeriod: true,
  }),
  "ovhoffice:index:ManagedDnsRecord": keysOf<ManagedRecord>()({
    id: true,
    fieldType: true,
    subDomain: true,
    target: true,
    ttl: true,
    role: true,
    origin: true,
  }),
  "ovhoffice:index:TakenOverDnsRecord": keysOf<TakenOverRecord>()({
    id: true,
    fieldType: true,
    subDomain: true,
    target: true,
    ttl: true,
    forRole: true,
    action: true,
  }),
  "ovhoffice:index:OrderableLicence": keysOf<Licence>()({
    id: true,
    name: true,
    type: true,
    limit: true,
    newSeatsAllowed: true,
    newSubscriptionsAllowed: true,
    academic: true,
  }),
};

const INPUT_SCHEMAS: Record<string, z.ZodObject> = {
  Office365ResellerTenant: TenantInputsSchema,
  Subscription: SubscriptionInputsSchema as unknown as z.ZodObject,
  DomainAutoConfig: DomainAutoConfigInputsSchema,
};

function resource(kind: string) {
  const spec = SCHEMA.resources[resourceToken(kind)];
  if (!spec) throw new Error(`no schema for ${kind}`);
  return spec;
}

describe("schema.json resources", () => {
  it("declares exactly the handlers of the registry", () => {
    expect(sorted(Object.keys(SCHEMA.resources))).toEqual(sorted(Object.keys(HANDLERS).map(resourceToken)));
  });

  describe.each(Object.keys(HANDLERS))("%s", (kind) => {
    const zodShape = INPUT_SCHEMAS[kind]?.shape ?? {};

    it("has the input properties of the handler's zod schema, and only those", () => {
      expect(sorted(Object.keys(resource(kind).inputProperties))).toEqual(sorted(Object.keys(zodShape)));
    });

    it("requires only inputs the zod schema cannot do without", () => {
      for (const key of resource(kind).requiredInputs ?? []) {
        const field = (zodShape as Record<string, z.ZodType>)[key];
        expect(field?.safeParse(undefined).success).toBe(false);
      }
    });

    it("has the outputs of the handler's output interface, and only those", () => {
      expect(sorted(Object.keys(resource(kind).properties))).toEqual(OUTPUT_KEYS[kind]);
      for (const key of resource(kind).required ?? []) expect(resource(kind).properties).toHaveProperty(key);
    });

    it("describes every property", () => {
      const all = { ...resource(kind).inputProperties, ...resource(kind).properties };
      for (const [name, spec] of Object.entries(all)) {
        expect([name, typeof spec.description]).toEqual([name, "string"]);
      }
    });
  });

  it("marks the administrator password secret, as input and as output, and nothing else", () => {
    expect(secretInputNames("Office365ResellerTenant")).toEqual(["administratorPassword"]);
    expect(secretOutputNames("Office365ResellerTenant")).toEqual(["administratorPassword"]);
    expect(secretInputNames("Subscription")).toEqual([]);
    expect(secretOutputNames("DomainAutoConfig")).toEqual([]);
  });

  it("describes the contact type like the zod contact schema", () => {
    const contact = SCHEMA.types["ovhoffice:index:TenantContact"] as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(sorted(Object.keys(contact.properties))).toEqual(sorted(Object.keys(TenantContactSchema.shape)));
    const requiredInZod = Object.entries(TenantContactSchema.shape)
      .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
      .map(([key]) => key);
    expect(sorted(contact.required)).toEqual(sorted(requiredInZod));
  });

  it.each(Object.entries(TYPE_KEYS))("type %s has the properties of its interface", (token, keys) => {
    const type = SCHEMA.types[token] as { properties: Record<string, unknown> };
    expect(sorted(Object.keys(type.properties))).toEqual(keys);
  });

  it("resolves every $ref to a declared type", () => {
    const refs = [...JSON.stringify(SCHEMA).matchAll(/"\$ref":"#\/types\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(SCHEMA.types).toHaveProperty([ref as string]);
  });
});

describe("schema.json provider configuration", () => {
  it("lists every setting of the config resolver, as stack config and as provider arguments", () => {
    expect(sorted(Object.keys(SCHEMA.config.variables))).toEqual(sorted(OVH_SETTING_KEYS));
    expect(sorted(Object.keys(SCHEMA.provider.inputProperties))).toEqual(sorted(OVH_SETTING_KEYS));
  });

  it("marks exactly the resolver's secret settings secret", () => {
    const secrets = (props: Record<string, { secret?: boolean }>) =>
      sorted(
        Object.entries(props)
          .filter(([, p]) => p.secret)
          .map(([k]) => k),
      );
    expect(secrets(SCHEMA.config.variables)).toEqual(sorted(SECRET_SETTINGS));
    expect(secrets(SCHEMA.provider.inputProperties)).toEqual(sorted(SECRET_SETTINGS));
  });
});

describe("schema.json functions", () => {
  const ARGS: Record<string, z.ZodObject> = {
    "ovhoffice:index:getOrderableLicences": OrderableLicencesArgs,
    "ovhoffice:index:getUsageStatistics": UsageStatisticsArgs,
    "ovhoffice:index:getBillingPeriodPeaks": BillingPeriodPeaksArgs,
  };
  const OUTPUTS: Record<string, string[]> = {
    "ovhoffice:index:getOrderableLicences": ["licences", "tenant"],
    "ovhoffice:index:getUsageStatistics": keysOf<UsageStatistics>()({
      tenant: true,
      period: true,
      days: true,
    }),
    "ovhoffice:index:getBillingPeriodPeaks": keysOf<BillingPeriodPeaks>()({
      tenant: true,
      startDate: true,
      endDate: true,
      lines: true,
    }),
  };

  it("declares exactly the functions the provider serves", () => {
    expect(sorted(Object.keys(SCHEMA.functions))).toEqual(sorted(FUNCTION_TOKENS));
  });

  it.each(Object.keys(ARGS))("%s takes the arguments of its zod schema and returns its result", (token) => {
    const fn = SCHEMA.functions[token];
    expect(sorted(Object.keys(fn?.inputs.properties ?? {}))).toEqual(
      sorted(Object.keys(ARGS[token]?.shape ?? {})),
    );
    expect(sorted(Object.keys(fn?.outputs.properties ?? {}))).toEqual(OUTPUTS[token]);
  });
});

describe("schema helpers", () => {
  it("serves the schema with the package.json version", () => {
    const version = packageVersion();
    expect(version).toBe((require("../../../package.json") as { version: string }).version);
    const served = JSON.parse(schemaText(version)) as { name: string; version: string };
    expect(served).toMatchObject({ name: "ovhoffice", version });
  });

  it("finds the resource kind in URNs and type tokens", () => {
    expect(kindOf("urn:pulumi:dev::proj::ovhoffice:index:Subscription::seats")).toBe("Subscription");
    expect(kindOf("urn:pulumi:dev::proj::my:comp:Thing$ovhoffice:index:DomainAutoConfig::dns")).toBe(
      "DomainAutoConfig",
    );
    expect(kindOf("ovhoffice:index:Office365ResellerTenant")).toBe("Office365ResellerTenant");
    expect(() => kindOf("urn:pulumi:dev::proj::aws:s3:Bucket::b")).toThrow(/not a type of this provider/);
  });
});
