/**
 * Schema-driven check of the response models: each zod model has exactly the properties of its OVH
 * schema model, nullable exactly where the schema says `canBeNull`, with the schema's primitive types,
 * and open enums (unknown values accepted).
 */
import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import * as auth from "../../../provider/api/auth";
import * as common from "../../../provider/api/common";
import * as csp2 from "../../../provider/api/csp2";
import * as dnsZone from "../../../provider/api/dnsZone";
import * as domain from "../../../provider/api/domain";
import * as order from "../../../provider/api/order";
import * as services from "../../../provider/api/services";

const SCHEMA_DIR = path.resolve(__dirname, "../../../provider/api/schemas");

interface SchemaProperty {
  readonly type: string;
  readonly canBeNull?: boolean;
}
interface SchemaModel {
  readonly properties?: Readonly<Record<string, SchemaProperty>>;
  readonly enum?: readonly string[];
}

function models(file: string): Readonly<Record<string, SchemaModel>> {
  return (
    JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")) as {
      models: Record<string, SchemaModel>;
    }
  ).models;
}

type AnyObject = z.ZodObject<z.ZodRawShape>;
const shapeOf = (schema: unknown, key: string): AnyObject =>
  (schema as AnyObject).shape[key] as unknown as AnyObject;

/**
 * [schema file, OVH model name, our zod model, extra optional keys our model may have]. The extra keys
 * cover one model shared by several schemas: the /price excerpt's order.Price lacks `priceInUcents`.
 */
const CASES: readonly (readonly [string, string, unknown, (readonly string[])?])[] = [
  ["saas-csp2-current.json", "saas.csp2.OfficeTenant", csp2.OfficeTenant],
  ["saas-csp2-current.json", "saas.csp2.OfficeTenantWithIAM", csp2.OfficeTenantWithIAM],
  ["saas-csp2-current.json", "saas.csp2.OfficeSubscription", csp2.OfficeSubscription],
  ["saas-csp2-current.json", "saas.csp2.OfficeTask", csp2.OfficeTask],
  ["saas-csp2-current.json", "saas.csp2.OfficeLicence", csp2.OfficeLicence],
  ["saas-csp2-current.json", "saas.csp2.BillingStatistics", csp2.BillingStatistics],
  ["saas-csp2-current.json", "saas.csp2.BillingStatisticsLine", csp2.BillingStatisticsLine],
  ["saas-csp2-current.json", "saas.csp2.Statistics", csp2.Statistics],
  ["saas-csp2-current.json", "saas.csp2.StatisticsLine", csp2.StatisticsLine],
  ["saas-csp2-current.json", "services.Service", common.ServiceInfos],
  ["saas-csp2-current.json", "service.RenewType", common.RenewType],
  ["saas-csp2-current.json", "iam.ResourceMetadata", common.IamResourceMetadata],
  ["saas-csp2-legacy.json", "saas.csp2.OfficeTenant", csp2.OfficeTenant],
  ["domain-zone-excerpt.json", "services.Service", common.ServiceInfos],

  ["order-cart-excerpt.json", "order.Price", common.Price],
  ["price-csp2-excerpt.json", "order.Price", common.Price, ["priceInUcents"]],
  ["order-cart-excerpt.json", "order.cart.Cart", order.Cart],
  ["order-cart-excerpt.json", "order.cart.Item", order.Item],
  ["order-cart-excerpt.json", "order.cart.ItemSettings", order.ItemSettings],
  ["order-cart-excerpt.json", "order.cart.Price", order.CartPrice],
  ["order-cart-excerpt.json", "order.cart.Promotion", order.CartPromotion],
  ["order-cart-excerpt.json", "order.cart.GenericProductDefinition", order.GenericProductDefinition],
  ["order-cart-excerpt.json", "order.cart.GenericProductPricing", order.GenericProductPricing],
  ["order-cart-excerpt.json", "order.cart.GenericOptionDefinition", order.GenericOptionDefinition],
  ["order-cart-excerpt.json", "order.cart.ConfigurationRequirements", order.ConfigurationRequirements],
  ["order-cart-excerpt.json", "order.cart.ConfigurationItem", order.ConfigurationItem],
  ["order-cart-excerpt.json", "order.Order", order.Order],
  ["order-cart-excerpt.json", "order.OrderDetail", order.OrderDetail],
  ["order-cart-excerpt.json", "order.OrderPrices", order.OrderPrices],
  ["order-cart-excerpt.json", "order.Contract", order.Contract],
  ["order-cart-excerpt.json", "order.Reduction", order.Reduction],
  ["me-order-excerpt.json", "nichandle.Nichandle", order.Nichandle],
  ["me-order-excerpt.json", "nichandle.Currency", order.Currency],
  ["me-order-excerpt.json", "nichandle.EmailNotification", order.EmailNotification],
  ["me-order-excerpt.json", "billing.Order", order.BillingOrder],
  ["me-order-excerpt.json", "billing.OrderDetail", order.BillingOrderDetail],
  ["me-order-excerpt.json", "billing.ItemDetail", order.ItemDetail],
  ["me-order-excerpt.json", "billing.ItemDetail.Order", order.ItemDetailOrder],
  ["me-order-excerpt.json", "billing.ItemDetail.OrderConfiguration", order.ItemDetailConfiguration],
  ["me-order-excerpt.json", "billing.ItemDetail.OrderPlan", order.ItemDetailPlan],
  ["me-order-excerpt.json", "billing.ItemDetail.OrderPlanProduct", order.ItemDetailPlanProduct],
  ["me-order-excerpt.json", "billing.order.AssociatedObject", order.AssociatedObject],
  ["me-order-excerpt.json", "billing.order.FollowUp", order.FollowUp],
  ["me-order-excerpt.json", "billing.order.followUp.History", order.FollowUpHistory],

  ["domain-zone-excerpt.json", "domain.zone.Record", dnsZone.ZoneRecord],
  ["domain-zone-excerpt.json", "domain.ZoneWithIAM", dnsZone.Zone],
  ["domain-zone-excerpt.json", "domain.zone.Status", dnsZone.ZoneStatus],
  ["domain-zone-excerpt.json", "domain.DomainServiceWithIAM", domain.DomainService],
  ["domain-zone-excerpt.json", "domain.ContactSummary", domain.ContactSummary],
  ["domain-zone-excerpt.json", "domain.ParentService", domain.ParentService],
  ["domain-zone-excerpt.json", "domain.nameServer.NameServer", domain.NameServer],
  ["domain-zone-excerpt.json", "domain.nameServer.FullNameServer", domain.FullNameServer],

  ["services-excerpt.json", "services.expanded.Service", services.ExpandedService],
  ["services-excerpt.json", "services.expanded.Billing", services.Billing],
  ["services-excerpt.json", "services.expanded.Customer", services.Customer],
  ["services-excerpt.json", "services.expanded.Customer.Contact", services.CustomerContact],
  ["services-excerpt.json", "services.expanded.EngagementSummary", services.EngagementSummary],
  ["services-excerpt.json", "services.expanded.EngagementRequestSummary", services.EngagementRequestSummary],
  ["services-excerpt.json", "services.expanded.Group", services.Group],
  ["services-excerpt.json", "services.expanded.Lifecycle", services.Lifecycle],
  [
    "services-excerpt.json",
    "services.expanded.Lifecycle.Capacities",
    shapeOf(services.Lifecycle, "capacities"),
  ],
  ["services-excerpt.json", "services.expanded.Lifecycle.Current", shapeOf(services.Lifecycle, "current")],
  ["services-excerpt.json", "services.expanded.Plan", services.Plan],
  ["services-excerpt.json", "services.expanded.Product", services.Product],
  ["services-excerpt.json", "services.expanded.Renew", services.Renew],
  ["services-excerpt.json", "services.expanded.Renew.Capacities", shapeOf(services.Renew, "capacities")],
  ["services-excerpt.json", "services.expanded.Renew.Current", shapeOf(services.Renew, "current")],
  ["services-excerpt.json", "services.expanded.Resource", services.Resource],
  ["services-excerpt.json", "services.expanded.Route", services.Route],
  ["services-excerpt.json", "services.billing.Pricing", services.Pricing],
  [
    "services-excerpt.json",
    "services.billing.Pricing.EngagementConfiguration",
    services.EngagementConfiguration,
  ],
  ["services-excerpt.json", "services.billing.engagement.EndRule", services.EngagementEndRule],
  ["services-excerpt.json", "services.terminate.TerminationAnswer", services.TerminationAnswer],

  ["auth.json", "auth.ApiCredential", auth.ApiCredential],
  ["auth.json", "auth.AccessRule", auth.AccessRule],
  ["auth.json", "auth.Details", auth.AuthDetails],
];

const STRINGS = new Set([
  "string",
  "text",
  "password",
  "datetime",
  "date",
  "uuid",
  "phoneNumber",
  "duration",
  "ip",
  "ipv4",
  "ipv6",
  "ipBlock",
]);

/** Checks that `field` accepts / rejects sample values the way the OVH type `type` requires. */
function checkType(field: z.ZodType, type: string, all: Readonly<Record<string, SchemaModel>>): string[] {
  const problems: string[] = [];
  const accepts = (value: unknown) => field.safeParse(value).success;
  const expect = (cond: boolean, what: string) => {
    if (!cond) problems.push(what);
  };
  if (type.endsWith("[]")) {
    expect(accepts([]), "should accept an empty array");
    expect(!accepts({}), "should reject a non-array");
    return problems;
  }
  if (type.startsWith("map[")) {
    expect(accepts({}), "should accept an empty map");
    expect(!accepts("x"), "should reject a string");
    return problems;
  }
  if (STRINGS.has(type)) {
    expect(accepts("2024-06-01T00:00:00Z"), "should accept a string");
    expect(!accepts(1), "should reject a number");
  } else if (type === "long") {
    expect(accepts(42), "should accept an integer");
    expect(!accepts(1.5), "should reject a fraction");
    expect(!accepts("42"), "should reject a string");
  } else if (type === "double") {
    expect(accepts(1.5), "should accept a fraction");
    expect(!accepts("1.5"), "should reject a string");
  } else if (type === "boolean") {
    expect(accepts(true), "should accept a boolean");
    expect(!accepts("true"), "should reject a string");
  } else if (all[type]?.enum) {
    expect(accepts(all[type]?.enum?.[0]), "should accept a known enum value");
    expect(accepts("aValueOvhAddsLater"), "should accept an unknown enum value");
    expect(!accepts(1), "should reject a number");
  } else if (all[type]?.properties) {
    expect(!accepts("x"), "should reject a string (nested model)");
  } else {
    problems.push(`no rule for OVH type ${type}`);
  }
  return problems;
}

describe("response models follow the OVH schemas", () => {
  it.each(CASES.map((c) => [c[0], c[1], c] as const))(
    "%s %s",
    (file, modelName, [, , zodModel, extraOptional = []]) => {
      const all = models(file);
      const model = all[modelName];
      expect(model?.properties).toBeDefined();
      const schemaProps = model?.properties ?? {};
      const shape = (zodModel as AnyObject).shape;
      expect(Object.keys(shape).sort()).toEqual([...Object.keys(schemaProps), ...extraOptional].sort());
      for (const key of extraOptional)
        expect((shape[key] as unknown as z.ZodType).safeParse(undefined).success).toBe(true);

      const problems: string[] = [];
      for (const [name, prop] of Object.entries(schemaProps)) {
        const field = shape[name] as unknown as z.ZodType | undefined;
        if (field === undefined) continue;
        const optional = field.safeParse(undefined).success;
        const nullable = field.safeParse(null).success;
        if (prop.canBeNull === true && !(optional && nullable))
          problems.push(`${name}: canBeNull but required`);
        if (prop.canBeNull !== true && (optional || nullable))
          problems.push(`${name}: not canBeNull but optional`);
        problems.push(...checkType(field, prop.type, all).map((p) => `${name} (${prop.type}): ${p}`));
      }
      expect(problems).toEqual([]);
    },
  );

  it("keeps unknown keys: every model is a loose object", () => {
    const notLoose = CASES.filter(
      ([, , zodModel]) => (zodModel as AnyObject)._zod.def.catchall?._zod.def.type !== "unknown",
    ).map(([file, name]) => `${file} ${name}`);
    expect(notLoose).toEqual([]);
  });
});
