/**
 * Jest globalSetup of the e2e suite: provide the Pulumi CLI and the YAML language host once, before any test,
 * outside the per-test timeout (the first build from Go modules takes many minutes; its progress is shown).
 * Fails the run when either cannot be provided, so the suite never skips silently.
 */
import { locatePulumiCli, locateYamlHost } from "./harness";

export default async function globalSetup(): Promise<void> {
  const cli = await locatePulumiCli();
  await locateYamlHost(cli);
  console.log(`\ne2e: Pulumi CLI ${cli.version} with its Node and YAML language hosts in ${cli.binDir}`);
}
