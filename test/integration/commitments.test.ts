/**
 * The sandbox's commitment model (sandbox/areas/commitments.ts) driven through the provider: a decrease or a
 * cancellation inside the window after purchase goes through; outside it OVH's refusal reaches the user; in
 * `defer` mode it waits for the renewal; the window follows the sandbox clock.
 */
import { subscriptionHandler as handler } from "../../provider/resources/subscription";
import type { SubscriptionInputs, SubscriptionOutputs } from "../../provider/resources/subscription";
import { startTestSandbox, type TestSandbox } from "./support";

let env: TestSandbox;
let tenant: string;

beforeAll(async () => {
  env = await startTestSandbox();
});
afterAll(() => env.stop());

beforeEach(async () => {
  await env.control.request("PUT", "/commitments", { enforce: true, windowDays: 7, outside: "refuse" });
  tenant = (await env.control.createTenant({ displayName: "Commitments test" })).serviceName;
  await env.control.advanceTime(1_000); // the new tenant leaves "creating"
});
afterEach(async () => {
  await env.control.request("PUT", "/commitments", { enforce: false });
});

async function order(
  quantity: number,
): Promise<{ id: string; outs: SubscriptionOutputs; news: SubscriptionInputs }> {
  const result = await handler.check({ tenant, licence: "Microsoft 365 Business Basic", quantity }, env.ctx);
  expect(result.failures).toEqual([]);
  const news = result.inputs as SubscriptionInputs;
  const created = await handler.create(news, env.ctx);
  return { ...created, news };
}

async function liveQuantity(id: number): Promise<number> {
  const { state } = await env.control.state();
  const csp2 = state["csp2"] as { subscriptions: Record<string, { quantity: number }> };
  return csp2.subscriptions[String(id)]?.quantity ?? -1;
}

test("the sandbox's rules are controllable through /_sandbox/commitments", async () => {
  expect(await env.control.request("GET", "/commitments")).toEqual({
    enforce: true,
    windowDays: 7,
    termMonths: 1,
    outside: "refuse",
  });
  await expect(env.control.request("PUT", "/commitments", { outside: "later" })).rejects.toThrow(/refuse/);
});

test("inside the window after purchase: a decrease goes through; the outputs carry the window and the renewal", async () => {
  const { id, outs, news } = await order(5);
  expect(outs.decreaseAllowedUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(outs.commitmentEndsAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(outs.seatPrice).toBe(5.6);
  expect(outs.monthlyPrice).toBe(28);
  const after = await handler.update(id, outs, { ...news, quantity: 3 }, env.ctx);
  expect(after.quantity).toBe(3);
  expect(after.monthlyPrice).toBe(16.8);
});

test("outside the window: OVH refuses the decrease and the cancellation, naming the dates", async () => {
  const { id, outs, news } = await order(5);
  await env.control.advanceTime(10 * 86_400_000);
  await expect(handler.update(id, outs, { ...news, quantity: 3 }, env.ctx)).rejects.toThrow(
    /can only be decreased or cancelled within 7 days after purchase or renewal \(window closed on/,
  );
  await expect(handler.delete(id, outs, env.ctx)).rejects.toThrow(/cancellation of subscription/);
  expect(await liveQuantity(outs.subscriptionId as number)).toBe(5);
});

test("check judges the window on OVH's clock: a decrease allowed inside it is refused once the sandbox clock passes it", async () => {
  const { outs, news } = await order(5);
  const decrease = { tenant, licence: "Microsoft 365 Business Basic", quantity: 3 };
  // Each check runs on a new client, as a new Pulumi run would: it reads OVH's time (the sandbox's clock) afresh.
  const inside = await handler.check(decrease, env.newContext().ctx, news);
  expect(inside.failures).toEqual([]);
  expect(inside.notes?.[0]).toMatch(/5 → 3 \(-2\).*decrease allowed until \d{4}-\d\d-\d\d/);

  await env.control.advanceTime(10 * 86_400_000); // this machine's clock has not moved
  await env.control.clearCalls();
  const outside = await handler.check(decrease, env.newContext().ctx, news);
  const closedOn = (outs.decreaseAllowedUntil as string).slice(0, 10);
  expect(outside.failures).toEqual([
    expect.objectContaining({
      property: "quantity",
      reason: expect.stringContaining(
        `the window for decreases after purchase or renewal closed on ${closedOn}`,
      ),
    }),
  ]);
  expect(await env.control.mutatingCallLines()).toEqual([]);
  expect(await liveQuantity(outs.subscriptionId as number)).toBe(5);
});

test("a replacement whose cancellation Microsoft would refuse is refused at preview; with retain it goes on", async () => {
  const { outs, news } = await order(5);
  // A later run learns the purchase date once (the first check after the create), as a seat change would.
  const learned = await handler.check({ ...news, quantity: 6 }, env.newContext().ctx, news);
  const olds = { ...news, ...(learned.inputs as SubscriptionInputs), quantity: 5 } as Record<string, unknown>;
  const otherLicence = { tenant, licence: "Microsoft 365 Business Standard", quantity: 5 };
  const inside = await handler.check(otherLicence, env.newContext().ctx, olds);
  expect(inside.failures).toEqual([]);

  await env.control.advanceTime(10 * 86_400_000);
  await env.control.clearCalls();
  const outside = await handler.check(otherLicence, env.newContext().ctx, olds);
  const closedOn = (outs.decreaseAllowedUntil as string).slice(0, 10);
  expect(outside.failures).toEqual([
    expect.objectContaining({
      property: "licence",
      reason: expect.stringMatching(
        new RegExp(
          `changing licence replaces the subscription: .* window after purchase or renewal closed on ${closedOn}.*deletionPolicy: "retain"`,
        ),
      ),
    }),
  ]);
  expect(await env.control.mutatingCallLines()).toEqual([]);

  const retained = await handler.check(otherLicence, env.newContext().ctx, {
    ...olds,
    deletionPolicy: "retain",
  });
  expect(retained.failures).toEqual([]);
});

test("the outputs' commitment dates follow OVH's clock: after the renewal, read shows the new period", async () => {
  const { id, outs } = await order(5);
  await env.control.advanceTime(35 * 86_400_000);
  const read = await handler.read(id, outs, env.newContext().ctx);
  const renewed = read.props as SubscriptionOutputs;
  expect(Date.parse(renewed.commitmentEndsAt as string)).toBeGreaterThan(
    Date.parse(outs.commitmentEndsAt as string),
  );
  expect(Date.parse(renewed.decreaseAllowedUntil as string)).toBeGreaterThan(
    Date.parse(outs.decreaseAllowedUntil as string),
  );
});

test("defer mode: a decrease outside the window waits for the renewal", async () => {
  const { outs } = await order(5);
  await env.control.request("PUT", "/commitments", { outside: "defer" });
  await env.control.advanceTime(10 * 86_400_000);
  const id = outs.subscriptionId as number;
  await env.control.request("GET", "/time");
  const task = await env.ctx.ovh.request<{ id: number; status: string }>({
    method: "POST",
    path: `/saas/csp2/${tenant}/subscription/${id}/changeQuantity`,
    body: { quantity: 2 },
  });
  expect(task.status).toBe("todo");
  await env.control.advanceTime(25 * 86_400_000);
  await env.control.request("GET", "/time");
  expect(await liveQuantity(id)).toBe(2);
});
