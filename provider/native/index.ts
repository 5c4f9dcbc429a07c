/**
 * Entry of the native provider (resource plugin `ovhoffice`): `serve()` closes the known gaps of
 * `@pulumi/pulumi/provider/server.js` (see `rpc.ts`) and serves {@link OvhOfficeProvider} with
 * `pulumi.provider.main`. Serves on its own when run directly (`node dist/provider/native/index.js <engine>`)
 * or when `@pulumi/pulumi/cmd/run-plugin` loads it; the package's `main` (`main.ts`) does the latter for a
 * `PulumiPlugin.yaml` plugin directory.
 *
 * Exports no ComponentResource: run-plugin would start a component host instead of this provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { launchedByRunPlugin } from "./launch";
import { OvhOfficeProvider } from "./provider";
import { engineLogger, installRpcPatches } from "./rpc";

export { OvhOfficeProvider } from "./provider";

/** Starts the gRPC server and prints its port (the engine reads it). `args`: the engine address. */
export function serve(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  const provider = new OvhOfficeProvider({ engineLog: engineLogger(args) });
  installRpcPatches(provider);
  return pulumi.provider.main(provider, [...args]);
}

if (require.main === module || launchedByRunPlugin(module)) {
  void serve();
}
