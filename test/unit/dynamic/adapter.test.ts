import { PartialCreateError } from "../../../provider/resources/errors";

const calls: Array<{ op: string; args: unknown[] }> = [];
const fakeHandler = {
  check: async (news: Record<string, unknown>, _ctx: unknown, olds: unknown) => {
    calls.push({ op: "check", args: [news, olds] });
    if (news.quantity === 0) return { failures: [{ property: "quantity", reason: "must be at least 1" }] };
    return { inputs: { quantity: news.quantity, normalised: true }, failures: [] };
  },
  diff: (id: string, olds: unknown, news: unknown) => {
    calls.push({ op: "diff", args: [id, olds, news] });
    return { changes: true, replaces: ["licence"], changedKeys: ["licence"] };
  },
  create: async (inputs: Record<string, unknown>, ctx: { operationTimeoutMs?: number }) => {
    calls.push({ op: "create", args: [inputs, ctx.operationTimeoutMs] });
    if (inputs.lose)
      throw new PartialCreateError("answer lost", "pending-order:t:1:2", { status: "orderPending" });
    return { id: "t/42", outs: { subscriptionId: 42 } };
  },
  read: async () => ({ id: undefined }),
  update: async () => {
    throw new PartialCreateError("still unconfirmed", "pending-order:t:1:2", { status: "orderPending" });
  },
  delete: async (id: string, olds: unknown, ctx: { operationTimeoutMs?: number }) => {
    calls.push({ op: "delete", args: [id, olds, ctx.operationTimeoutMs] });
  },
};

jest.mock("../../../provider/resources/registry", () => ({ handlerFor: () => fakeHandler }));

import * as dynamic from "../../../provider/dynamic";

const PROVIDER = "exports.handler = () => provider;";

beforeAll(() => {
  process.env.OVH_ENDPOINT = "http://127.0.0.1:9/1.0";
  process.env.OVH_APPLICATION_KEY = "ak";
  process.env.OVH_APPLICATION_SECRET = "as";
  process.env.OVH_CONSUMER_KEY = "ck";
});

beforeEach(() => {
  calls.length = 0;
});

describe("dynamic provider adapter", () => {
  it("hides __provider/__timeouts from the resource logic and keeps __timeouts in checked inputs", async () => {
    const result = await dynamic.check(
      "Subscription",
      { quantity: 1, __provider: PROVIDER },
      { quantity: 2, __provider: PROVIDER, __timeouts: { create: 1000 } },
    );
    expect(calls[0]?.args).toEqual([
      { quantity: 2, __provider: PROVIDER, __timeouts: { create: 1000 } },
      { quantity: 1 },
    ]);
    expect(result).toEqual({
      inputs: { quantity: 2, normalised: true, __timeouts: { create: 1000 } },
      failures: [],
    });
  });

  it("returns check failures with the original inputs", async () => {
    const news = { quantity: 0, __provider: PROVIDER };
    const result = await dynamic.check("Subscription", {}, news);
    expect(result).toEqual({
      inputs: news,
      failures: [{ property: "quantity", reason: "must be at least 1" }],
    });
  });

  it("answers diff with explicit changes and replaces, without adapter keys", async () => {
    const result = await dynamic.diff(
      "Subscription",
      "t/1",
      { a: 1, __provider: PROVIDER },
      { a: 2, __provider: PROVIDER },
    );
    expect(calls[0]?.args).toEqual(["t/1", { a: 1 }, { a: 2 }]);
    expect(result).toEqual({ changes: true, replaces: ["licence"], deleteBeforeReplace: false });
  });

  it("passes the create timeout from customTimeouts and carries it into outputs", async () => {
    const result = await dynamic.create("Subscription", {
      q: 1,
      __provider: PROVIDER,
      __timeouts: { create: 5000 },
    });
    expect(calls[0]?.args).toEqual([{ q: 1 }, 5000]);
    expect(result).toEqual({
      id: "t/42",
      // A subscription's outputs also carry its monthly amounts for billingSummary() (none priced here).
      outs: { subscriptionId: 42, __timeouts: { create: 5000 }, __monthlyAmounts: { missing: true } },
    });
  });

  it("turns an unconfirmed order into a partial create that keeps __provider", async () => {
    await expect(dynamic.create("Subscription", { lose: true, __provider: PROVIDER })).rejects.toMatchObject({
      message: "answer lost",
      id: "pending-order:t:1:2",
      properties: { status: "orderPending", __provider: PROVIDER },
      reasons: ["answer lost"],
    });
  });

  it("does the same for an unconfirmed order raised by update", async () => {
    await expect(
      dynamic.update(
        "Subscription",
        "pending-order:t:1:2",
        { __provider: PROVIDER },
        { __provider: PROVIDER },
      ),
    ).rejects.toMatchObject({ id: "pending-order:t:1:2", properties: { __provider: PROVIDER } });
  });

  it("reports a vanished object with an empty id so refresh drops it", async () => {
    await expect(dynamic.read("Subscription", "t/1", { __provider: PROVIDER })).resolves.toMatchObject({
      id: undefined,
    });
  });

  it("uses the delete timeout stored with the outputs", async () => {
    await dynamic.remove("Subscription", "t/1", { x: 1, __provider: PROVIDER, __timeouts: { delete: 7000 } });
    expect(calls[0]?.args).toEqual(["t/1", { x: 1 }, 7000]);
  });
});
