/**
 * Building the OVH order cart for a new tenant, up to its checkout (REFERENCE §4).
 *
 * Steps: cart → assign → offers → item (`offer.ts` picks plan, duration, pricing mode) → requiredConfiguration →
 * one configuration per label (`configuration.ts` maps the inputs onto them) → checkout dry run (the price is
 * logged) → the account's tenants are listed (a source of the delivered tenant's name, `delivery.ts`) → the
 * checkout (`checkout.ts`, the billing point).
 *
 * Everything before the checkout is free and undone by deleting the cart. After a checkout that may have
 * happened the cart is evidence: it is kept and the order recorded as unconfirmed (`CheckoutUnconfirmedError`).
 */
import * as order from "../../api/order";
import type { ConfigurationRequirements, Order } from "../../api/order";
import * as csp2 from "../../api/csp2";
import { errorText, inContext } from "../errors";
import type { ResourceContext } from "../types";
import { checkout, CheckoutRefusedError, CheckoutUnconfirmedError } from "./checkout";
import { describeMissingLabels, planConfiguration, type ConfigurationValues } from "./configuration";
import { chooseOffer, type OfferChoice } from "./offer";
import { ORDERS_URL, type OrderRecord, type PlacedOrder } from "./orderRecord";

/** What to order. */
export interface OrderRequest {
  readonly ovhSubsidiary: string;
  readonly planCode?: string;
  readonly duration?: string;
  readonly pricingMode?: string;
  readonly waiveRetractationPeriod: boolean;
  readonly values: ConfigurationValues;
  readonly extraConfiguration: Readonly<Record<string, string>>;
  /** Names the order in messages: the tenant's display name. */
  readonly displayName: string;
}

/** Runs one cart call; a failure says which step failed (and, with `hint`, what to do). */
async function step<T>(action: string, run: () => Promise<T>, hint?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw inContext(action, error, hint);
  }
}

/**
 * Fills a cart and checks it out. Resolves with the order; throws `CheckoutUnconfirmedError` when the checkout
 * may have created an order that could not be found; any other error means nothing was ordered (the cart is
 * deleted).
 */
export async function placeOrder(ctx: ResourceContext, request: OrderRequest): Promise<PlacedOrder> {
  const { ovh } = ctx;
  const what = `Ordering Office 365 tenant "${request.displayName}"`;
  const cart = await step(`${what}: creating an order cart (subsidiary ${request.ovhSubsidiary})`, () =>
    order.createCart(ovh, {
      ovhSubsidiary: request.ovhSubsidiary,
      description: `pulumi office365 tenant ${request.displayName}`.slice(0, 100),
    }),
  );
  const cartId = cart.cartId;
  const inCart = `${what}, cart ${cartId}`;
  let checkoutSent = false;
  let record: OrderRecord | undefined;
  try {
    await step(`${inCart}: assigning the cart to the account`, () => order.assignCart(ovh, cartId));
    const offers = await step(`${inCart}: listing csp2 offers`, () => order.listCsp2Offers(ovh, cartId));
    const choice = chooseOffer(offers, request);
    const item = await step(
      `${inCart}: adding plan ${choice.planCode} (${choice.duration}, ${choice.pricingMode})`,
      () =>
        order.addCsp2Item(ovh, cartId, {
          planCode: choice.planCode,
          duration: choice.duration,
          pricingMode: choice.pricingMode,
          quantity: choice.quantity,
        }),
    );
    const requirements: ConfigurationRequirements[] = await step(
      `${inCart}: reading the configuration plan ${choice.planCode} requires`,
      () => order.getItemRequiredConfiguration(ovh, cartId, item.itemId),
    );
    const plan = planConfiguration(requirements, request.values, request.extraConfiguration);
    if (plan.missing.length > 0) {
      throw new Error(
        `${what}: ${describeMissingLabels(choice.planCode, requirements, plan.missing)}\nNothing was ordered.`,
      );
    }
    for (const configuration of plan.configurations) {
      await step(
        `${inCart}: setting configuration "${configuration.label}" (from ${configuration.from})`,
        () =>
          order.addItemConfiguration(ovh, cartId, item.itemId, {
            label: configuration.label,
            value: configuration.value,
          }),
        `Check ${configuration.from}; nothing was ordered.`,
      );
    }
    const preview = await step(`${inCart}: pricing the order (checkout dry run)`, () =>
      order.previewCheckout(ovh, cartId),
    );
    ctx.log?.info(describePrice(request.displayName, choice, preview, request.waiveRetractationPeriod));
    const tenantsBefore = await step(`${inCart}: listing the account's tenants before the checkout`, () =>
      csp2.listTenants(ovh),
    );

    record = {
      cartId,
      orderId: null,
      ovhSubsidiary: request.ovhSubsidiary,
      planCode: choice.planCode,
      duration: choice.duration,
      pricingMode: choice.pricingMode,
      configuration: plan.configurations.map(({ label, value }) => ({ label, value })),
      checkoutStartedAt: new Date().toISOString(),
      waiveRetractationPeriod: request.waiveRetractationPeriod,
      tenantsBefore,
    };
    checkoutSent = true;
    return await checkout(ctx, record);
  } catch (error) {
    // Before the checkout, or after a checkout that provably did not happen, the cart is just litter. After a
    // checkout that may have happened it is evidence: kept, and the order recorded as unconfirmed.
    if (!checkoutSent || !record || error instanceof CheckoutRefusedError) {
      await deleteCartQuietly(ctx, cartId);
      throw error;
    }
    if (error instanceof CheckoutUnconfirmedError) throw error;
    throw new CheckoutUnconfirmedError(
      `${what}: the checkout of cart ${cartId} may have created an order, and following it up failed: ` +
        `${errorText(error)}. Nothing will be ordered again for this resource: the next ` +
        `\`pulumi up\` looks for the order first. Check ${ORDERS_URL} meanwhile.`,
      record,
      { cause: error },
    );
  }
}

async function deleteCartQuietly(ctx: ResourceContext, cartId: string): Promise<void> {
  try {
    await order.deleteCart(ctx.ovh, cartId);
  } catch (error) {
    ctx.log?.warn(
      `Could not delete order cart ${cartId} (${errorText(error)}); OVH drops unused carts by itself.`,
    );
  }
}

function describePrice(displayName: string, choice: OfferChoice, preview: Order, waive: boolean): string {
  const p = preview.prices;
  const contracts = preview.contracts.map((c) => c.name).join(", ");
  return (
    `Ordering Office 365 tenant "${displayName}": plan ${choice.planCode}, duration ${choice.duration}, pricing mode ` +
    `${choice.pricingMode}. OVH will bill ${p.withoutTax.text} excl. tax (${p.withTax.text} incl. tax) for this order` +
    (contracts ? `; contracts: ${contracts}` : "") +
    (waive ? "; the retractation period is waived." : ".")
  );
}
