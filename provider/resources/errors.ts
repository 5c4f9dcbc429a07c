import { OvhApiError, OvhNetworkError } from "../ovh/errors";

/** An error's message, for a sentence that quotes it (anything thrown, not only Errors). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prefixes an error with what the provider was doing and on which object, keeping OVH's class, message and
 * X-Ovh-QueryID (already in OvhApiError's message), and adds what to do next when we know it.
 */
export function inContext(action: string, error: unknown, hint?: string): Error {
  const base = errorText(error);
  const next = hint ?? defaultHint(error);
  const wrapped = new Error(`${action}: ${base}${next ? `\n${next}` : ""}`, { cause: error });
  return wrapped;
}

function defaultHint(error: unknown): string | undefined {
  if (error instanceof OvhApiError) {
    if (error.isAccessRefused)
      return "Check the OVH credentials and that the consumer key's access rules (or the OAuth2 client's IAM policy) allow this call.";
    if (error.isRateLimited)
      return "OVH is rate limiting this account: set ovh:apiRateLimit (requests per second, e.g. 1) or lower ovh:apiMaxConcurrency, and retry later.";
    if (error.isServerFailure)
      return "OVH failed on its side: retry later; quote the X-Ovh-QueryID to OVH support if it persists.";
  }
  if (error instanceof OvhNetworkError && error.mayHaveReachedServer)
    return "The request may have been executed by OVH: run `pulumi refresh` before retrying.";
  return undefined;
}

/** A create that OVH accepted but whose result we could not confirm: Pulumi records `id` and retries later. */
export class PartialCreateError<O> extends Error {
  override readonly name = "PartialCreateError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: O,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}
