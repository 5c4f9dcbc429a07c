import type * as pulumi from "@pulumi/pulumi";
import { TIMEOUTS_KEY, timeoutsFromCustomTimeouts } from "../provider/runtime/timeouts";

/**
 * The props bag handed to `pulumi.dynamic.Resource`: the user's inputs, every declared output as `undefined`
 * (only keys present at construction are resolved), and the operation timeouts taken from `customTimeouts`.
 */
export function propsBag(
  args: object,
  outputNames: readonly string[],
  opts: pulumi.CustomResourceOptions | undefined,
): Record<string, unknown> {
  const outputs = Object.fromEntries(outputNames.map((name) => [name, undefined]));
  const timeouts = timeoutsFromCustomTimeouts(opts?.customTimeouts);
  return { ...outputs, ...args, ...(timeouts ? { [TIMEOUTS_KEY]: timeouts } : {}) };
}

/** Adds outputs that must be encrypted in state even though no input of the same name is secret. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  names: readonly string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
