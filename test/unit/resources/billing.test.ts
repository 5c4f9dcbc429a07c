import {
  commitmentOf,
  commitmentRules,
  describeSubscriptionChange,
  priceNameOf,
  ovhNow,
} from "../../../provider/resources/billing";

const RULES = { cancellationWindowDays: 7, termMonths: 1 };

describe("commitment (Microsoft new commerce, as data)", () => {
  test("inside the window after purchase: a decrease is allowed until purchase + 7 days", () => {
    const c = commitmentOf("2026-11-28T10:00:00Z", new Date("2026-12-01T10:00:00Z"), RULES);
    expect(c).toEqual({
      periodStart: "2026-11-28T10:00:00.000Z",
      periodEnd: "2026-12-28T10:00:00.000Z",
      decreaseAllowedUntil: "2026-12-05T10:00:00.000Z",
      windowOpen: true,
    });
  });

  test("after the window: closed until the next renewal, whose window opens again", () => {
    const closed = commitmentOf("2026-08-04T00:00:00Z", new Date("2026-12-01T00:00:00Z"), RULES);
    expect(closed).toMatchObject({
      periodStart: "2026-11-04T00:00:00.000Z",
      periodEnd: "2026-12-04T00:00:00.000Z",
      decreaseAllowedUntil: "2026-11-11T00:00:00.000Z",
      windowOpen: false,
    });
    const renewed = commitmentOf("2026-08-04T00:00:00Z", new Date("2026-12-06T00:00:00Z"), RULES);
    expect(renewed).toMatchObject({ periodStart: "2026-12-04T00:00:00.000Z", windowOpen: true });
  });

  test("month ends are kept (31st → 30th/28th), and the window is data", () => {
    const c = commitmentOf("2026-01-31T00:00:00Z", new Date("2026-02-15T00:00:00Z"), RULES);
    expect(c?.periodEnd).toBe("2026-02-28T00:00:00.000Z");
    expect(commitmentRules({ OVH_OFFICE_CANCELLATION_WINDOW_DAYS: "3" }).cancellationWindowDays).toBe(3);
    expect(commitmentOf("not a date", new Date())).toBeUndefined();
  });
});

describe("prices and preview lines", () => {
  test("catalogue names map to OVH's price API names; others have no price", () => {
    expect(priceNameOf("Microsoft 365 Business Basic")).toBe("BusinessEssentials");
    expect(priceNameOf("Microsoft 365 Business Standard")).toBe("Business");
    expect(priceNameOf("Microsoft 365 Business Premium")).toBe("BusinessPremium");
    expect(priceNameOf("Exchange Online (Plan 1)")).toBe("ExchangeOnlinePlan1");
    expect(priceNameOf("Exchange Online Archiving for Exchange Online")).toBeUndefined();
  });

  test("an increase: seat delta, € delta, billed at least until the renewal", () => {
    const commitment = commitmentOf("2026-11-28T10:00:00Z", new Date("2026-12-01T10:00:00Z"), RULES);
    const line = describeSubscriptionChange({
      licenceName: "Microsoft 365 Business Standard",
      seatsBefore: 5,
      seatsAfter: 7,
      kind: "seats",
      price: { value: 9.8, currency: "EUR" },
      commitment,
    });
    expect(line.message).toBe(
      'Billing: seats of "Microsoft 365 Business Standard" 5 → 7 (+2): +19.60 €/month (49.00 € → 68.60 € at 9.80 € per seat, OVH price API, excluding tax); increase billed at least until 2026-12-28 (Microsoft new commerce: the period is billed at its peak; decreases allowed until 2026-12-05).',
    );
    expect(line).toMatchObject({ monthlyBefore: 49, monthlyAfter: 68.6, seatPrice: 9.8, currency: "EUR" });
  });

  test("an increase after the window: no past date offered as allowed, the next window named", () => {
    const commitment = commitmentOf("2026-08-04T00:00:00Z", new Date("2026-12-01T00:00:00Z"), RULES);
    const line = describeSubscriptionChange({
      licenceName: "Microsoft 365 Business Standard",
      seatsBefore: 30,
      seatsAfter: 35,
      kind: "seats",
      price: { value: 9.8, currency: "EUR" },
      commitment,
    });
    expect(line.message).toMatch(
      /the window for decreases closed on 2026-11-11 and opens again at the renewal on 2026-12-04/,
    );
    expect(line.message).not.toMatch(/decreases allowed until/);
  });

  test("a new subscription: no calendar date in its line (an update plan reviewed today still applies tomorrow)", () => {
    const line = describeSubscriptionChange({
      licenceName: "Microsoft 365 Business Basic",
      seatsBefore: 0,
      seatsAfter: 3,
      kind: "new",
      price: { value: 5.6, currency: "EUR" },
      commitment: undefined,
      rules: RULES,
    });
    expect(line.message).toBe(
      'Billing: new subscription of 3 seats of "Microsoft 365 Business Basic": +16.80 €/month (0.00 € → 16.80 € at 5.60 € per seat, OVH price API, excluding tax); billed for at least one 1-month term from the order (Microsoft new commerce: the period is billed at its peak); decreases and cancellation allowed within 7 days after the order.',
    );
  });

  test("no price at OVH: said, never invented", () => {
    const line = describeSubscriptionChange({
      licenceName: "Exchange Online Archiving for Exchange Online",
      seatsBefore: 0,
      seatsAfter: 5,
      kind: "new",
      price: undefined,
      commitment: undefined,
    });
    expect(line.message).toMatch(/price unknown: OVH's price API gives no price/);
    expect(line.monthlyAfter).toBeNull();
  });
});

describe("ovhNow: commitment windows are judged on OVH's clock", () => {
  const ctxWith = (serverNow?: () => Promise<number>) => ({
    ovh: {
      request: () => Promise.reject(new Error("no call expected")),
      ...(serverNow ? { serverNow } : {}),
    },
  });

  it("uses OVH's time when the client can tell it", async () => {
    const moved = Date.parse("2031-06-01T00:00:00Z");
    expect((await ovhNow(ctxWith(async () => moved))).toISOString()).toBe("2031-06-01T00:00:00.000Z");
  });

  it("falls back to this machine's clock when OVH's time cannot be read, or the client cannot tell it", async () => {
    const before = Date.now();
    const failing = await ovhNow(ctxWith(() => Promise.reject(new Error("unreachable"))));
    const plain = await ovhNow(ctxWith());
    for (const now of [failing, plain]) {
      expect(now.getTime()).toBeGreaterThanOrEqual(before);
      expect(now.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });
});
