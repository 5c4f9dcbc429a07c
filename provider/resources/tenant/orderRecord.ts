/**
 * What ordering a tenant leaves behind: the `OrderRecord` (kept in Pulumi state while an order is pending, so a
 * later run can find the same order instead of placing another) and the order once the checkout gave its id.
 *
 * Its own module because every step of the order reads it: the cart fills it (`cart.ts`), the checkout settles
 * its `orderId` (`checkout.ts`), delivery follows it (`delivery.ts`) and the resource's outputs carry it
 * (`inputs.ts`, `pendingOrder`).
 */

/**
 * What was (or may have been) ordered: kept in Pulumi state while an order is pending, so a later run can find
 * the order again. Plain JSON.
 */
export interface OrderRecord {
  readonly cartId: string;
  /** Null while the checkout's outcome is unknown. */
  readonly orderId: number | null;
  readonly ovhSubsidiary: string;
  readonly planCode: string;
  readonly duration: string;
  readonly pricingMode: string;
  /** The configuration sent with the item: what identifies our order among the account's orders. */
  readonly configuration: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  /** ISO date-time just before the checkout was sent. */
  readonly checkoutStartedAt: string;
  /**
   * The account's tenants right before the checkout: a tenant absent from it is a candidate for the delivered
   * one (the second source of its service name). Absent in records written by older versions.
   */
  readonly tenantsBefore?: readonly string[];
  readonly waiveRetractationPeriod: boolean;
}

/** An order whose checkout is settled: OVH gave (or we found) its order id. */
export type PlacedOrder = OrderRecord & { readonly orderId: number };

/** Where the user checks an order by hand (named in messages). */
export const ORDERS_URL = "https://www.ovh.com/manager/#/dedicated/billing/orders";

/** `cart <cartId>` or `cart <cartId>, order <orderId>`, for messages about a pending order. */
export function describeCartAndOrder(record: OrderRecord): string {
  return `cart ${record.cartId}${record.orderId === null ? "" : `, order ${record.orderId}`}`;
}
