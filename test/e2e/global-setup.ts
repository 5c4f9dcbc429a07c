/**
 * Jest globalSetup of the e2e suite: provide the Pulumi CLI once, before any test, outside the
 * per-test timeout (a cold build from Go modules takes minutes). Fails the run when no CLI can
 * be provided, so the suite never skips silently.
 */
import { locatePulumiCli } from "./harness";

export default async function globalSetup(): Promise<void> {
  const cli = await locatePulumiCli();
  console.log(`\ne2e: Pulumi CLI ${cli.version} from ${cli.binDir}`);
}
