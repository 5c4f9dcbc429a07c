import * as csp2 from "../api/csp2";
import type { OfficeTask } from "../api/csp2";
import type { ResourceContext } from "./types";
import { pollUntilSettled } from "./poller";

/** Default wait for one OVH task when the user set no customTimeouts. */
export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

/** How long one wait on OVH (a task, an order's delivery) may last: the operation's timeout, else the default. */
export function operationTimeoutOf(ctx: ResourceContext): number {
  return ctx.operationTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
}

export class TaskFailedError extends Error {
  override readonly name = "TaskFailedError";
  constructor(
    readonly task: OfficeTask,
    readonly serviceName: string,
  ) {
    super(
      `OVH task ${task.id} (${task.function}) on tenant ${serviceName} ended in status "${task.status}"` +
        (task.finishDate ? ` at ${task.finishDate}` : "") +
        `. Nothing more was changed; check the tenant in the OVHcloud Control Panel, then run \`pulumi refresh\` and retry.`,
    );
  }
}

/**
 * Follows an OfficeTask until OVH finishes it. Resolves with the `done` task; rejects with TaskFailedError for
 * `error` or `cancelled`, and with a timeout error (telling the user to refresh) when it takes too long.
 */
export async function waitForTask(
  ctx: ResourceContext,
  serviceName: string,
  task: OfficeTask,
): Promise<OfficeTask> {
  if (task.status === "done") return task;
  const final = isFinal(task)
    ? task
    : await pollUntilSettled({
        look: () => csp2.getTask(ctx.ovh, serviceName, task.id),
        isSettled: isFinal,
        timeoutMs: operationTimeoutOf(ctx),
        what: `OVH task ${task.id} (${task.function}) on tenant ${serviceName}`,
      });
  if (final.status !== "done") throw new TaskFailedError(final, serviceName);
  return final;
}

function isFinal(task: OfficeTask): boolean {
  return task.status === "done" || task.status === "error" || task.status === "cancelled";
}
