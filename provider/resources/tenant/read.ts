/**
 * `read` of a tenant (refresh, import): the live tenant and its billing settings. The resulting inputs mirror the
 * live display name, contact and MPN ID so portal edits show as drift, and an import by service name yields
 * inputs that adopt (never order). A pending order is left untouched: only `pulumi up` may resolve it.
 */
import type { ReadResult, ResourceContext } from "../types";
import { serviceNameOf, type TenantInputs, type TenantOutputs } from "./inputs";
import { readLive } from "./live";
import { buildOutputs, completeOutputs, echoFrom, inputsFromOutputs } from "./outputs";

export async function readTenant(
  id: string,
  olds: Partial<TenantOutputs> | undefined,
  ctx: ResourceContext,
): Promise<ReadResult<TenantInputs, TenantOutputs>> {
  const prior: Partial<TenantOutputs> = olds ?? {};
  const serviceName = serviceNameOf(id, prior);
  if (serviceName === undefined) {
    // A pending order: only `pulumi up` may resolve it; refresh must keep the marker.
    const props = completeOutputs(prior);
    return { id, props, inputs: inputsFromOutputs(props) };
  }
  const live = await readLive(ctx, serviceName);
  if (!live) return { id: undefined };
  const echo = echoFrom(prior, serviceName, olds === undefined);
  const props = buildOutputs(live.tenant, live.infos, echo, prior);
  return { id, props, inputs: inputsFromOutputs(props) };
}
