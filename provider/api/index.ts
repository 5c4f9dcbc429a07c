/**
 * Typed OVH API calls, one namespace per OVH area. Each function takes an `OvhRequester` first,
 * sends one schema operation and parses the answer with a zod model.
 */
export * as auth from "./auth";
export * as csp2 from "./csp2";
export * as dnsZone from "./dnsZone";
export * as domain from "./domain";
export * as order from "./order";
export * as price from "./price";
export * as services from "./services";
export { OvhResponseShapeError, type ShapeIssue } from "./parse";
export type { OpenEnum, IamTagFilter, IamTagFilters } from "./common";
