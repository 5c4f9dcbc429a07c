/**
 * Writes a diff's changed properties and detailed diff into a gRPC DiffResponse. Shared by the native provider
 * (which builds its own responses) and the SDK's dynamic-provider host patch (which completes the host's); no side
 * effect at import, so it is safe to load inside Pulumi's dynamic-provider host.
 */
import type { DetailedDiff, PropertyDiffKind } from "../native/rpc";

/** The protobuf enum name of each kind of property change. */
const KIND_TO_PROTO: Record<PropertyDiffKind, string> = {
  add: "ADD",
  "add-replace": "ADD_REPLACE",
  delete: "DELETE",
  "delete-replace": "DELETE_REPLACE",
  update: "UPDATE",
  "update-replace": "UPDATE_REPLACE",
};

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf modules without types */
/** `proto` is the copy of `@pulumi/pulumi/proto/provider_pb` that built `response`. */
export function writeDetailedDiff(
  proto: any,
  response: any,
  detail: Pick<DetailedDiff, "diffs" | "detailedDiff">,
): void {
  response.setDiffsList(detail.diffs);
  response.setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const [property, kind] of Object.entries(detail.detailedDiff)) {
    const diff = new proto.PropertyDiff();
    diff.setKind(proto.PropertyDiff.Kind[KIND_TO_PROTO[kind]]);
    diff.setInputdiff(false);
    map.set(property, diff);
  }
}
