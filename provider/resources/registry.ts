import { tenantHandler } from "./tenant";
import { subscriptionHandler } from "./subscription";
import { domainAutoConfigHandler } from "./domainAutoConfig";
import type { ResourceHandler } from "./types";

/** Every resource type, by the name both adapters (dynamic and native) use for it. */
export const HANDLERS = {
  Office365ResellerTenant: tenantHandler,
  Subscription: subscriptionHandler,
  DomainAutoConfig: domainAutoConfigHandler,
} as const;

export type ResourceKind = keyof typeof HANDLERS;

export function handlerFor(kind: string): ResourceHandler<Record<string, unknown>, Record<string, unknown>> {
  const handler = (HANDLERS as Record<string, unknown>)[kind];
  if (!handler)
    throw new Error(`Unknown resource type "${kind}"; known: ${Object.keys(HANDLERS).join(", ")}`);
  return handler as ResourceHandler<Record<string, unknown>, Record<string, unknown>>;
}
