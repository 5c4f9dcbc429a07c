/**
 * Calls per operation: a small estate taken through every operation with the real CLI, one operation at a time,
 * each with a clean sandbox call log. Calls are attributed to a resource type by path (see `classify`).
 */
import { pollUntilSettled } from "../../provider/resources/poller";
import type { PulumiCli } from "../e2e/harness";
import type { EstateData } from "./estates";
import { writeEstate } from "./estates";
import { measure, openEstateStack, type OperationResult } from "./pulumiRun";
import type { BenchSandbox, LoggedCall } from "./sandboxProcess";

export type CallClass = "Tenant" | "Subscription" | "DomainAutoConfig" | "auth";

/** Which resource a call serves, by its path (the only overlap: DomainAutoConfig's "tenant exists" GET). */
export function classify(call: LoggedCall): CallClass {
  if (call.path.startsWith("/domain")) return "DomainAutoConfig";
  if (call.path.startsWith("/auth")) return "auth";
  if (/^\/saas\/csp2\/[^/]+\/(subscription|orderableLicenses|task)/.test(call.path)) return "Subscription";
  return "Tenant";
}

export interface CallCount {
  readonly total: number;
  readonly get: number;
  readonly mutating: number;
  readonly byClass: Partial<Record<CallClass, number>>;
  /** `GET …/task/{id}` (OfficeTask polls). */
  readonly taskPolls: number;
  /** `GET …/orderableLicenses[/{id}]` (licence catalogue reads of `check`). */
  readonly catalogue: number;
}

export function countCalls(calls: readonly LoggedCall[]): CallCount {
  const byClass: Partial<Record<CallClass, number>> = {};
  for (const call of calls) byClass[classify(call)] = (byClass[classify(call)] ?? 0) + 1;
  return {
    total: calls.length,
    get: calls.filter((c) => c.method === "GET").length,
    mutating: calls.filter((c) => c.method !== "GET").length,
    byClass,
    taskPolls: calls.filter((c) => c.method === "GET" && /\/task\/\d+$/.test(c.path)).length,
    catalogue: calls.filter((c) => /\/orderableLicenses/.test(c.path)).length,
  };
}

export interface OperationRow {
  readonly operation: string;
  /** Calls of the resource type the row is about (all calls for whole-stack rows). */
  readonly provider: number;
  readonly floor: number;
  readonly floorWhy: string;
  readonly calls: CallCount;
  readonly wallMs: number;
  readonly ops: Record<string, number>;
  /** Distinct paths with their counts, for the notes (method + path, ids kept). */
  readonly detail: Record<string, number>;
}

function detail(calls: readonly LoggedCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.method} ${call.path.replace(/\/\d+(?=\/|$)/g, "/{id}").replace(/csp2-\d+/g, "{sn}")}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const count = (calls: readonly LoggedCall[], re: RegExp, method?: string) =>
  calls.filter((c) => re.test(c.path) && (method === undefined || c.method === method)).length;

/** Catalogue size of the sandbox tenant (1 + N reads resolve a licence name: OVH lists ids only). */
function catalogueFloor(calls: readonly LoggedCall[]): number {
  return calls.some((c) => /orderableLicenses/.test(c.path))
    ? 1 + new Set(calls.filter((c) => /orderableLicenses\/\d+/.test(c.path)).map((c) => c.path)).size
    : 0;
}

const ACME = {
  key: "acme",
  displayName: "Acme Corporation",
  customSubDomain: "acmecorp",
  contact: {
    firstName: "Lee",
    lastName: "Gu",
    email: "it@acme.example",
    phone: "+33.123000000",
    address: "1 place de la Gare",
    city: "Lille",
    zipCode: "59000",
    country: "FR",
  },
};

export async function measureOperations(
  cli: PulumiCli,
  sandbox: BenchSandbox,
  log: (line: string) => void,
): Promise<OperationRow[]> {
  const bench = await openEstateStack(cli, sandbox, {}, "ops");
  const rows: OperationRow[] = [];
  const estate: EstateData = { mpnId: "6543210", customers: [{ ...ACME, licences: [] }] };
  const { stack } = bench;

  const step = async (
    operation: string,
    kind: CallClass | "all",
    run: (r: OperationResult) => { floor: number; floorWhy: string },
    op: () => Promise<OperationResult>,
  ) => {
    const result = await op();
    if (result.errors.length > 0) throw new Error(`${operation}: ${result.errors.join("\n")}`);
    const calls = kind === "all" ? result.calls : result.calls.filter((c) => classify(c) === kind);
    const { floor, floorWhy } = run(result);
    const row: OperationRow = {
      operation,
      provider: calls.length,
      floor,
      floorWhy,
      calls: countCalls(result.calls),
      wallMs: Math.round(result.wallMs),
      ops: result.ops,
      detail: detail(result.calls),
    };
    rows.push(row);
    log(
      `  ${operation}: ${row.provider} calls (floor ${floor}), ${row.wallMs} ms, ops ${JSON.stringify(row.ops)}`,
    );
  };
  const up = () => measure(sandbox, (onEvent) => stack.up({ onEvent }));

  try {
    // 1. Tenant ordered through the cart.
    await writeEstate(bench.estateFile, estate);
    await step(
      "Tenant create (order)",
      "Tenant",
      (r) => {
        const labels = count(r.calls, /\/configuration$/, "POST");
        const statusPolls = Math.max(1, count(r.calls, /^\/me\/order\/\d+\/status$/, "GET"));
        return {
          floor: 9 + labels,
          floorWhy: `cart, assign, item, ${labels} labels, checkout (auto-pay), 1 status poll, details, detail, tenant, serviceInfos (status polls seen: ${statusPolls})`,
        };
      },
      up,
    );

    // 2. Tenant adopted by service name.
    estate.customers.push({
      key: "contoso",
      existingServiceName: "csp2-100001",
      displayName: "Contoso Ltd",
      licences: [],
    });
    await writeEstate(bench.estateFile, estate);
    await step(
      "Tenant create (adopt)",
      "Tenant",
      () => ({ floor: 2, floorWhy: "tenant + serviceInfos" }),
      up,
    );

    // 3. One subscription ordered.
    estate.customers[0]!.licences.push({ licence: "Microsoft 365 Business Basic", seats: 5 });
    await writeEstate(bench.estateFile, estate);
    await step(
      "Subscription create",
      "Subscription",
      (r) => {
        const catalogue = catalogueFloor(r.calls);
        return {
          floor: 5 + catalogue,
          floorWhy: `list before, POST, 1 task poll, list after, read new (5) + licence name lookup ${catalogue} (1 + N, once per tenant and run)`,
        };
      },
      up,
    );

    // 4. The Microsoft 365 DNS records of a clean zone.
    estate.customers[1]!.domain = "contoso-demo.fr";
    estate.customers[1]!.dnsServices = ["exchange", "teams"];
    await writeEstate(bench.estateFile, estate);
    await step(
      "DNS create (exchange+teams)",
      "DomainAutoConfig",
      (r) => {
        const records = count(r.calls, /^\/domain\/zone\/[^/]+\/record$/, "POST");
        return {
          floor: records + 5,
          floorWhy: `zone, domain delegation, export + id listing (all records, for conflicts; the export is trusted only when it accounts for every listed id), ${records} record POSTs, zone refresh`,
        };
      },
      up,
    );

    // 5. Seat change.
    estate.customers[0]!.licences[0]!.seats = 7;
    await writeEstate(bench.estateFile, estate);
    await step(
      "Subscription seat change",
      "Subscription",
      () => ({
        floor: 7,
        floorWhy:
          "licence rules (1 read, id in state), purchase date for the commitment line (list + 1 read: check sees the inputs, not the id, on the first change after create; carried in state afterwards), live seats under the lock, changeQuantity, 1 task poll, final read",
      }),
      up,
    );

    // 6. Nothing changed.
    await step(
      "No-op preview (whole stack)",
      "all",
      () => ({ floor: 0, floorWhy: "inputs unchanged: the diff needs no API call" }),
      () => measure(sandbox, (onEvent) => stack.preview({ onEvent, expectNoChanges: true })),
    );
    await step(
      "No-op refresh (whole stack)",
      "all",
      () => ({
        floor: 2 * 2 + 1 + 2,
        floorWhy:
          "2 tenants × (tenant + serviceInfos), 1 subscription read, DNS: export + id listing (records unchanged: none read by id)",
      }),
      () => measure(sandbox, (onEvent) => stack.refresh({ onEvent })),
    );

    // 7. Subscription removed from the data file: cancelled.
    estate.customers[0]!.licences = [];
    await writeEstate(bench.estateFile, estate);
    await step(
      "Subscription delete (cancel)",
      "Subscription",
      () => ({ floor: 2, floorWhy: "DELETE, 1 task poll" }),
      up,
    );

    // 8. Destroy: tenants are retained (no call), the DNS records removed.
    await step(
      "Destroy (DNS records; tenants retained)",
      "all",
      (r) => {
        const records = count(r.calls, /^\/domain\/zone\/[^/]+\/record\/\d+$/, "DELETE");
        return {
          floor: records + 3,
          floorWhy: `export + id listing (our records still as written), ${records} record DELETEs, zone refresh; tenant retain: 0`,
        };
      },
      () => measure(sandbox, (onEvent) => stack.destroy({ onEvent })),
    );
  } finally {
    await bench.workspace.cleanup();
  }
  return rows;
}

/** Polls the provider's poller makes for a task of the given duration (virtual clock, zero latency). */
export async function pollsForTask(durationMs: number): Promise<number> {
  let now = 0;
  let looks = 0;
  await pollUntilSettled({
    look: async () => {
      looks += 1;
      return now >= durationMs;
    },
    isSettled: (done) => done,
    timeoutMs: 3_600_000,
    what: "bench task",
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
  });
  return looks;
}

/** Polls a fixed 1 s interval costs (what a straightforward script does), for comparison. */
export function fixedIntervalPolls(durationMs: number, intervalMs = 1000): number {
  return Math.max(1, Math.ceil(durationMs / intervalMs));
}
