/**
 * Fidelity switches (finding 7), all off by default: typed configuration labels, refusal of undeclared body
 * parameters, `null` in every nullable field, realistic (slow) orders and tasks through the clock control.
 */
import { OVH_MODELS } from "../../sandbox/core/ovhTables";
import { Json, SEED, TestSandbox, advance, rawRequest, signedRequest, startSandbox } from "./helpers";

async function newItem(sandbox: TestSandbox): Promise<{ cartId: string; itemId: number }> {
  const cart = await rawRequest({
    method: "POST",
    url: `${sandbox.url}/order/cart`,
    headers: { "Content-Type": "application/json" },
    body: '{"ovhSubsidiary":"FR"}',
  });
  const cartId = (cart.body as Json).cartId as string;
  const item = await rawRequest({
    method: "POST",
    url: `${sandbox.url}/order/cart/${cartId}/csp2`,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      planCode: "csp2-microsoft365-tenant",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
    }),
  });
  return { cartId, itemId: (item.body as Json).itemId as number };
}

async function requirements(sandbox: TestSandbox): Promise<Json[]> {
  const { cartId, itemId } = await newItem(sandbox);
  const res = await rawRequest({
    method: "GET",
    url: `${sandbox.url}/order/cart/${cartId}/item/${itemId}/requiredConfiguration`,
  });
  return res.body as Json[];
}

describe("finding 7: fidelity switches", () => {
  it("typed labels: requiredConfiguration carries types and fields (off: all plain strings)", async () => {
    const plain = await startSandbox();
    const typed = await startSandbox({ fidelity: { typedLabels: true } });
    try {
      const before = await requirements(plain);
      expect(before.every((r) => r.type === "string" && r.fields === null)).toBe(true);
      const after = await requirements(typed);
      expect(after.map((r) => r.label)).toEqual(before.map((r) => r.label));
      expect(after.map((r) => r.required)).toEqual(before.map((r) => r.required));
      expect(new Set(after.map((r) => r.type)).size).toBeGreaterThan(2);
      expect(after.some((r) => Array.isArray(r.fields) && r.fields.length > 0)).toBe(true);
      expect(after.find((r) => r.label === "customerPhone")).toMatchObject({ type: "PhoneNumber" });
    } finally {
      await Promise.all([plain.stop(), typed.stop()]);
    }
  });

  it("strict body: undeclared body parameters are refused as OVH does (off: ignored)", async () => {
    const lax = await startSandbox();
    const strict = await startSandbox({ fidelity: { strictBody: true } });
    const path = `/saas/csp2/${SEED.contoso}/subscription`;
    try {
      const extra = { licenseId: 1001, quantity: 1, quantityy: 2 };
      expect((await signedRequest(lax, "POST", path, extra)).status).toBe(200);
      const refused = await signedRequest(strict, "POST", path, extra);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        class: "Client::BadRequest",
        message: expect.stringContaining("not described parameters: (quantityy)"),
      });
      expect((await signedRequest(strict, "POST", path, { licenseId: 1001, quantity: 1 })).status).toBe(200);
      // A whole-model body (PUT) accepts the model's fields, read-only ones included, and nothing else.
      const tenant = `/saas/csp2/${SEED.contoso}`;
      expect((await signedRequest(strict, "PUT", tenant, { displayName: "X", status: "ok" })).status).toBe(
        200,
      );
      expect((await signedRequest(strict, "PUT", tenant, { displayName: "X", colour: "red" })).status).toBe(
        400,
      );
      // Nothing happened on refusal.
      const tasks = (await signedRequest(strict, "GET", `${path.replace("/subscription", "")}/task`)).body;
      expect(tasks).toHaveLength(1);
    } finally {
      await Promise.all([lax.stop(), strict.stop()]);
    }
  });

  it("null fields: every field the answer's model allows to be null is null", async () => {
    const sandbox = await startSandbox({ fidelity: { nullFields: true } });
    try {
      const tenant = (await signedRequest(sandbox, "GET", `/saas/csp2/${SEED.contoso}`)).body as Json;
      const nullable = Object.entries(OVH_MODELS["saas.csp2.OfficeTenantWithIAM"] ?? {})
        .filter(([, [, canBeNull]]) => canBeNull)
        .map(([field]) => field);
      expect(nullable.length).toBeGreaterThan(0);
      for (const field of nullable) expect(tenant[field]).toBeNull();
      expect(tenant.serviceName).toBe(SEED.contoso);
      const infos = (await signedRequest(sandbox, "GET", `/saas/csp2/${SEED.contoso}/serviceInfos`))
        .body as Json;
      expect(infos.engagedUpTo).toBeNull();
      const me = (await signedRequest(sandbox, "GET", "/me")).body as Json;
      expect(me.nichandle).toEqual(expect.any(String));
      expect(Object.values(me).filter((v) => v === null).length).toBeGreaterThan(5);
    } finally {
      await sandbox.stop();
    }
  });

  it("realistic delays: tasks take minutes and orders hours of sandbox time, crossed with the clock control", async () => {
    const sandbox = await startSandbox({
      realisticDelays: true,
      taskDelayMs: undefined,
      orderDelayMs: undefined,
    });
    const base = `/saas/csp2/${SEED.contoso}`;
    try {
      const task = (
        await signedRequest(sandbox, "POST", `${base}/subscription`, { licenseId: 1001, quantity: 2 })
      ).body as Json;
      await advance(sandbox, 5 * 60_000);
      expect(((await signedRequest(sandbox, "GET", `${base}/task/${task.id}`)).body as Json).status).toBe(
        "todo",
      );
      await advance(sandbox, 6 * 60_000);
      expect(((await signedRequest(sandbox, "GET", `${base}/task/${task.id}`)).body as Json).status).toBe(
        "doing",
      );
      await advance(sandbox, 10 * 60_000);
      expect(((await signedRequest(sandbox, "GET", `${base}/task/${task.id}`)).body as Json).status).toBe(
        "done",
      );
      // A paid order is still being checked an hour later and delivered after three.
      const { cartId, itemId } = await newItem(sandbox);
      for (const [label, value] of Object.entries({
        mpnId: "1234567",
        customerFirstName: "Ada",
        customerLastName: "Lovelace",
        customerEmail: "ada@example.com",
        customerPhone: "+33.123456789",
        customerAddress: "1 rue de la Paix",
        customerCity: "Paris",
        customerZipCode: "75001",
        customerCountry: "FR",
        tenantDisplayName: "Slow Ltd",
      })) {
        await rawRequest({
          method: "POST",
          url: `${sandbox.url}/order/cart/${cartId}/item/${itemId}/configuration`,
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ label, value }),
        });
      }
      await signedRequest(sandbox, "POST", `/order/cart/${cartId}/assign`);
      const order = (
        await signedRequest(sandbox, "POST", `/order/cart/${cartId}/checkout`, {
          autoPayWithPreferredPaymentMethod: true,
        })
      ).body as Json;
      const status = async (): Promise<string> =>
        (await signedRequest(sandbox, "GET", `/me/order/${order.orderId}/status`)).body as string;
      await advance(sandbox, 3600_000);
      expect(await status()).toBe("checking");
      await advance(sandbox, 3600_000);
      expect(await status()).toBe("delivering");
      await advance(sandbox, 3600_000);
      expect(await status()).toBe("delivered");
    } finally {
      await sandbox.stop();
    }
  });

  it("clock speed: sandbox time can run faster than real time, and v1 signatures still pass", async () => {
    const sandbox = await startSandbox({ clockSpeed: 3600 });
    try {
      const first = (await rawRequest({ method: "GET", url: `${sandbox.url}/auth/time` })).body as number;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = (await rawRequest({ method: "GET", url: `${sandbox.url}/auth/time` })).body as number;
      expect(second - first).toBeGreaterThan(600);
      // A client that read the time before still signs within the accepted window (real time).
      const res = await signedRequest(sandbox, "GET", `/saas/csp2/${SEED.contoso}`, undefined, {
        timestamp: Math.floor(Date.now() / 1000),
      });
      expect(res.status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });
});
