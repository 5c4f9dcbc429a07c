/**
 * The baseline: the same estate applied by a straightforward script with the official `ovh` client, one
 * subscription after the other: list, order, poll the task every second, list again to find the new id.
 */
import type { EstateData } from "./estates";
import { officialClient } from "./officialClient";
import type { BenchSandbox } from "./sandboxProcess";

interface Licence {
  id: number;
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function sequentialApply(
  sandbox: BenchSandbox,
  estate: EstateData,
): Promise<{ wallMs: number }> {
  const ovh = officialClient(sandbox);
  const start = performance.now();
  for (const customer of estate.customers) {
    const base = `/saas/csp2/${customer.existingServiceName!}`;
    await ovh.requestPromised("GET", base);
    // Licence name → id: OVH lists ids only, so read them (once per tenant, like any script would).
    const ids = (await ovh.requestPromised("GET", `${base}/orderableLicenses`)) as number[];
    const licences: Licence[] = [];
    for (const id of ids)
      licences.push((await ovh.requestPromised("GET", `${base}/orderableLicenses/${id}`)) as Licence);
    for (const line of customer.licences) {
      const licence = licences.find((l) => l.name.toLowerCase() === line.licence.toLowerCase());
      if (!licence) throw new Error(`sequential script: unknown licence ${line.licence}`);
      const before = (await ovh.requestPromised("GET", `${base}/subscription`)) as number[];
      let task = (await ovh.requestPromised("POST", `${base}/subscription`, {
        licenseId: licence.id,
        quantity: line.seats,
      })) as { id: number; status: string };
      while (task.status !== "done") {
        if (task.status === "error" || task.status === "cancelled")
          throw new Error(`task ${task.id} ${task.status}`);
        await sleep(1000);
        task = (await ovh.requestPromised("GET", `${base}/task/${task.id}`)) as typeof task;
      }
      const after = (await ovh.requestPromised("GET", `${base}/subscription`)) as number[];
      const created = after.filter((id) => !before.includes(id));
      if (created.length !== 1) throw new Error(`sequential script: ${created.length} new subscriptions`);
      await ovh.requestPromised("GET", `${base}/subscription/${created[0]!}`);
    }
  }
  return { wallMs: performance.now() - start };
}
