import * as order from "../../../provider/api/order";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const eur = (value: number) => ({
  currencyCode: "EUR",
  priceInUcents: value * 1e8,
  text: `${value} €`,
  value,
});

const cart = {
  cartId: "cart-1",
  description: "csp2",
  expire: "2024-07-01T00:00:00Z",
  items: [],
  readOnly: false,
};

const item = {
  cartId: "cart-1",
  configurations: [],
  duration: "P1M",
  itemId: 42,
  offerId: null,
  options: [],
  parentItemId: null,
  prices: [{ label: "TOTAL", price: eur(0), promotions: null }],
  productId: "csp2",
  settings: { planCode: "csp2-plan", pricingMode: "default", quantity: 1 },
};

const checkout = {
  contracts: [{ content: "…", name: "CGV", url: "https://example.test/cgv.pdf" }],
  details: [
    {
      cartItemID: 42,
      description: "Office 365 tenant",
      detailType: "DURATION",
      domain: "*001",
      originalTotalPrice: eur(0),
      quantity: 1,
      reductionTotalPrice: eur(0),
      reductions: [],
      totalPrice: eur(0),
      unitPrice: eur(0),
    },
  ],
  orderId: null,
  prices: { originalWithoutTax: null, reduction: null, tax: eur(0), withTax: eur(0), withoutTax: eur(0) },
  url: null,
};

describe("order cart requests", () => {
  it("creates a cart unauthenticated, then assigns it signed", async () => {
    const ovh = new FakeOvh().reply(cart);
    await expect(order.createCart(ovh, { ovhSubsidiary: "FR", description: "csp2" })).resolves.toEqual(cart);
    await order.assignCart(ovh, "cart-1");
    expect(ovh.requests).toEqual([
      {
        method: "POST",
        path: "/order/cart",
        body: { ovhSubsidiary: "FR", description: "csp2" },
        authenticated: false,
      },
      { method: "POST", path: "/order/cart/cart-1/assign" },
    ]);
  });

  it("reads offers and options and adds a csp2 item and option", async () => {
    const ovh = new FakeOvh().reply([], [], item, item);
    await order.listCsp2Offers(ovh, "cart-1");
    await order.listCsp2Options(ovh, "cart-1", "csp2-plan");
    await order.addCsp2Item(ovh, "cart-1", {
      planCode: "csp2-plan",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
    });
    await order.addCsp2Option(ovh, "cart-1", {
      itemId: 42,
      planCode: "csp2-e3",
      duration: "P1M",
      pricingMode: "default",
      quantity: 5,
    });
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/order/cart/cart-1/csp2", authenticated: false },
      {
        method: "GET",
        path: "/order/cart/cart-1/csp2/options",
        query: { planCode: "csp2-plan" },
        authenticated: false,
      },
      {
        method: "POST",
        path: "/order/cart/cart-1/csp2",
        body: { planCode: "csp2-plan", duration: "P1M", pricingMode: "default", quantity: 1 },
        authenticated: false,
      },
      {
        method: "POST",
        path: "/order/cart/cart-1/csp2/options",
        body: { itemId: 42, planCode: "csp2-e3", duration: "P1M", pricingMode: "default", quantity: 5 },
        authenticated: false,
      },
    ]);
  });

  it("manages item configuration, unauthenticated", async () => {
    const conf = { id: 7, label: "mpnId", value: "1234567" };
    const ovh = new FakeOvh().reply(
      [{ label: "mpnId", required: true, type: "string", fields: null }],
      conf,
      [7],
    );
    await order.getItemRequiredConfiguration(ovh, "cart-1", 42);
    await expect(
      order.addItemConfiguration(ovh, "cart-1", 42, { label: "mpnId", value: "1234567" }),
    ).resolves.toEqual(conf);
    await order.listItemConfigurations(ovh, "cart-1", 42, { label: "mpnId" });
    await order.deleteItemConfiguration(ovh, "cart-1", 42, 7);
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/order/cart/cart-1/item/42/requiredConfiguration", authenticated: false },
      {
        method: "POST",
        path: "/order/cart/cart-1/item/42/configuration",
        body: { label: "mpnId", value: "1234567" },
        authenticated: false,
      },
      {
        method: "GET",
        path: "/order/cart/cart-1/item/42/configuration",
        query: { label: "mpnId" },
        authenticated: false,
      },
      { method: "DELETE", path: "/order/cart/cart-1/item/42/configuration/7", authenticated: false },
    ]);
  });

  it("updates and deletes items and carts", async () => {
    const ovh = new FakeOvh().reply(item, null, cart);
    await order.updateCartItem(ovh, "cart-1", 42, { quantity: 2 });
    await order.deleteCartItem(ovh, "cart-1", 42);
    await order.updateCart(ovh, "cart-1", { description: "x" });
    await order.deleteCart(ovh, "cart-1");
    expect(ovh.requests).toEqual([
      { method: "PUT", path: "/order/cart/cart-1/item/42", body: { quantity: 2 }, authenticated: false },
      { method: "DELETE", path: "/order/cart/cart-1/item/42", authenticated: false },
      { method: "PUT", path: "/order/cart/cart-1", body: { description: "x" }, authenticated: false },
      { method: "DELETE", path: "/order/cart/cart-1" },
    ]);
  });

  it("previews (GET) and performs (POST) the checkout, both signed", async () => {
    const ovh = new FakeOvh().reply(checkout, { ...checkout, orderId: 987 });
    await expect(order.previewCheckout(ovh, "cart-1")).resolves.toEqual(checkout);
    const placed = await order.checkoutCart(ovh, "cart-1", { waiveRetractationPeriod: true });
    expect(placed.orderId).toBe(987);
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/order/cart/cart-1/checkout" },
      { method: "POST", path: "/order/cart/cart-1/checkout", body: { waiveRetractationPeriod: true } },
    ]);
  });

  it("encodes cart ids", async () => {
    const ovh = new FakeOvh().reply(checkout);
    await order.getCartSummary(ovh, "a/b c");
    expect(ovh.only).toEqual({ method: "GET", path: "/order/cart/a%2Fb%20c/summary", authenticated: false });
  });
});

describe("/me order requests", () => {
  it("pays an order with a payment method id or a registered payment mean", async () => {
    const ovh = new FakeOvh();
    await order.payOrder(ovh, 987, 3);
    await order.payOrderWithRegisteredPaymentMean(ovh, 987, { paymentMean: "fidelityAccount" });
    expect(ovh.requests).toEqual([
      { method: "POST", path: "/me/order/987/pay", body: { paymentMethod: { id: 3 } } },
      {
        method: "POST",
        path: "/me/order/987/payWithRegisteredPaymentMean",
        body: { paymentMean: "fidelityAccount" },
      },
    ]);
  });

  it("filters payment methods and orders with the schema's query names", async () => {
    const ovh = new FakeOvh().reply([3], [987]);
    await order.listPaymentMethods(ovh, { default: true });
    await order.listOrders(ovh, { dateFrom: "2024-06-01T00:00:00Z" });
    expect(ovh.requests).toEqual([
      { method: "GET", path: "/me/payment/method", query: { default: true } },
      { method: "GET", path: "/me/order", query: { "date.from": "2024-06-01T00:00:00Z" } },
    ]);
  });

  it("parses a bare status string, known or not", async () => {
    const ovh = new FakeOvh().reply("delivered", "onHold");
    await expect(order.getOrderStatus(ovh, 987)).resolves.toBe("delivered");
    await expect(order.getOrderStatus(ovh, 987)).resolves.toBe("onHold");
    expect(ovh.requests[0]).toEqual({ method: "GET", path: "/me/order/987/status" });
  });

  it("parses order details and their extension (service name lookup)", async () => {
    const detail = {
      cancelled: false,
      description: "Office 365",
      detailType: "DURATION",
      domain: "csp2-12345",
      orderDetailId: 5,
      quantity: "1",
      totalPrice: eur(0),
      unitPrice: eur(0),
      surprise: "kept",
    };
    const extension = {
      order: {
        action: null,
        configurations: [{ label: "mpnId", value: "1234567" }],
        plan: {
          code: "csp2-plan",
          duration: "P1M",
          pricingMode: "default",
          product: { name: "csp2" },
          quantity: 1,
        },
        type: "plan",
      },
    };
    const ovh = new FakeOvh().reply([5], detail, extension);
    await expect(order.listOrderDetails(ovh, 987)).resolves.toEqual([5]);
    await expect(order.getOrderDetail(ovh, 987, 5)).resolves.toEqual(detail);
    await expect(order.getOrderDetailExtension(ovh, 987, 5)).resolves.toEqual(extension);
    expect(ovh.requests.map((r) => r.path)).toEqual([
      "/me/order/987/details",
      "/me/order/987/details/5",
      "/me/order/987/details/5/extension",
    ]);
  });

  it("keeps unknown enum values in the follow-up and account", async () => {
    const followUp = [
      {
        step: "SHIPPING",
        status: "DONE",
        history: [{ date: "2024-06-01T00:00:00Z", description: "ok", label: "SOMETHING_NEW" }],
      },
    ];
    const me = {
      country: "FR",
      currency: { code: "EUR", symbol: "€" },
      email: "admin@example.test",
      legalform: "corporation",
      nichandle: "ab123-ovh",
      ovhCompany: "ovh",
      ovhSubsidiary: "XX",
      state: "complete",
      kycValidated: true,
    };
    const ovh = new FakeOvh().reply(followUp, me);
    await expect(order.getOrderFollowUp(ovh, 987)).resolves.toEqual(followUp);
    await expect(order.getMe(ovh)).resolves.toEqual(me);
  });

  it("rejects a checkout without prices, naming the operation and field", async () => {
    const { prices: _prices, ...broken } = checkout;
    const ovh = new FakeOvh().reply(broken);
    const error = await order.checkoutCart(ovh, "cart-1").catch((e) => e);
    expect(error).toBeInstanceOf(OvhResponseShapeError);
    expect(error.operation).toBe("POST /order/cart/{cartId}/checkout");
    expect(error.issues.map((i: { path: string }) => i.path)).toEqual(["prices"]);
  });

  it("rejects a wrong nested price field", async () => {
    const ovh = new FakeOvh().reply({
      ...item,
      prices: [{ label: "TOTAL", price: { ...eur(1), value: "1" } }],
    });
    await expect(order.getCartItem(ovh, "cart-1", 42)).rejects.toThrow(
      /GET \/order\/cart\/cart-1\/item\/42 .*at prices\[0\]\.price\.value/,
    );
  });
});
