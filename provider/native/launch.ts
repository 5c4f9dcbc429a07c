/**
 * How `PulumiPlugin.yaml` reaches this code. The Node language host runs
 * `node @pulumi/pulumi/cmd/run-plugin <plugin dir> <engine address>`; run-plugin (`cmd/run-plugin/run.js`) does
 * `require(<plugin dir>)`, i.e. Node loads the package.json `main` of the plugin directory, then starts a
 * component host if that module exports ComponentResource classes, else leaves the process to whatever the
 * module started. The package's `main` serves SDK users too, so it decides at load time: started by run-plugin
 * as the plugin itself → serve the provider; anything else → be the SDK.
 */
import path from "node:path";

const RUN_PLUGIN_RUNNER = path.join("@pulumi", "pulumi", "cmd", "run-plugin", "run.js");

/**
 * True when `mod` was required directly by run-plugin's runner, i.e. it is the plugin program. A program or
 * another plugin that merely depends on this package requires it from its own code, so it stays the SDK there.
 */
export function launchedByRunPlugin(mod: NodeJS.Module): boolean {
  // `module.parent` is documentation-deprecated (DEP0144) but kept by Node; it is exactly "who required me".
  const parent = (mod as { parent?: { filename?: string } | null }).parent;
  const file = parent?.filename;
  return typeof file === "string" && file.endsWith(RUN_PLUGIN_RUNNER);
}
