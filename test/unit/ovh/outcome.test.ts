import { OvhApiError, OvhConfigError, OvhNetworkError } from "../../../provider/ovh/errors";
import { isClearRefusal, mayHaveExecuted, provesNotExecuted } from "../../../provider/ovh/outcome";
import { OvhResponseShapeError } from "../../../provider/api/parse";

function apiError(status: number, unreadable = false): OvhApiError {
  return new OvhApiError({
    status,
    method: "POST",
    path: "/saas/csp2/x/subscription",
    body: unreadable
      ? { message: "Bad Gateway", unreadable: true }
      : { message: "no", errorClass: "Client::X" },
  });
}

describe("provesNotExecuted: the one rule for 'did OVH act on this write?'", () => {
  it.each([400, 401, 403, 404, 409, 429, 460])("a readable OVH %i is a refusal", (status) => {
    expect(provesNotExecuted(apiError(status))).toBe(true);
    expect(mayHaveExecuted(apiError(status))).toBe(false);
  });

  it.each([408, 500, 502, 503, 504])("%i may hide an executed call", (status) => {
    expect(provesNotExecuted(apiError(status))).toBe(false);
  });

  it("an unreadable answer proves nothing, whatever its status (2xx proxy page, 4xx HTML page)", () => {
    expect(provesNotExecuted(apiError(200, true))).toBe(false);
    expect(provesNotExecuted(apiError(400, true))).toBe(false);
    expect(provesNotExecuted(apiError(429, true))).toBe(false);
    expect(isClearRefusal(404, true)).toBe(false);
  });

  it("a connection that provably never carried the request is a refusal; one that may have is not", () => {
    const notSent = new OvhNetworkError({
      method: "POST",
      path: "/x",
      reason: "refused",
      mayHaveReachedServer: false,
    });
    const maybe = new OvhNetworkError({
      method: "POST",
      path: "/x",
      reason: "reset",
      mayHaveReachedServer: true,
    });
    expect(provesNotExecuted(notSent)).toBe(true);
    expect(provesNotExecuted(maybe)).toBe(false);
  });

  it("configuration errors are refusals; unexpected exceptions and shape errors are not", () => {
    expect(provesNotExecuted(new OvhConfigError("set OVH_ENDPOINT"))).toBe(true);
    expect(provesNotExecuted(new TypeError("x is undefined"))).toBe(false);
    expect(provesNotExecuted(new Error("boom"))).toBe(false);
    expect(provesNotExecuted("a string")).toBe(false);
    const shape = new OvhResponseShapeError({
      operation: "POST /order/cart/{cartId}/checkout",
      method: "POST",
      path: "/order/cart/1/checkout",
      issues: [{ path: "orderId", message: "expected number" }],
    });
    expect(provesNotExecuted(shape)).toBe(false);
  });
});
