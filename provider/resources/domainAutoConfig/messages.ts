/**
 * The texts DomainAutoConfig shows when it refuses or reports: check failures turned into one error, the list of
 * records in the way of Microsoft 365, and the one-line summary of what a plan did. Kept together so the wording
 * users (and the tests) rely on lives in one place.
 */
import type { CheckFailure } from "../types";
import type { DomainAutoConfigInputs } from "./inputs";
import { describeRecord, type Conflict, type Plan, type Step } from "./plan";

export function failuresError(action: string, failures: readonly CheckFailure[]): Error {
  return new Error(`${action}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("\n")}`);
}

export function conflictsMessage(inputs: DomainAutoConfigInputs, conflicts: readonly Conflict[]): string {
  const lines = conflicts.map(
    (c) => `  - ${describeRecord(c.record, inputs.zone)} (id ${c.record.id}): ${c.reason}`,
  );
  return (
    `zone ${inputs.zone} already has records in the way of Microsoft 365 on ${inputs.domain}:\n${lines.join("\n")}\n` +
    "Remove or change them, or set takeOverConflicts: true to let this resource remove them (and merge " +
    "Microsoft's include into the existing SPF policy); they are put back when the resource is deleted."
  );
}

/** `7 created, 0 updated, 0 deleted, …`: what a plan did, for the log. */
export function summary(plan: Plan): string {
  const count = (kind: Step["kind"]) => plan.steps.filter((s) => s.kind === kind).length;
  return (
    `${count("create")} created, ${count("update") + count("mergeSpf")} updated, ${count("delete")} deleted, ` +
    `${count("adopt")} adopted, ${count("takeOverRemove")} taken over, ${count("restore")} restored, ${plan.unchanged.length} unchanged`
  );
}
