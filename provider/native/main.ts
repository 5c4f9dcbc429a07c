/**
 * Package `main` (requested in package.json: `"main": "dist/provider/native/main.js"`).
 *
 * - Loaded by `@pulumi/pulumi/cmd/run-plugin` for the `PulumiPlugin.yaml` at the package root (the plugin
 *   directory is the package root, and a directory `require` goes through `main`): serves the native provider.
 * - Loaded any other way (tools that still resolve `main` instead of the `exports` map): the TypeScript SDK,
 *   exactly what `exports["."]` serves.
 */
import { launchedByRunPlugin } from "./launch";

if (launchedByRunPlugin(module)) {
  void (require("./index") as typeof import("./index")).serve();
} else {
  module.exports = require("../../sdk");
}
