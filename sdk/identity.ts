import * as pulumi from "@pulumi/pulumi";
import { isPendingOrderMarker } from "../provider/resources/orderOnce";
import { parseResourceId } from "../provider/resources/subscription/inputs";

/**
 * An identity output (a subscription's id, a tenant's service name) that stays known in `pulumi preview` while
 * its resource is being updated.
 *
 * Pulumi previews a dynamic resource's update without running it, so every output of that resource is unknown
 * in the preview, and anything built on it (an add-on's `parentSubscriptionId`, a subscription's `tenant`)
 * would preview as a possible change. The resource id, however, is kept known through an update: the identity
 * is read from it. While the resource is created or replaced the id is unknown, and so is the identity: the
 * dependent resources then preview their replacement, which is what happens. An id that does not carry the
 * identity (`pending-order:…`) falls back to the output itself.
 */
export function identityFromId<T>(
  id: pulumi.Output<string>,
  output: pulumi.Output<T>,
  parse: (id: string) => T | undefined,
): pulumi.Output<T> {
  return id.apply((value) => {
    const parsed = typeof value === "string" ? parse(value) : undefined;
    return parsed === undefined ? output : pulumi.output(parsed);
  }) as unknown as pulumi.Output<T>;
}

/** `<tenant>/<subscriptionId>` → the subscription id. */
export function subscriptionIdOf(id: string): number | undefined {
  return parseResourceId(id)?.subscriptionId;
}

/** A tenant's id is its service name, unless it is an unconfirmed order's marker. */
export function serviceNameOf(id: string): string | undefined {
  return id === "" || isPendingOrderMarker(id) ? undefined : id;
}
