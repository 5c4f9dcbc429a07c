/**
 * What the operations share around their OVH calls: reading a subscription as it is now, waiting for a task
 * already pending on it, refusing before a mutating call, and the hint after OVH refused one.
 */
import * as csp2 from "../../api/csp2";
import type { OfficeSubscription } from "../../api/csp2";
import { OvhApiError, isGoneAtOvh, isConflictAtOvh } from "../../ovh/errors";
import { inContext } from "../errors";
import { TaskFailedError, waitForTask } from "../tasks";
import type { CheckFailure, ResourceContext } from "../types";
import { describeSubscription } from "./outputs";

/** 1 GET; undefined when the subscription is gone at OVH. */
export async function readLive(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
): Promise<OfficeSubscription | undefined> {
  try {
    return await csp2.getSubscription(ctx.ovh, tenant, subscriptionId);
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined;
    throw inContext(`Reading ${describeSubscription(tenant, subscriptionId)}`, error);
  }
}

/** Waits for a task already pending on a subscription (started elsewhere, or a previous run). */
export async function followPending(
  ctx: ResourceContext,
  tenant: string,
  taskId: number,
  label: string,
): Promise<void> {
  try {
    await waitForTask(ctx, tenant, await csp2.getTask(ctx.ovh, tenant, taskId));
  } catch (error) {
    if (isGoneAtOvh(error)) return;
    if (error instanceof TaskFailedError) return; // it ended; the live state says what it left
    throw inContext(`Waiting for task ${taskId} already pending on ${label}`, error);
  }
}

/** What to do after OVH refused a mutating call, when OVH's answer says it. */
export function refusalHint(error: unknown): string | undefined {
  if (isConflictAtOvh(error))
    return "OVH refused because something is in progress (a pending task on the tenant or the parent subscription): wait for it to end, then run `pulumi up` again.";
  if (error instanceof OvhApiError && error.isInvalidRequest)
    return "Fix the declaration as OVH's message says (licence, quantity, limit), then run `pulumi up` again.";
  return undefined;
}

function failuresText(failures: readonly CheckFailure[]): string {
  return failures.map((failure) => `  - ${failure.property}: ${failure.reason}`).join("\n");
}

/** Throws when a live rule fails right before a mutating call (check may have been skipped in preview). */
export function refuseOn(failures: readonly CheckFailure[], what: string): void {
  if (failures.length === 0) return;
  throw new Error(
    `${what}: refused before calling OVH, nothing was ordered or changed:\n${failuresText(failures)}`,
  );
}
