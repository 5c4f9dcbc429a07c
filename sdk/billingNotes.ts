import * as pulumi from "@pulumi/pulumi";
import { BILLING_KEY } from "../provider/runtime/billingKeys";

/**
 * Logs the billing notes of a change on the resource, as Pulumi warnings: `pulumi preview` counts them and
 * `--json` carries them on the resource. Pulumi previews a dynamic resource's create/update with its checked
 * inputs as outputs, which carry the notes; in `up` (and for unchanged resources) the outputs are the real ones
 * and carry none, so each note is shown once, in the preview that announces the change.
 */
export function logBillingNotes(resource: pulumi.CustomResource): void {
  const notes = (resource as unknown as Record<string, pulumi.Output<unknown> | undefined>)[BILLING_KEY];
  notes?.apply((value) => {
    if (!Array.isArray(value)) return;
    for (const note of value) if (typeof note === "string") void pulumi.log.warn(note, resource);
  });
}
