/**
 * `/saas/csp2`: Office 365 Reseller tenants, licence subscriptions and their asynchronous tasks, as in
 * schemas/saas-csp2-current.json (plus the two legacy operations of saas-csp2-legacy.json with --legacy).
 * Time-driven changes (task progress, tenant creation) are applied lazily by `settle`.
 */
import { reductionAllowedAt } from "./commitments";
import { randomUUID } from "node:crypto";
import { AreaModule, Routes, SandboxContext, badRequest, conflict, notFound } from "../core/contract";
import {
  DAY_MS,
  bodyObject,
  isRecord,
  isoDate,
  isoDateTime,
  longField,
  longParam,
  optionalString,
  own,
} from "../core/util";
import { checkSlice } from "../core/checks";
import { getService, registerService, serviceInfos, updateServiceInfos } from "./services";

// ---------------------------------------------------------------------------------------------- model

export type TenantStatus = "creating" | "inMaintenance" | "ok" | "reopening" | "suspended" | "suspending";
export type TaskStatus = "cancelled" | "doing" | "done" | "error" | "todo";
const TENANT_STATUSES: readonly TenantStatus[] = [
  "creating",
  "inMaintenance",
  "ok",
  "reopening",
  "suspended",
  "suspending",
];
const PERIODS = { lastWeek: 7, lastMonth: 30, lastQuarter: 90, lastYear: 365 } as const;
const SUPPORTED_SERVICES = ["Email", "Intune", "OfficeCommunicationsOnline"];

export interface Licence {
  id: number;
  name: string;
  licenceType: "NON-SPECIFIC" | "ADDON";
  limit: number | null;
  newSeatsAllowed: boolean;
  newSubscriptionsAllowed: boolean;
  /** Add-on licence ids that can be ordered on a subscription of this licence. */
  addons: number[];
}

export interface Tenant {
  serviceName: string;
  displayName: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address: string;
  city: string;
  zipCode: string;
  mpnId: string | null;
  mpnIssueFlag: string | null;
  status: TenantStatus;
  creationDate: number;
  /** When a `creating` tenant becomes `ok`. */
  readyAt: number | null;
  orderId: number;
  serviceId: number;
  iamId: string;
  customSubDomain: string | null;
}

export interface Subscription {
  id: number;
  serviceName: string;
  licenseId: number;
  quantity: number;
  status: string;
  creationDate: number;
  lastUpdate: number;
  taskPendingId: number;
  /** The base subscription of an add-on. */
  parentId: number | null;
}

export interface Task {
  id: number;
  serviceName: string;
  function: string;
  status: TaskStatus;
  todoDate: number;
  doingAt: number;
  doneAt: number;
  finishDate: number | null;
  subscriptionId: number | null;
  licenseId: number | null;
  quantity: number | null;
  /** Injected failure: the task ends in `error` without effect. */
  fail: boolean;
  /** Id of the subscription created by the task, once done. */
  createdSubscriptionId: number | null;
  domain?: string;
  supportedServices?: string[];
}

interface SeatEvent {
  serviceName: string;
  licenseId: number;
  at: number;
  total: number;
}

export interface DomainConfiguration {
  serviceName: string;
  taskId: number;
  domain: string;
  supportedServices: string[];
  requestedAt: number;
  doneAt: number | null;
}

interface FailRule {
  serviceName?: string;
  subscriptionId?: number;
  function?: string;
}

export interface Csp2Slice {
  licences: Licence[];
  tenants: Record<string, Tenant>;
  subscriptions: Record<string, Subscription>;
  tasks: Record<string, Task>;
  seats: SeatEvent[];
  domainConfigurations: DomainConfiguration[];
  failNext: FailRule[];
}

export function csp2Slice(ctx: SandboxContext): Csp2Slice {
  return ctx.store.state["csp2"] as Csp2Slice;
}

/** Called when a legacy `configureDomain` task completes (the DNS area may register a hook). */
export const configureDomainHooks: ((ctx: SandboxContext, configuration: DomainConfiguration) => void)[] = [];

// ----------------------------------------------------------------------------------------- lookups

function tenant(ctx: SandboxContext, serviceName: string): Tenant {
  const t = own(csp2Slice(ctx).tenants, serviceName);
  if (!t) throw notFound(`Tenant ${serviceName}`);
  return t;
}

function subscription(ctx: SandboxContext, serviceName: string, id: number): Subscription {
  const s = own(csp2Slice(ctx).subscriptions, String(id));
  if (!s || s.serviceName !== serviceName) throw notFound(`Subscription ${id}`);
  return s;
}

function licence(ctx: SandboxContext, id: number): Licence | undefined {
  return csp2Slice(ctx).licences.find((l) => l.id === id);
}

function subscriptionsOf(ctx: SandboxContext, serviceName: string): Subscription[] {
  return Object.values(csp2Slice(ctx).subscriptions)
    .filter((s) => s.serviceName === serviceName)
    .sort((a, b) => a.id - b.id);
}

function requireOk(t: Tenant): void {
  if (t.status !== "ok") {
    throw conflict(`Tenant ${t.serviceName} is not available for this operation (status: ${t.status})`);
  }
}

function requireIdle(s: Subscription): void {
  if (s.taskPendingId !== 0) {
    throw conflict(
      `Subscription ${s.id} already has a pending task (${s.taskPendingId}); wait for it to end`,
    );
  }
}

/** An optional body field of OVH type `long` (null and absent give undefined). */
function optionalLongField(body: Record<string, unknown>, name: string): number | undefined {
  return body[name] === undefined || body[name] === null ? undefined : longField(body, name);
}

function quantityOf(body: Record<string, unknown>): number {
  const quantity = longField(body, "quantity");
  if (quantity < 1)
    throw badRequest(`[quantity] Invalid value: ${quantity}; the quantity must be at least 1`);
  return quantity;
}

/** Seats of a licence in a tenant, counting creations still pending. */
function seatsInUse(ctx: SandboxContext, serviceName: string, licenseId: number): number {
  let total = 0;
  for (const s of subscriptionsOf(ctx, serviceName)) if (s.licenseId === licenseId) total += s.quantity;
  for (const task of Object.values(csp2Slice(ctx).tasks)) {
    if (
      task.serviceName === serviceName &&
      task.licenseId === licenseId &&
      (task.status === "todo" || task.status === "doing") &&
      (task.function === "createSubscription" || task.function === "orderAddon")
    ) {
      total += task.quantity ?? 0;
    }
  }
  return total;
}

function checkLimit(ctx: SandboxContext, serviceName: string, l: Licence, total: number): void {
  if (l.limit !== null && total > l.limit) {
    throw badRequest(
      `The quantity exceeds the limit of ${l.limit} licences for ${l.name} (id ${l.id}) on tenant ${serviceName} (requested total: ${total})`,
    );
  }
}

// ------------------------------------------------------------------------------------------- tasks

function createTask(
  ctx: SandboxContext,
  serviceName: string,
  fn: string,
  fields: {
    subscriptionId?: number;
    licenseId?: number;
    quantity?: number;
    domain?: string;
    supportedServices?: string[];
  },
): Task {
  const now = ctx.clock.now();
  const slice = csp2Slice(ctx);
  const ruleIndex = slice.failNext.findIndex(
    (r) =>
      (r.serviceName === undefined || r.serviceName === serviceName) &&
      (r.subscriptionId === undefined || r.subscriptionId === fields.subscriptionId) &&
      (r.function === undefined || r.function === fn),
  );
  if (ruleIndex >= 0) slice.failNext.splice(ruleIndex, 1);
  const delay = Math.max(0, ctx.options.taskDelayMs);
  const task: Task = {
    id: 5_000_000 + ctx.store.nextId("csp2.task"),
    serviceName,
    function: fn,
    status: "todo",
    todoDate: now,
    doingAt: now + Math.floor(delay / 2),
    doneAt: now + delay,
    finishDate: null,
    subscriptionId: fields.subscriptionId ?? null,
    licenseId: fields.licenseId ?? null,
    quantity: fields.quantity ?? null,
    fail: ruleIndex >= 0,
    createdSubscriptionId: null,
  };
  if (fields.domain !== undefined) task.domain = fields.domain;
  if (fields.supportedServices !== undefined) task.supportedServices = fields.supportedServices;
  slice.tasks[String(task.id)] = task;
  if (task.subscriptionId !== null) {
    const s = slice.subscriptions[String(task.subscriptionId)];
    if (s) s.taskPendingId = task.id;
  }
  return task;
}

function taskModel(task: Task): Record<string, unknown> {
  return {
    finishDate: task.finishDate === null ? null : isoDateTime(task.finishDate),
    function: task.function,
    id: task.id,
    status: task.status,
    todoDate: isoDateTime(task.todoDate),
  };
}

function recordSeats(ctx: SandboxContext, serviceName: string, licenseId: number, at: number): void {
  let total = 0;
  for (const s of subscriptionsOf(ctx, serviceName)) if (s.licenseId === licenseId) total += s.quantity;
  csp2Slice(ctx).seats.push({ serviceName, licenseId, at, total });
}

function newSubscription(
  ctx: SandboxContext,
  serviceName: string,
  licenseId: number,
  quantity: number,
  at: number,
  parentId: number | null,
  status = "active",
): Subscription {
  const s: Subscription = {
    id: 3_000_000 + ctx.store.nextId("csp2.subscription"),
    serviceName,
    licenseId,
    quantity,
    status,
    creationDate: at,
    lastUpdate: at,
    taskPendingId: 0,
    parentId,
  };
  csp2Slice(ctx).subscriptions[String(s.id)] = s;
  recordSeats(ctx, serviceName, licenseId, at);
  return s;
}

function removeSubscription(ctx: SandboxContext, s: Subscription, at: number): void {
  const slice = csp2Slice(ctx);
  for (const child of Object.values(slice.subscriptions)) {
    if (child.parentId === s.id) removeSubscription(ctx, child, at);
  }
  delete slice.subscriptions[String(s.id)];
  recordSeats(ctx, s.serviceName, s.licenseId, at);
}

/** A decrease or cancellation deferred to the renewal (commitments, `outside: "defer"`) stays `todo` until then. */
function deferTask(task: Task, until: number | undefined): Task {
  if (until === undefined) return task;
  task.doingAt = until;
  task.doneAt = until;
  return task;
}

/** Applies a finished task's effect; returns false when it cannot be applied (the task then errs). */
function applyTask(ctx: SandboxContext, task: Task): boolean {
  const slice = csp2Slice(ctx);
  const at = task.doneAt;
  const target = task.subscriptionId === null ? undefined : slice.subscriptions[String(task.subscriptionId)];
  switch (task.function) {
    case "createSubscription":
      task.createdSubscriptionId = newSubscription(
        ctx,
        task.serviceName,
        task.licenseId ?? 0,
        task.quantity ?? 1,
        at,
        null,
      ).id;
      return true;
    case "orderAddon":
      if (!target) return false;
      task.createdSubscriptionId = newSubscription(
        ctx,
        task.serviceName,
        task.licenseId ?? 0,
        task.quantity ?? 1,
        at,
        target.id,
      ).id;
      return true;
    case "changeQuantity":
      if (!target) return false;
      target.quantity = task.quantity ?? target.quantity;
      target.lastUpdate = at;
      recordSeats(ctx, target.serviceName, target.licenseId, at);
      return true;
    case "deleteSubscription":
      if (!target) return false;
      removeSubscription(ctx, target, at);
      return true;
    case "configureDomain": {
      const configuration = slice.domainConfigurations.find((c) => c.taskId === task.id);
      if (configuration) {
        configuration.doneAt = at;
        for (const hook of configureDomainHooks) hook(ctx, configuration);
      }
      return true;
    }
    default:
      return true;
  }
}

function settleTasks(ctx: SandboxContext): void {
  const now = ctx.clock.now();
  const slice = csp2Slice(ctx);
  const open = Object.values(slice.tasks)
    .filter((t) => t.status === "todo" || t.status === "doing")
    .sort((a, b) => a.id - b.id);
  for (const task of open) {
    if (now >= task.doneAt) {
      let ok = !task.fail;
      if (ok) {
        try {
          ok = applyTask(ctx, task);
        } catch {
          ok = false;
        }
      }
      task.status = ok ? "done" : "error";
      task.finishDate = task.doneAt;
      if (task.subscriptionId !== null) {
        const s = slice.subscriptions[String(task.subscriptionId)];
        if (s && s.taskPendingId === task.id) s.taskPendingId = 0;
      }
    } else if (now >= task.doingAt && task.status === "todo") {
      task.status = "doing";
    }
  }
}

// ------------------------------------------------------------------------------------- provisioning

/** Creates a tenant (status `creating`, `ok` after `orderDelayMs`), registers its service, returns its name. */
export function provisionTenant(
  ctx: SandboxContext,
  input: {
    orderId: number;
    displayName: string;
    mpnId: string;
    firstName: string;
    lastName: string;
    email: string;
    phone?: string;
    address?: string;
    city?: string;
    zipCode?: string;
    customSubDomain?: string;
  },
): string {
  const now = ctx.clock.now();
  const serviceName = `csp2-${100_000 + ctx.store.nextId("csp2.tenant")}`;
  const serviceId = registerService(ctx, {
    resourceName: serviceName,
    route: `/saas/csp2/${serviceName}`,
    displayName: input.displayName,
    createdAt: now,
  });
  const delay = Math.max(0, ctx.options.orderDelayMs);
  if (delay > 0) getService(ctx, serviceId).status = "inCreation";
  csp2Slice(ctx).tenants[serviceName] = {
    serviceName,
    displayName: input.displayName,
    firstName: input.firstName,
    lastName: input.lastName,
    email: input.email,
    phone: input.phone ?? "",
    address: input.address ?? "",
    city: input.city ?? "",
    zipCode: input.zipCode ?? "",
    mpnId: input.mpnId === "" ? null : input.mpnId,
    mpnIssueFlag: mpnIssue(input.mpnId),
    status: delay > 0 ? "creating" : "ok",
    creationDate: now,
    readyAt: delay > 0 ? now + delay : null,
    orderId: input.orderId,
    serviceId,
    iamId: randomUUID(),
    customSubDomain: input.customSubDomain ?? null,
  };
  return serviceName;
}

function mpnIssue(mpnId: string | null | undefined): string | null {
  if (mpnId === null || mpnId === undefined || mpnId === "") return "MPN_ID_MISSING";
  return /^\d{6,10}$/.test(mpnId) ? null : "MPN_ID_INVALID";
}

function settleTenants(ctx: SandboxContext): void {
  const now = ctx.clock.now();
  for (const t of Object.values(csp2Slice(ctx).tenants)) {
    if (t.status === "creating" && t.readyAt !== null && now >= t.readyAt) {
      t.status = "ok";
      t.readyAt = null;
      try {
        getService(ctx, t.serviceId).status = "ok";
      } catch {
        // service removed out of band: nothing to update
      }
    }
  }
}

// -------------------------------------------------------------------------------------- statistics

function seatEvents(ctx: SandboxContext, serviceName: string): Map<number, SeatEvent[]> {
  const byLicence = new Map<number, SeatEvent[]>();
  for (const e of csp2Slice(ctx).seats) {
    if (e.serviceName !== serviceName) continue;
    const list = byLicence.get(e.licenseId) ?? [];
    list.push(e);
    byLicence.set(e.licenseId, list);
  }
  for (const list of byLicence.values()) list.sort((a, b) => a.at - b.at);
  return byLicence;
}

function quantityAt(events: SeatEvent[], t: number): number {
  let q = 0;
  for (const e of events) {
    if (e.at > t) break;
    q = e.total;
  }
  return q;
}

function peakBetween(events: SeatEvent[], from: number, to: number): number {
  let peak = quantityAt(events, from);
  for (const e of events) if (e.at > from && e.at <= to) peak = Math.max(peak, e.total);
  return peak;
}

function licenceName(ctx: SandboxContext, id: number): string {
  return licence(ctx, id)?.name ?? `Licence ${id}`;
}

function usageStatistics(ctx: SandboxContext, serviceName: string, days: number): unknown[] {
  const now = ctx.clock.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const events = seatEvents(ctx, serviceName);
  const result: unknown[] = [];
  for (let i = days - 1; i >= 0; i -= 1) {
    const start = today - i * DAY_MS;
    const end = Math.min(start + DAY_MS - 1, now);
    const lines = [...events.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([licenceId, list]) => ({
        endOfDayCount: quantityAt(list, end),
        licenceId,
        licenceName: licenceName(ctx, licenceId),
        peakCount: peakBetween(list, start, end),
      }))
      .filter((line) => line.peakCount > 0);
    result.push({ date: isoDate(start), lines });
  }
  return result;
}

function billingPeriodPeaks(ctx: SandboxContext, serviceName: string): unknown {
  const now = ctx.clock.now();
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0);
  const lines = [...seatEvents(ctx, serviceName).entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([licenceId, list]) => ({
      licenceId,
      licenceName: licenceName(ctx, licenceId),
      peakCount: peakBetween(list, start, now),
    }))
    .filter((line) => line.peakCount > 0);
  return { endDate: isoDate(end), lines, startDate: isoDate(start) };
}

// ---------------------------------------------------------------------------------------- models

function tenantModel(t: Tenant): Record<string, unknown> {
  return {
    address: t.address,
    city: t.city,
    creationDate: isoDateTime(t.creationDate),
    displayName: t.displayName,
    email: t.email,
    firstName: t.firstName,
    iam: {
      displayName: t.displayName,
      id: t.iamId,
      tags: {},
      urn: `urn:v1:eu:resource:cspReseller:${t.serviceName}`,
    },
    lastName: t.lastName,
    mpnId: t.mpnId,
    mpnIssueFlag: t.mpnIssueFlag,
    phone: t.phone,
    serviceName: t.serviceName,
    status: t.status,
    zipCode: t.zipCode,
  };
}

function subscriptionModel(s: Subscription): Record<string, unknown> {
  return {
    creationDate: isoDateTime(s.creationDate),
    id: s.id,
    lastUpdate: isoDateTime(s.lastUpdate),
    licenseId: s.licenseId,
    quantity: s.quantity,
    status: s.status,
    taskPendingId: s.taskPendingId,
  };
}

function licenceModel(l: Licence): Record<string, unknown> {
  return {
    id: l.id,
    licenceType: l.licenceType,
    limit: l.limit,
    name: l.name,
    newSeatsAllowed: l.newSeatsAllowed,
    newSubscriptionsAllowed: l.newSubscriptionsAllowed,
  };
}

const TENANT_STRING_FIELDS = [
  "address",
  "city",
  "displayName",
  "email",
  "firstName",
  "lastName",
  "zipCode",
] as const;

/** Applies the writable `OfficeTenant` fields of a body (read-only fields are ignored, as OVH does). */
function applyTenantEdit(t: Tenant, body: Record<string, unknown>): void {
  const edits: Partial<Record<(typeof TENANT_STRING_FIELDS)[number] | "phone", string>> = {};
  for (const field of TENANT_STRING_FIELDS) {
    const value = optionalString(body, field);
    if (value !== undefined) edits[field] = value;
  }
  if (edits.displayName !== undefined && edits.displayName.trim() === "") {
    throw badRequest("[displayName] Invalid value: the display name cannot be empty");
  }
  if (edits.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(edits.email)) {
    throw badRequest(`[email] Invalid value: ${JSON.stringify(edits.email)} is not a valid email address`);
  }
  const phone = optionalString(body, "phone");
  if (phone !== undefined) {
    if (phone !== "" && !/^\+?[0-9][0-9 .()-]{3,}$/.test(phone)) {
      throw badRequest(`[phone] Invalid value: ${JSON.stringify(phone)} is not a valid phoneNumber`);
    }
    edits.phone = phone;
  }
  let mpnChange: { value: string | null } | undefined;
  if ("mpnId" in body) {
    const mpn = body["mpnId"];
    if (mpn !== null && typeof mpn !== "string")
      throw badRequest("[mpnId] Invalid value: a string is expected");
    mpnChange = { value: mpn === "" ? null : mpn };
  }
  Object.assign(t, edits);
  if (mpnChange) {
    t.mpnId = mpnChange.value;
    t.mpnIssueFlag = mpnIssue(mpnChange.value);
  }
}

// ------------------------------------------------------------------------------------------- seed

const L = {
  businessBasic: 1001,
  businessStandard: 1002,
  businessPremium: 1003,
  appsForBusiness: 1004,
  appsForEnterprise: 1005,
  o365E1: 1006,
  o365E3: 1007,
  m365E3: 1008,
  m365E5: 1009,
  m365F3: 1010,
  exchangePlan1: 1011,
  exchangePlan2: 1012,
  o365A1Students: 1013,
  o365A1Faculty: 1014,
  m365A3Students: 1015,
  m365A3Faculty: 1016,
  o365E1Legacy: 1017,
  teamsEssentials: 1018,
  exchangeArchiving: 2001,
  defenderP1: 2002,
  teamsPhone: 2003,
  audioConferencing: 2004,
  intuneP1: 2005,
} as const;

function catalogue(): Licence[] {
  const base = (
    id: number,
    name: string,
    limit: number | null,
    addons: number[],
    flags: Partial<Pick<Licence, "newSeatsAllowed" | "newSubscriptionsAllowed">> = {},
  ): Licence => ({
    id,
    name,
    licenceType: "NON-SPECIFIC",
    limit,
    newSeatsAllowed: flags.newSeatsAllowed ?? true,
    newSubscriptionsAllowed: flags.newSubscriptionsAllowed ?? true,
    addons,
  });
  const addon = (id: number, name: string, limit: number | null): Licence => ({
    id,
    name,
    licenceType: "ADDON",
    limit,
    newSeatsAllowed: true,
    newSubscriptionsAllowed: true,
    addons: [],
  });
  const office = [L.exchangeArchiving, L.defenderP1, L.teamsPhone, L.audioConferencing];
  return [
    base(L.businessBasic, "Microsoft 365 Business Basic", 300, office),
    base(L.businessStandard, "Microsoft 365 Business Standard", 300, office),
    base(L.businessPremium, "Microsoft 365 Business Premium", 300, [L.teamsPhone, L.audioConferencing]),
    base(L.appsForBusiness, "Microsoft 365 Apps for business", 300, []),
    base(L.appsForEnterprise, "Microsoft 365 Apps for enterprise", null, []),
    base(L.o365E1, "Office 365 E1", null, office),
    base(L.o365E3, "Office 365 E3", null, [L.defenderP1, L.teamsPhone, L.audioConferencing]),
    base(L.m365E3, "Microsoft 365 E3", null, [L.defenderP1, L.teamsPhone, L.audioConferencing]),
    base(L.m365E5, "Microsoft 365 E5", null, []),
    base(L.m365F3, "Microsoft 365 F3", null, [L.defenderP1, L.intuneP1]),
    base(L.exchangePlan1, "Exchange Online (Plan 1)", null, [L.exchangeArchiving, L.defenderP1]),
    base(L.exchangePlan2, "Exchange Online (Plan 2)", null, [L.defenderP1]),
    base(L.o365A1Students, "Office 365 A1 for students", null, []),
    base(L.o365A1Faculty, "Office 365 A1 for faculty", null, []),
    base(L.m365A3Students, "Microsoft 365 A3 for students", null, [L.teamsPhone]),
    base(L.m365A3Faculty, "Microsoft 365 A3 for faculty", null, [L.teamsPhone, L.audioConferencing]),
    base(L.o365E1Legacy, "Office 365 E1 (legacy offer)", null, office, { newSubscriptionsAllowed: false }),
    base(L.teamsEssentials, "Microsoft Teams Essentials (fixed seats)", 300, [], { newSeatsAllowed: false }),
    addon(L.exchangeArchiving, "Exchange Online Archiving for Exchange Online", null),
    addon(L.defenderP1, "Microsoft Defender for Office 365 (Plan 1)", null),
    addon(L.teamsPhone, "Microsoft Teams Phone Standard", null),
    addon(L.audioConferencing, "Microsoft Teams Audio Conferencing with dial-out to USA/CAN", null),
    addon(L.intuneP1, "Microsoft Intune Plan 1", null),
  ];
}

/** Licence ids of the default catalogue, for tests and docs. */
export const DEFAULT_LICENCE_IDS = L;

function seed(ctx: SandboxContext): void {
  const slice = csp2Slice(ctx);
  slice.licences = catalogue();
  const now = ctx.clock.now();
  const created = now - 120 * DAY_MS;
  const add = (
    sn: string,
    input: Omit<Tenant, "serviceName" | "status" | "creationDate" | "readyAt" | "serviceId" | "iamId">,
  ): void => {
    const serviceId = registerService(ctx, {
      resourceName: sn,
      route: `/saas/csp2/${sn}`,
      displayName: input.displayName,
      createdAt: created,
    });
    slice.tenants[sn] = {
      ...input,
      serviceName: sn,
      status: "ok",
      creationDate: created,
      readyAt: null,
      serviceId,
      iamId: randomUUID(),
    };
  };
  const contoso = `csp2-${100_000 + ctx.store.nextId("csp2.tenant")}`;
  add(contoso, {
    displayName: "Contoso Ltd",
    firstName: "Megan",
    lastName: "Bowen",
    email: "it-admin@contoso.example",
    phone: "+33.123456789",
    address: "2 rue Kellermann",
    city: "Roubaix",
    zipCode: "59100",
    mpnId: "6543210",
    mpnIssueFlag: null,
    orderId: 0,
    customSubDomain: "contosoltd",
  });
  const fabrikam = `csp2-${100_000 + ctx.store.nextId("csp2.tenant")}`;
  add(fabrikam, {
    displayName: "Fabrikam School",
    firstName: "Alex",
    lastName: "Wilber",
    email: "admin@fabrikam-school.example",
    phone: "+33.320000000",
    address: "12 avenue de la Liberté",
    city: "Lille",
    zipCode: "59000",
    mpnId: "6543210",
    mpnIssueFlag: null,
    orderId: 0,
    customSubDomain: null,
  });
  const standard = newSubscription(ctx, contoso, L.businessStandard, 25, created + DAY_MS, null);
  newSubscription(ctx, contoso, L.exchangeArchiving, 5, created + 2 * DAY_MS, standard.id);
  newSubscription(ctx, contoso, L.businessPremium, 10, created + 3 * DAY_MS, null);
  newSubscription(ctx, contoso, L.o365E1Legacy, 8, created + 3 * DAY_MS, null);
  newSubscription(ctx, contoso, L.teamsEssentials, 5, created + 4 * DAY_MS, null);
  // A seat change some weeks ago so that statistics show history.
  standard.quantity = 30;
  standard.lastUpdate = now - 20 * DAY_MS;
  recordSeats(ctx, contoso, L.businessStandard, standard.lastUpdate);
  newSubscription(ctx, fabrikam, L.o365A1Students, 250, created + DAY_MS, null);
  newSubscription(ctx, fabrikam, L.m365A3Faculty, 20, created + DAY_MS, null);
}

// ---------------------------------------------------------------------------------------- routes

function register(routes: Routes, ctx: SandboxContext): void {
  const base = "/saas/csp2/{serviceName}";
  const sn = (params: Readonly<Record<string, string>>): string => params["serviceName"] ?? "";

  routes.add("GET", "/saas/csp2", () => Object.keys(csp2Slice(ctx).tenants).sort());
  routes.add("GET", base, (req) => tenantModel(tenant(ctx, sn(req.params))));
  routes.add("PUT", base, (req) => {
    const t = tenant(ctx, sn(req.params));
    applyTenantEdit(t, bodyObject(req.body));
    return undefined;
  });
  routes.add("GET", `${base}/billingPeriodPeaks`, (req) => {
    tenant(ctx, sn(req.params));
    return billingPeriodPeaks(ctx, sn(req.params));
  });
  routes.add("GET", `${base}/orderableLicenses`, (req) => {
    tenant(ctx, sn(req.params));
    return csp2Slice(ctx).licences.map((l) => l.id);
  });
  routes.add("GET", `${base}/orderableLicenses/{id}`, (req) => {
    tenant(ctx, sn(req.params));
    const id = longParam(req.params, "id");
    const l = licence(ctx, id);
    if (!l) throw notFound(`Licence ${id}`);
    return licenceModel(l);
  });
  routes.add("GET", `${base}/serviceInfos`, (req) =>
    serviceInfos(ctx, tenant(ctx, sn(req.params)).serviceId),
  );
  routes.add("PUT", `${base}/serviceInfos`, (req) => {
    updateServiceInfos(ctx, tenant(ctx, sn(req.params)).serviceId, req.body);
    return undefined;
  });
  routes.add("GET", `${base}/subscription`, (req) => {
    tenant(ctx, sn(req.params));
    return subscriptionsOf(ctx, sn(req.params)).map((s) => s.id);
  });
  routes.add("POST", `${base}/subscription`, (req) => {
    const t = tenant(ctx, sn(req.params));
    const body = bodyObject(req.body);
    const licenseId = longField(body, "licenseId");
    const quantity = quantityOf(body);
    requireOk(t);
    const l = licence(ctx, licenseId);
    if (!l) throw badRequest(`[licenseId] Licence ${licenseId} is not orderable on tenant ${t.serviceName}`);
    if (l.licenceType === "ADDON") {
      throw badRequest(
        `Licence ${l.name} (id ${l.id}) is an add-on: order it with subscription/{id}/orderAddon`,
      );
    }
    if (!l.newSubscriptionsAllowed) {
      throw badRequest(`New subscriptions are not allowed for licence ${l.name} (id ${l.id})`);
    }
    checkLimit(ctx, t.serviceName, l, seatsInUse(ctx, t.serviceName, l.id) + quantity);
    return taskModel(createTask(ctx, t.serviceName, "createSubscription", { licenseId, quantity }));
  });
  routes.add("GET", `${base}/subscription/{id}`, (req) =>
    subscriptionModel(subscription(ctx, sn(req.params), longParam(req.params, "id"))),
  );
  routes.add("DELETE", `${base}/subscription/{id}`, (req) => {
    const t = tenant(ctx, sn(req.params));
    const s = subscription(ctx, t.serviceName, longParam(req.params, "id"));
    requireOk(t);
    requireIdle(s);
    const deferredTo = reductionAllowedAt(ctx, s, "cancellation");
    return taskModel(
      deferTask(
        createTask(ctx, t.serviceName, "deleteSubscription", {
          subscriptionId: s.id,
          licenseId: s.licenseId,
        }),
        deferredTo,
      ),
    );
  });
  routes.add("GET", `${base}/subscription/{id}/addonsSubscriptionIds`, (req) => {
    const s = subscription(ctx, sn(req.params), longParam(req.params, "id"));
    return subscriptionsOf(ctx, s.serviceName)
      .filter((child) => child.parentId === s.id)
      .map((child) => child.id);
  });
  routes.add("GET", `${base}/subscription/{id}/availableAddonLicenses`, (req) => {
    const s = subscription(ctx, sn(req.params), longParam(req.params, "id"));
    return [...(licence(ctx, s.licenseId)?.addons ?? [])];
  });
  routes.add("POST", `${base}/subscription/{id}/changeQuantity`, (req) => {
    const t = tenant(ctx, sn(req.params));
    const s = subscription(ctx, t.serviceName, longParam(req.params, "id"));
    const quantity = quantityOf(bodyObject(req.body));
    requireOk(t);
    requireIdle(s);
    const l = licence(ctx, s.licenseId);
    if (l && quantity > s.quantity) {
      if (!l.newSeatsAllowed) {
        throw badRequest(
          `New seats are not allowed for licence ${l.name} (id ${l.id}); the quantity can only decrease`,
        );
      }
      checkLimit(ctx, t.serviceName, l, seatsInUse(ctx, t.serviceName, l.id) - s.quantity + quantity);
    }
    const deferredTo = quantity < s.quantity ? reductionAllowedAt(ctx, s, "decrease") : undefined;
    return taskModel(
      deferTask(
        createTask(ctx, t.serviceName, "changeQuantity", {
          subscriptionId: s.id,
          licenseId: s.licenseId,
          quantity,
        }),
        deferredTo,
      ),
    );
  });
  routes.add("POST", `${base}/subscription/{id}/orderAddon`, (req) => {
    const t = tenant(ctx, sn(req.params));
    const s = subscription(ctx, t.serviceName, longParam(req.params, "id"));
    const body = bodyObject(req.body);
    const licenseId = longField(body, "licenseId");
    const quantity = quantityOf(body);
    requireOk(t);
    requireIdle(s);
    const parent = licence(ctx, s.licenseId);
    const l = licence(ctx, licenseId);
    if (!l || !parent || !parent.addons.includes(licenseId)) {
      throw badRequest(
        `[licenseId] Licence ${licenseId} is not an available add-on of subscription ${s.id} (see availableAddonLicenses)`,
      );
    }
    if (!l.newSubscriptionsAllowed) {
      throw badRequest(`New subscriptions are not allowed for licence ${l.name} (id ${l.id})`);
    }
    checkLimit(ctx, t.serviceName, l, seatsInUse(ctx, t.serviceName, l.id) + quantity);
    return taskModel(
      createTask(ctx, t.serviceName, "orderAddon", { subscriptionId: s.id, licenseId, quantity }),
    );
  });
  routes.add("GET", `${base}/task`, (req) => {
    tenant(ctx, sn(req.params));
    return Object.values(csp2Slice(ctx).tasks)
      .filter(
        (task) => task.serviceName === sn(req.params) && (task.status === "todo" || task.status === "doing"),
      )
      .map((task) => task.id)
      .sort((a, b) => a - b);
  });
  routes.add("GET", `${base}/task/{id}`, (req) => {
    tenant(ctx, sn(req.params));
    const id = longParam(req.params, "id");
    const task = own(csp2Slice(ctx).tasks, String(id));
    if (!task || task.serviceName !== sn(req.params)) throw notFound(`Task ${id}`);
    return taskModel(task);
  });
  routes.add("GET", `${base}/usageStatistics`, (req) => {
    tenant(ctx, sn(req.params));
    const period = req.query.get("timePeriod");
    if (period === null) throw badRequest("[timePeriod] Property is mandatory");
    if (own(PERIODS, period) === undefined) {
      throw badRequest(
        `[timePeriod] Invalid value: ${JSON.stringify(period)} is not a valid msServices.LicensePeriodEnum`,
      );
    }
    return usageStatistics(ctx, sn(req.params), PERIODS[period as keyof typeof PERIODS]);
  });

  // Legacy operations (saas-csp2-legacy.json), only with --legacy.
  routes.add(
    "POST",
    `${base}/configureDomain`,
    (req) => {
      const t = tenant(ctx, sn(req.params));
      const body = bodyObject(req.body);
      const domain = optionalString(body, "domain");
      if (domain === undefined || domain.trim() === "") throw badRequest("[domain] Property is mandatory");
      const services = body["supportedServices"];
      if (!Array.isArray(services) || services.length === 0) {
        throw badRequest("[supportedServices] Property is mandatory");
      }
      for (const s of services) {
        if (typeof s !== "string" || !SUPPORTED_SERVICES.includes(s)) {
          throw badRequest(
            `[supportedServices] Invalid value: ${JSON.stringify(s)} is not a valid saas.csp2.SupportedServiceEnum`,
          );
        }
      }
      requireOk(t);
      const task = createTask(ctx, t.serviceName, "configureDomain", {
        domain,
        supportedServices: services as string[],
      });
      csp2Slice(ctx).domainConfigurations.push({
        serviceName: t.serviceName,
        taskId: task.id,
        domain,
        supportedServices: services as string[],
        requestedAt: task.todoDate,
        doneAt: null,
      });
      return taskModel(task);
    },
    { legacyOnly: true },
  );
  routes.add(
    "POST",
    `${base}/changeAdministratorPassword`,
    (req) => {
      const t = tenant(ctx, sn(req.params));
      const password = optionalString(bodyObject(req.body), "newPassword");
      if (password === undefined) throw badRequest("[newPassword] Property is mandatory");
      if (password.length < 8 || password.length > 256) {
        throw badRequest("[newPassword] The password must be between 8 and 256 characters long");
      }
      requireOk(t);
      // The password itself is never stored.
      return taskModel(createTask(ctx, t.serviceName, "changeAdministratorPassword", {}));
    },
    { legacyOnly: true },
  );
}

// ------------------------------------------------------------------------------ out-of-band control

function registerControl(routes: Routes, ctx: SandboxContext): void {
  const sn = (params: Readonly<Record<string, string>>): string => params["serviceName"] ?? "";

  routes.add("POST", "/csp2/tenants", (req) => {
    const body = bodyObject(req.body);
    const str = (name: string, fallback: string): string => optionalString(body, name) ?? fallback;
    const serviceName = provisionTenant(ctx, {
      orderId: optionalLongField(body, "orderId") ?? 0,
      displayName: str("displayName", "Sandbox tenant"),
      mpnId: str("mpnId", "6543210"),
      firstName: str("firstName", "Sandbox"),
      lastName: str("lastName", "Admin"),
      email: str("email", "admin@tenant.example"),
      phone: str("phone", ""),
      address: str("address", ""),
      city: str("city", ""),
      zipCode: str("zipCode", ""),
      customSubDomain: str("customSubDomain", ""),
    });
    return tenantModel(tenant(ctx, serviceName));
  });
  routes.add("PUT", "/csp2/tenants/{serviceName}", (req) => {
    const t = tenant(ctx, sn(req.params));
    const body = bodyObject(req.body);
    applyTenantEdit(t, body);
    const status = body["status"];
    if (status !== undefined) {
      if (!TENANT_STATUSES.includes(status as TenantStatus))
        throw badRequest(`Unknown tenant status ${String(status)}`);
      t.status = status as TenantStatus;
      if (t.status !== "creating") t.readyAt = null;
    }
    if ("mpnIssueFlag" in body) {
      const flag = body["mpnIssueFlag"];
      t.mpnIssueFlag = typeof flag === "string" ? flag : null;
    }
    return tenantModel(t);
  });
  routes.add("POST", "/csp2/tenants/{serviceName}/subscriptions", (req) => {
    const t = tenant(ctx, sn(req.params));
    const body = bodyObject(req.body);
    const licenseId = longField(body, "licenseId");
    const quantity = longField(body, "quantity");
    if (!licence(ctx, licenseId)) throw badRequest(`Unknown licence ${licenseId}`);
    const parentId = optionalLongField(body, "parentId") ?? null;
    if (parentId !== null) subscription(ctx, t.serviceName, parentId);
    const status = optionalString(body, "status") ?? "active";
    return subscriptionModel(
      newSubscription(ctx, t.serviceName, licenseId, quantity, ctx.clock.now(), parentId, status),
    );
  });
  routes.add("PUT", "/csp2/tenants/{serviceName}/subscriptions/{id}", (req) => {
    const s = subscription(ctx, sn(req.params), longParam(req.params, "id"));
    const body = bodyObject(req.body);
    const now = ctx.clock.now();
    if (body["quantity"] !== undefined) {
      s.quantity = longField(body, "quantity");
      recordSeats(ctx, s.serviceName, s.licenseId, now);
    }
    const status = optionalString(body, "status");
    if (status !== undefined) s.status = status;
    s.lastUpdate = now;
    return subscriptionModel(s);
  });
  routes.add("DELETE", "/csp2/tenants/{serviceName}/subscriptions/{id}", (req) => {
    removeSubscription(ctx, subscription(ctx, sn(req.params), longParam(req.params, "id")), ctx.clock.now());
    return undefined;
  });
  routes.add("PUT", "/csp2/licences/{id}", (req) => {
    const id = longParam(req.params, "id");
    const l = licence(ctx, id);
    if (!l) throw notFound(`Licence ${id}`);
    const body = bodyObject(req.body);
    for (const flag of ["newSeatsAllowed", "newSubscriptionsAllowed"] as const) {
      if (typeof body[flag] === "boolean") l[flag] = body[flag];
    }
    if (body["limit"] === null) l.limit = null;
    else if (body["limit"] !== undefined) {
      const limit = longField(body, "limit");
      if (limit < 0) throw badRequest("[limit] Invalid value: a non-negative long is expected");
      l.limit = limit;
    }
    return licenceModel(l);
  });
  routes.add("POST", "/csp2/tasks/fail-next", (req) => {
    const body = req.body === undefined ? {} : bodyObject(req.body);
    const rule: FailRule = {};
    const serviceName = optionalString(body, "serviceName");
    const fn = optionalString(body, "function");
    if (serviceName !== undefined) rule.serviceName = serviceName;
    if (fn !== undefined) rule.function = fn;
    const subscriptionId = optionalLongField(body, "subscriptionId");
    if (subscriptionId !== undefined) rule.subscriptionId = subscriptionId;
    csp2Slice(ctx).failNext.push(rule);
    return { queued: csp2Slice(ctx).failNext.length };
  });
  routes.add("GET", "/csp2/domain-configurations", () => csp2Slice(ctx).domainConfigurations);
}

export const csp2Area: AreaModule = {
  name: "csp2",
  check: (s) =>
    checkSlice("csp2", s, {
      licences: "array of objects",
      tenants: "record of objects",
      subscriptions: "record of objects",
      tasks: "record of objects",
      seats: "array of objects",
      domainConfigurations: "array of objects",
      failNext: "array of objects",
    }),
  init(ctx) {
    const current = ctx.store.state["csp2"];
    const slice: Partial<Csp2Slice> = isRecord(current) ? (current as Partial<Csp2Slice>) : {};
    slice.licences ??= catalogue();
    slice.tenants ??= {};
    slice.subscriptions ??= {};
    slice.tasks ??= {};
    slice.seats ??= [];
    slice.domainConfigurations ??= [];
    slice.failNext ??= [];
    ctx.store.state["csp2"] = slice;
  },
  seedDefault: seed,
  register,
  registerControl,
  settle(ctx) {
    settleTenants(ctx);
    settleTasks(ctx);
  },
};
