/**
 * `/services` (the generic billing view of every OVH service) and the per-product `serviceInfos` model.
 * Other areas create services with `registerService` and expose them through `serviceInfos` /
 * `updateServiceInfos` so both views stay consistent.
 */
import { AreaModule, OvhError, Routes, SandboxContext, badRequest, notFound } from "../core/contract";
import {
  addMonths,
  bodyObject,
  isRecord,
  isoDate,
  isoDateTime,
  longParam,
  optionalBoolean,
  optionalString,
  own,
} from "../core/util";

import { checkSlice } from "../core/checks";

export const ACCOUNT_NIC = "xx12345-ovh";

type TerminationPolicy = "empty" | "terminateAtEngagementDate" | "terminateAtExpirationDate";

export interface ServiceRecord {
  serviceId: number;
  resourceName: string;
  /** Filled-in route, e.g. `/saas/csp2/csp2-100001`. */
  route: string;
  /** Route template, e.g. `/saas/csp2/{serviceName}`. */
  routeTemplate: string;
  displayName: string;
  createdAt: number;
  automatic: boolean;
  deleteAtExpiration: boolean;
  forced: boolean;
  manualPayment: boolean;
  /** Renew period in months. */
  period: number;
  status: "ok" | "inCreation" | "expired" | "unPaid" | "pendingDebt";
}

interface ServicesSlice {
  services: Record<string, ServiceRecord>;
}

function slice(ctx: SandboxContext): ServicesSlice {
  return ctx.store.state["services"] as ServicesSlice;
}

const PRODUCTS: Record<string, { name: string; description: string; plan: string }> = {
  "/saas/csp2/{serviceName}": { name: "csp2", description: "Office 365 Reseller (CSP2)", plan: "csp2" },
  "/domain/zone/{zoneName}": { name: "zone", description: "DNS zone", plan: "zone" },
  "/domain/{serviceName}": { name: "domain", description: "Domain name", plan: "domain" },
};

function templateOf(route: string, resourceName: string): string {
  const encoded = encodeURIComponent(resourceName);
  for (const tail of [`/${resourceName}`, `/${encoded}`]) {
    if (route.endsWith(tail)) {
      const prefix = route.slice(0, -tail.length);
      return `${prefix}/${prefix === "/domain/zone" ? "{zoneName}" : "{serviceName}"}`;
    }
  }
  return route;
}

/** Creates a service (billing view) for a resource and returns its serviceId. */
export function registerService(
  ctx: SandboxContext,
  input: { resourceName: string; route: string; displayName?: string; createdAt: number },
): number {
  const serviceId = 10_000_000 + ctx.store.nextId("service");
  slice(ctx).services[String(serviceId)] = {
    serviceId,
    resourceName: input.resourceName,
    route: input.route,
    routeTemplate: templateOf(input.route, input.resourceName),
    displayName: input.displayName ?? input.resourceName,
    createdAt: input.createdAt,
    automatic: true,
    deleteAtExpiration: false,
    forced: false,
    manualPayment: false,
    period: 1,
    status: "ok",
  };
  return serviceId;
}

export function getService(ctx: SandboxContext, serviceId: number): ServiceRecord {
  const record = own(slice(ctx).services, String(serviceId));
  if (!record) throw notFound(`Service ${serviceId}`);
  return record;
}

/** Removes a service (e.g. a deleted resource); unknown ids are ignored. */
export function unregisterService(ctx: SandboxContext, serviceId: number): void {
  delete slice(ctx).services[String(serviceId)];
}

/** The next renewal date: creation plus whole renew periods, the first one after now. */
function expiration(record: ServiceRecord, now: number): number {
  let periods = 1;
  let date = addMonths(record.createdAt, record.period);
  while (date <= now && periods < 10_000) {
    periods += 1;
    date = addMonths(record.createdAt, record.period * periods);
  }
  return date;
}

/** The `services.Service` model answered by `GET /<product>/{name}/serviceInfos`. */
export function serviceInfos(ctx: SandboxContext, serviceId: number): Record<string, unknown> {
  const record = getService(ctx, serviceId);
  return {
    canDeleteAtExpiration: true,
    contactAdmin: ACCOUNT_NIC,
    contactBilling: ACCOUNT_NIC,
    contactTech: ACCOUNT_NIC,
    creation: isoDate(record.createdAt),
    domain: record.resourceName,
    engagedUpTo: null,
    expiration: isoDate(expiration(record, ctx.clock.now())),
    possibleRenewPeriod: [1, 12],
    renew: {
      automatic: record.automatic,
      deleteAtExpiration: record.deleteAtExpiration,
      forced: record.forced,
      manualPayment: record.manualPayment,
      period: record.period,
    },
    renewalType: "automaticV2016",
    serviceId: record.serviceId,
    status: record.status,
  };
}

/** `PUT /<product>/{name}/serviceInfos`: only `renew` is writable; read-only fields are ignored like OVH. */
export function updateServiceInfos(ctx: SandboxContext, serviceId: number, body: unknown): void {
  const record = getService(ctx, serviceId);
  const input = bodyObject(body);
  const renew = input["renew"];
  if (renew === undefined || renew === null) return;
  if (!isRecord(renew)) throw badRequest("[renew] Invalid value: an object is expected");
  const automatic = optionalBoolean(renew, "automatic");
  const deleteAtExpiration = optionalBoolean(renew, "deleteAtExpiration");
  const forced = optionalBoolean(renew, "forced");
  const manualPayment = optionalBoolean(renew, "manualPayment");
  const period = renew["period"];
  if (period !== undefined && period !== null && period !== 1 && period !== 12) {
    throw badRequest(
      `[renew.period] Invalid value: ${JSON.stringify(period)} is not a possible renew period`,
    );
  }
  if (automatic !== undefined) record.automatic = automatic;
  if (deleteAtExpiration !== undefined) record.deleteAtExpiration = deleteAtExpiration;
  if (forced !== undefined) record.forced = forced;
  if (manualPayment !== undefined) record.manualPayment = manualPayment;
  if (period === 1 || period === 12) record.period = period;
}

function expanded(ctx: SandboxContext, record: ServiceRecord): Record<string, unknown> {
  const expirationMs = expiration(record, ctx.clock.now());
  const product = own(PRODUCTS, record.routeTemplate);
  const vars: { key: string; value: string }[] = [];
  const names = record.routeTemplate.match(/\{(\w+)\}/);
  if (names?.[1]) vars.push({ key: names[1], value: record.resourceName });
  return {
    billing: {
      engagement: null,
      engagementRequest: null,
      expirationDate: isoDateTime(expirationMs),
      group: null,
      lifecycle: {
        capacities: { actions: ["terminate", "terminateAtExpirationDate"] },
        current: {
          creationDate: isoDateTime(record.createdAt),
          pendingActions: record.deleteAtExpiration ? ["terminateAtExpirationDate"] : [],
          state: record.status === "inCreation" ? "toRenew" : record.status === "ok" ? "active" : "unpaid",
          terminationDate: record.deleteAtExpiration ? isoDateTime(expirationMs) : null,
        },
      },
      nextBillingDate: record.deleteAtExpiration ? null : isoDateTime(expirationMs),
      plan: product ? { code: product.plan, invoiceName: product.description } : null,
      pricing: null,
      renew: {
        capacities: { mode: ["automatic", "manual"] },
        current: {
          mode: record.automatic ? "automatic" : "manual",
          nextDate: record.deleteAtExpiration ? null : isoDateTime(expirationMs),
          period: record.period === 12 ? "P1Y" : "P1M",
        },
      },
    },
    customer: {
      contacts: (["administrator", "billing", "technical"] as const).map((type) => ({
        customerCode: ACCOUNT_NIC,
        type,
      })),
    },
    parentServiceId: null,
    resource: {
      displayName: record.displayName,
      name: record.resourceName,
      product: product ? { description: product.description, name: product.name } : null,
      resellingProvider: "ovh.eu",
      state: "active",
    },
    route: { path: record.routeTemplate, url: record.route, vars },
    serviceId: record.serviceId,
    tags: [],
  };
}

const TERMINATION_POLICIES: readonly TerminationPolicy[] = [
  "empty",
  "terminateAtEngagementDate",
  "terminateAtExpirationDate",
];

export const servicesArea: AreaModule = {
  name: "services",
  check: (s) => checkSlice("services", s, { services: "record of objects" }),
  init(ctx) {
    if (!isRecord(ctx.store.state["services"])) ctx.store.state["services"] = { services: {} };
  },
  register(routes: Routes, ctx: SandboxContext) {
    routes.add("GET", "/services", (req) => {
      const resourceName = req.query.get("resourceName");
      const routesFilter = req.query.get("routes");
      const wanted = routesFilter
        ? routesFilter
            .split(",")
            .map((r) => r.trim())
            .filter((r) => r !== "")
        : null;
      const sort = req.query.get("sort");
      const ids = Object.values(slice(ctx).services)
        .filter((s) => resourceName === null || s.resourceName === resourceName)
        .filter((s) => wanted === null || wanted.includes(s.routeTemplate) || wanted.includes(s.route))
        .map((s) => s.serviceId)
        .sort((a, b) => a - b);
      return sort === "desc" ? ids.reverse() : ids;
    });
    routes.add("GET", "/services/{serviceId}", (req) =>
      expanded(ctx, getService(ctx, longParam(req.params, "serviceId"))),
    );
    routes.add("PUT", "/services/{serviceId}", (req) => {
      const record = getService(ctx, longParam(req.params, "serviceId"));
      const body = bodyObject(req.body);
      const displayName = optionalString(body, "displayName");
      const policy = body["terminationPolicy"];
      if (
        policy !== undefined &&
        policy !== null &&
        !TERMINATION_POLICIES.includes(policy as TerminationPolicy)
      ) {
        throw new OvhError(
          400,
          "Client::BadRequest",
          `[terminationPolicy] Invalid value: ${JSON.stringify(policy)} is not a valid services.expanded.terminationPolicyEnum`,
        );
      }
      const renew = body["renew"];
      let mode: string | undefined;
      let period: number | undefined;
      if (renew !== undefined && renew !== null) {
        if (!isRecord(renew)) throw badRequest("[renew] Invalid value: an object is expected");
        mode = optionalString(renew, "mode");
        if (mode !== undefined && mode !== "automatic" && mode !== "manual") {
          throw badRequest(`[renew.mode] Invalid value: ${JSON.stringify(mode)}`);
        }
        const p = optionalString(renew, "period");
        if (p !== undefined) {
          if (p !== "P1M" && p !== "P1Y") throw badRequest(`[renew.period] Unsupported renew period ${p}`);
          period = p === "P1Y" ? 12 : 1;
        }
      }
      if (displayName !== undefined) record.displayName = displayName;
      if (policy === "terminateAtExpirationDate") record.deleteAtExpiration = true;
      else if (policy === "empty") record.deleteAtExpiration = false;
      if (mode !== undefined) record.automatic = mode === "automatic";
      if (period !== undefined) record.period = period;
      return undefined;
    });
  },
};
