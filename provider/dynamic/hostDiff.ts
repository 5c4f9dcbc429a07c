/**
 * Detailed diffs for the TypeScript SDK's dynamic resources.
 *
 * Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, 3.248) forwards only `changes`,
 * `replaces` and `deleteBeforeReplace` of a dynamic provider's diff: `pulumi preview --json` then shows empty
 * `diffReasons` and a null `detailedDiff` for every update. The host runs this package's code in its own process
 * (it loads the provider module named in `__provider`), and answers a Diff synchronously once the provider's
 * promise settles:
 *
 *   const result = await provider.diff(...);
 *   if (result.changes === true) resp.setChanges(DIFF_SOME) ... // same tick
 *
 * So the diff result carries `changes` as a getter that hands its detail to the next `setChanges` call, and
 * `DiffResponse.prototype.setChanges` of the host's protobuf module is wrapped to add `diffs` and the detailed
 * diff to that very response. Nothing else of the host is touched; when the host forwards the detail itself one
 * day, this becomes a no-op (the detail is only added when the response carries none).
 */
import type { DetailedDiff } from "../native/rpc";
import { writeDetailedDiff } from "../runtime/detailedDiff";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf modules without types */
const PATCHED = Symbol.for("pulumi-ovh-office365-reseller.diffDetail");
let pending: DetailedDiff | undefined;

function patch(provproto: any): void {
  const proto = provproto?.DiffResponse?.prototype;
  if (!proto || proto[PATCHED] || typeof proto.setChanges !== "function") return;
  const original = proto.setChanges;
  proto[PATCHED] = true;
  proto.setChanges = function setChanges(this: any, value: unknown) {
    const result = original.call(this, value);
    const detail = pending;
    pending = undefined;
    if (detail && this.getDiffsList().length === 0 && !this.getHasdetaileddiff())
      writeDetailedDiff(provproto, this, detail);
    return result;
  };
}

/**
 * Wraps every loaded copy of `@pulumi/pulumi/proto/provider_pb` (the host's, and the one this package resolves,
 * which are the same module in a normal install). Safe to call more than once and outside the host.
 */
export function installDiffDetail(): void {
  const cache = require.cache as Record<string, NodeModule | undefined>;
  for (const [file, loaded] of Object.entries(cache)) {
    if (/[\\/]@pulumi[\\/]pulumi[\\/]proto[\\/]provider_pb\.js$/.test(file)) patch(loaded?.exports);
  }
  try {
    patch(require("@pulumi/pulumi/proto/provider_pb"));
  } catch {
    // Not resolvable from here: the cached copies above are all there is.
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The dynamic provider's diff answer, whose `changes` getter passes `detail` on to the host's response. */
export function withDiffDetail<T extends { changes: boolean }>(result: T, detail: DetailedDiff): T {
  const { changes, ...rest } = result;
  return Object.defineProperty({ ...rest }, "changes", {
    enumerable: true,
    get() {
      pending = detail;
      return changes;
    },
  }) as T;
}
