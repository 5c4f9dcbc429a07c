/**
 * Ordering: the `/order/cart` flow for product `csp2` (schemas/order-cart-excerpt.json), and the
 * account side of an order under `/me` (schemas/me-order-excerpt.json): status, details, payment.
 *
 * Cart routes the schema marks `noAuthentication` are sent with `authenticated: false`.
 */
import { z } from "zod";
import type { OvhRequester } from "../ovh/request";
import { IdList, long, NameList, openEnum, Price, pickDefined, type OpenEnum } from "./common";
import { callOperation, callVoidOperation } from "./operation";

export { Price } from "./common";

// ---------------------------------------------------------------------------------------------
// Enums

export const OVH_SUBSIDIARIES = [
  "CZ",
  "DE",
  "ES",
  "EU",
  "FI",
  "FR",
  "GB",
  "IE",
  "IT",
  "LT",
  "MA",
  "NL",
  "PL",
  "PT",
  "SN",
  "TN",
] as const;
/** nichandle.OvhSubsidiaryEnum */
export type OvhSubsidiary = OpenEnum<(typeof OVH_SUBSIDIARIES)[number]>;
export const OvhSubsidiary = openEnum(OVH_SUBSIDIARIES);

export const PRODUCT_TYPES = [
  "cloud_service",
  "delivery",
  "deposit",
  "domain",
  "implementation_services",
  "saas_license",
  "shipping",
  "storage",
] as const;
/** order.cart.GenericProductTypeEnum */
export type ProductType = OpenEnum<(typeof PRODUCT_TYPES)[number]>;
export const ProductType = openEnum(PRODUCT_TYPES);

export const PRICING_CAPACITIES = [
  "consumption",
  "detach",
  "downgrade",
  "dynamic",
  "installation",
  "renew",
  "upgrade",
] as const;
/** order.cart.GenericProductPricingCapacitiesEnum */
export type PricingCapacity = OpenEnum<(typeof PRICING_CAPACITIES)[number]>;
export const PricingCapacity = openEnum(PRICING_CAPACITIES);

export const PRICING_TYPES = ["consumption", "purchase", "rental"] as const;
/** order.cart.GenericProductPricingTypeEnum */
export type PricingType = OpenEnum<(typeof PRICING_TYPES)[number]>;
export const PricingType = openEnum(PRICING_TYPES);

export const CART_PRICE_LABELS = ["DISCOUNT", "FEE", "PRICE", "RENEW", "TOTAL"] as const;
/** order.cart.PriceLabelEnum */
export type CartPriceLabel = OpenEnum<(typeof CART_PRICE_LABELS)[number]>;
export const CartPriceLabel = openEnum(CART_PRICE_LABELS);

export const ORDER_DETAIL_TYPES = [
  "ACCESSORY",
  "CAUTION",
  "CHOOSED",
  "CONSUMPTION",
  "CREATION",
  "DELIVERY",
  "DURATION",
  "GIFT",
  "INSTALLATION",
  "LICENSE",
  "MUTE",
  "OTHER",
  "OUTPLAN",
  "QUANTITY",
  "REFUND",
  "RENEW",
  "SPECIAL",
  "SWITCH",
  "TRANSFER",
  "VOUCHER",
] as const;
/** order.OrderDetailTypeEnum */
export type OrderDetailType = OpenEnum<(typeof ORDER_DETAIL_TYPES)[number]>;
export const OrderDetailType = openEnum(ORDER_DETAIL_TYPES);

export const REDUCTION_CONTEXTS = ["promotion", "voucher"] as const;
/** order.ReductionContextEnum */
export type ReductionContext = OpenEnum<(typeof REDUCTION_CONTEXTS)[number]>;
export const ReductionContext = openEnum(REDUCTION_CONTEXTS);

export const REDUCTION_TYPES = ["fixed_amount", "forced_amount", "percentage"] as const;
/** order.ReductionTypeEnum */
export type ReductionType = OpenEnum<(typeof REDUCTION_TYPES)[number]>;
export const ReductionType = openEnum(REDUCTION_TYPES);

export const ORDER_STATUSES = [
  "cancelled",
  "cancelling",
  "checking",
  "delivered",
  "delivering",
  "documentsRequested",
  "notPaid",
  "unknown",
] as const;
/** billing.order.OrderStatusEnum: where an order stands. */
export type OrderStatus = OpenEnum<(typeof ORDER_STATUSES)[number]>;
export const OrderStatus = openEnum(ORDER_STATUSES);

export const ITEM_DETAIL_ACTIONS = [
  "consumption",
  "detach",
  "installation",
  "renew",
  "revert",
  "upgrade",
] as const;
/** billing.ItemDetail.OrderActionEnum */
export type ItemDetailAction = OpenEnum<(typeof ITEM_DETAIL_ACTIONS)[number]>;
export const ItemDetailAction = openEnum(ITEM_DETAIL_ACTIONS);

export const ITEM_DETAIL_TYPES = ["plan", "product"] as const;
/** billing.ItemDetail.OrderDetailTypeEnum */
export type ItemDetailType = OpenEnum<(typeof ITEM_DETAIL_TYPES)[number]>;
export const ItemDetailType = openEnum(ITEM_DETAIL_TYPES);

export const ASSOCIATED_OBJECT_TYPES = ["Bill", "Deposit", "Refund", "ReverseBill", "Withdrawal"] as const;
/** billing.order.associatedObject.TypeEnum */
export type AssociatedObjectType = OpenEnum<(typeof ASSOCIATED_OBJECT_TYPES)[number]>;
export const AssociatedObjectType = openEnum(ASSOCIATED_OBJECT_TYPES);

export const FOLLOW_UP_STEPS = ["AVAILABLE", "DELIVERING", "VALIDATED", "VALIDATING"] as const;
/** billing.order.followUp.StepEnum */
export type FollowUpStep = OpenEnum<(typeof FOLLOW_UP_STEPS)[number]>;
export const FollowUpStep = openEnum(FOLLOW_UP_STEPS);

export const FOLLOW_UP_STATUSES = ["DOING", "DONE", "ERROR", "TODO"] as const;
/** billing.order.followUp.StatusEnum */
export type FollowUpStatus = OpenEnum<(typeof FOLLOW_UP_STATUSES)[number]>;
export const FollowUpStatus = openEnum(FOLLOW_UP_STATUSES);

export const FOLLOW_UP_HISTORY_LABELS = [
  "DELIVERY",
  "FRAUD_CHECK",
  "FRAUD_DOCS_REQUESTED",
  "FRAUD_MANUAL_REVIEW",
  "FRAUD_REFUSED",
  "INVOICE_IN_PROGRESS",
  "INVOICE_SENT",
  "ORDER_ACCEPTED",
  "ORDER_STARTED",
  "PAYMENT_CONFIRMED",
  "PAYMENT_INITIATED",
  "PAYMENT_RECEIVED",
  "REGISTERED_PAYMENT_INITIATED",
] as const;
/** billing.order.followUp.HistoryStatusEnum */
export type FollowUpHistoryLabel = OpenEnum<(typeof FOLLOW_UP_HISTORY_LABELS)[number]>;
export const FollowUpHistoryLabel = openEnum(FOLLOW_UP_HISTORY_LABELS);

export const REUSABLE_PAYMENT_MEANS = [
  "CREDIT_CARD",
  "CURRENT_ACCOUNT",
  "DEFERRED_PAYMENT_ACCOUNT",
  "DOMESTIC_CARD",
  "ENTERPRISE",
  "INTERNAL_TRUSTED_ACCOUNT",
  "PAYPAL",
  "RUPAY",
  "SEPA_DIRECT_DEBIT",
  "bankAccount",
  "creditCard",
  "deferredPaymentAccount",
  "fidelityAccount",
  "ovhAccount",
  "paypal",
] as const;
/** billing.ReusablePaymentMeanEnum */
export type ReusablePaymentMean = OpenEnum<(typeof REUSABLE_PAYMENT_MEANS)[number]>;

export const PAYMENT_METHOD_STATUSES = [
  "CANCELED",
  "CANCELING",
  "CREATED",
  "CREATING",
  "ERROR",
  "EXPIRED",
  "FAILED",
  "MAINTENANCE",
  "PAUSED",
  "REJECTED",
  "REPLACED",
  "VALID",
  "VALIDATING",
] as const;
/** me.payment.method.StatusEnum */
export type PaymentMethodStatus = OpenEnum<(typeof PAYMENT_METHOD_STATUSES)[number]>;

export const OVH_COMPANIES = ["kimsufi", "ovh", "soyoustart"] as const;
/** nichandle.OvhCompanyEnum */
export type OvhCompany = OpenEnum<(typeof OVH_COMPANIES)[number]>;
export const OvhCompany = openEnum(OVH_COMPANIES);

export const LEGAL_FORMS = [
  "administration",
  "association",
  "corporation",
  "individual",
  "other",
  "personalcorporation",
] as const;
/** nichandle.LegalFormEnum */
export type LegalForm = OpenEnum<(typeof LEGAL_FORMS)[number]>;
export const LegalForm = openEnum(LEGAL_FORMS);

export const NICHANDLE_STATES = ["complete", "incomplete"] as const;
/** nichandle.StateEnum */
export type NichandleState = OpenEnum<(typeof NICHANDLE_STATES)[number]>;
export const NichandleState = openEnum(NICHANDLE_STATES);

export const PHONE_TYPES = ["landline", "mobile"] as const;
/** nichandle.PhoneTypeEnum */
export type PhoneType = OpenEnum<(typeof PHONE_TYPES)[number]>;
export const PhoneType = openEnum(PHONE_TYPES);

export const GENDERS = ["female", "male"] as const;
/** nichandle.GenderEnum */
export type Gender = OpenEnum<(typeof GENDERS)[number]>;
export const Gender = openEnum(GENDERS);

/** nichandle.CountryEnum (about 250 ISO codes plus `UNKNOWN`): kept as a plain string. */
export type Country = string;
/** nichandle.LanguageEnum (e.g. `fr_FR`, `en_GB`): kept as a plain string. */
export type Language = string;

// ---------------------------------------------------------------------------------------------
// Cart models

/** order.cart.Cart */
export const Cart = z.looseObject({
  cartId: z.string(),
  description: z.string(),
  expire: z.string().nullish(),
  items: z.array(long),
  readOnly: z.boolean(),
});
export type Cart = z.infer<typeof Cart>;

/** order.cart.Creation: body of `POST /order/cart`. */
export interface CartCreation {
  readonly ovhSubsidiary: OvhSubsidiary;
  readonly description?: string;
  /** ISO date-time after which OVH drops the cart. */
  readonly expire?: string;
}

/** order.cart.Update: body of `PUT /order/cart/{cartId}`. */
export interface CartUpdate {
  readonly description?: string;
  readonly expire?: string;
}

/** order.cart.GenericProductPricing: one way of paying for a plan. */
export const GenericProductPricing = z.looseObject({
  capacities: z.array(PricingCapacity),
  description: z.string(),
  /** ISO 8601 duration, e.g. `P1M`. */
  duration: z.string(),
  interval: long,
  maximumQuantity: long.nullish(),
  maximumRepeat: long.nullish(),
  minimumQuantity: long,
  minimumRepeat: long,
  price: Price,
  priceInUcents: long,
  pricingMode: z.string(),
  pricingType: PricingType,
});
export type GenericProductPricing = z.infer<typeof GenericProductPricing>;

/** order.cart.GenericProductDefinition: an orderable plan of a cart product. */
export const GenericProductDefinition = z.looseObject({
  planCode: z.string(),
  prices: z.array(GenericProductPricing),
  productName: z.string(),
  productType: ProductType,
});
export type GenericProductDefinition = z.infer<typeof GenericProductDefinition>;

/** order.cart.GenericOptionDefinition: an option orderable with a plan. */
export const GenericOptionDefinition = z.looseObject({
  exclusive: z.boolean(),
  family: z.string(),
  mandatory: z.boolean(),
  planCode: z.string(),
  prices: z.array(GenericProductPricing),
  productName: z.string(),
  productType: ProductType,
});
export type GenericOptionDefinition = z.infer<typeof GenericOptionDefinition>;

/** order.cart.GenericProductCreation: body of `POST /order/cart/{cartId}/csp2`. */
export interface GenericProductCreation {
  readonly planCode: string;
  /** ISO 8601 duration, e.g. `P1M`. */
  readonly duration: string;
  readonly pricingMode: string;
  readonly quantity: number;
}

/** order.cart.GenericOptionCreation: body of `POST /order/cart/{cartId}/csp2/options`. */
export interface GenericOptionCreation extends GenericProductCreation {
  /** The cart item the option belongs to. */
  readonly itemId: number;
}

/** order.cart.Promotion */
export const CartPromotion = z.looseObject({
  bundleWithPlanCodes: z.array(z.string()),
  endDate: z.string().nullish(),
  name: z.string(),
  price: Price,
  startDate: z.string(),
  tags: z.array(z.string()).nullish(),
  type: z.string(),
});
export type CartPromotion = z.infer<typeof CartPromotion>;

/** order.cart.Price: a labelled price line of a cart item. */
export const CartPrice = z.looseObject({
  label: CartPriceLabel,
  price: Price,
  promotions: z.array(CartPromotion).nullish(),
});
export type CartPrice = z.infer<typeof CartPrice>;

/** order.cart.ItemSettings */
export const ItemSettings = z.looseObject({
  planCode: z.string().nullish(),
  pricingMode: z.string().nullish(),
  quantity: long.nullish(),
});
export type ItemSettings = z.infer<typeof ItemSettings>;

/** order.cart.Item: one product line of a cart. */
export const Item = z.looseObject({
  cartId: z.string(),
  configurations: z.array(long).nullish(),
  duration: z.string().nullish(),
  itemId: long,
  offerId: z.string().nullish(),
  options: z.array(long),
  parentItemId: long.nullish(),
  prices: z.array(CartPrice),
  productId: z.string(),
  settings: ItemSettings,
});
export type Item = z.infer<typeof Item>;

/** order.cart.ItemUpdate: body of `PUT /order/cart/{cartId}/item/{itemId}`. */
export interface ItemUpdate {
  readonly duration?: string;
  readonly quantity?: number;
}

/** order.cart.ConfigurationRequirements: a configuration an item needs before checkout. */
export const ConfigurationRequirements = z.looseObject({
  fields: z.array(z.string()).nullish(),
  label: z.string(),
  required: z.boolean(),
  type: z.string(),
});
export type ConfigurationRequirements = z.infer<typeof ConfigurationRequirements>;

/** order.cart.ConfigurationItem: a configuration value set on an item. */
export const ConfigurationItem = z.looseObject({
  id: long,
  label: z.string(),
  value: z.string(),
});
export type ConfigurationItem = z.infer<typeof ConfigurationItem>;

/** order.cart.ItemConfigurationCreation */
export interface ItemConfigurationCreation {
  readonly label: string;
  /** Value or resource URL on API.OVH.COM. */
  readonly value: string;
}

/** order.cart.Checkout: body of `POST /order/cart/{cartId}/checkout`. */
export interface CheckoutOptions {
  readonly autoPayWithPreferredPaymentMethod?: boolean;
  readonly waiveRetractationPeriod?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Order models (checkout / summary)

/** order.Contract */
export const Contract = z.looseObject({
  content: z.string(),
  name: z.string(),
  url: z.string(),
});
export type Contract = z.infer<typeof Contract>;

/** order.Reduction */
export const Reduction = z.looseObject({
  context: ReductionContext,
  description: z.string(),
  price: Price,
  reductionDescription: z.string(),
  type: ReductionType,
  value: Price,
});
export type Reduction = z.infer<typeof Reduction>;

/** order.OrderDetail: one line of an order (before or at checkout). */
export const OrderDetail = z.looseObject({
  cartItemID: long.nullish(),
  description: z.string(),
  detailType: OrderDetailType.nullish(),
  /** Service name. */
  domain: z.string(),
  originalTotalPrice: Price,
  quantity: long,
  reductionTotalPrice: Price,
  reductions: z.array(Reduction),
  totalPrice: Price,
  unitPrice: Price,
});
export type OrderDetail = z.infer<typeof OrderDetail>;

/** order.OrderPrices */
export const OrderPrices = z.looseObject({
  originalWithoutTax: Price.nullish(),
  reduction: Price.nullish(),
  tax: Price,
  withTax: Price,
  withoutTax: Price,
});
export type OrderPrices = z.infer<typeof OrderPrices>;

/** order.Order: what a checkout costs (dry run) or created (`orderId` set). */
export const Order = z.looseObject({
  contracts: z.array(Contract),
  details: z.array(OrderDetail),
  orderId: long.nullish(),
  prices: OrderPrices,
  url: z.string().nullish(),
});
export type Order = z.infer<typeof Order>;

// ---------------------------------------------------------------------------------------------
// /me models

/** nichandle.Currency */
export const Currency = z.looseObject({
  code: z.string(),
  symbol: z.string(),
});
export type Currency = z.infer<typeof Currency>;

/** nichandle.Nichandle: the OVH account (`GET /me`). */
export const Nichandle = z.looseObject({
  address: z.string().nullish(),
  area: z.string().nullish(),
  birthCity: z.string().nullish(),
  birthDay: z.string().nullish(),
  city: z.string().nullish(),
  companyNationalIdentificationNumber: z.string().nullish(),
  complementaryAddress: z.string().nullish(),
  corporationType: z.string().nullish(),
  country: z.string(),
  currency: Currency,
  customerCode: z.string().nullish(),
  email: z.string(),
  fax: z.string().nullish(),
  firstname: z.string().nullish(),
  italianSDI: z.string().nullish(),
  kycValidated: z.boolean().nullish(),
  language: z.string().nullish(),
  legalform: LegalForm,
  name: z.string().nullish(),
  nationalIdentificationNumber: z.string().nullish(),
  nichandle: z.string(),
  organisation: z.string().nullish(),
  ovhCompany: OvhCompany,
  ovhSubsidiary: OvhSubsidiary,
  phone: z.string().nullish(),
  phoneCountry: z.string().nullish(),
  phoneType: PhoneType.nullish(),
  purposeOfPurchase: z.string().nullish(),
  sex: Gender.nullish(),
  spareEmail: z.string().nullish(),
  state: NichandleState,
  vat: z.string().nullish(),
  zip: z.string().nullish(),
});
export type Nichandle = z.infer<typeof Nichandle>;

/** billing.Order: an order placed on the account. */
export const BillingOrder = z.looseObject({
  date: z.string().nullish(),
  expirationDate: z.string().nullish(),
  orderId: long,
  password: z.string(),
  pdfUrl: z.string(),
  priceWithTax: Price,
  priceWithoutTax: Price,
  retractionDate: z.string().nullish(),
  tax: Price,
  url: z.string(),
});
export type BillingOrder = z.infer<typeof BillingOrder>;

/** billing.OrderDetail: one line of a placed order; `domain` is the service name. */
export const BillingOrderDetail = z.looseObject({
  cancelled: z.boolean(),
  description: z.string(),
  detailType: OrderDetailType.nullish(),
  /** Service name. */
  domain: z.string(),
  orderDetailId: long,
  /** A string here, unlike order.OrderDetail. */
  quantity: z.string(),
  totalPrice: Price,
  unitPrice: Price,
});
export type BillingOrderDetail = z.infer<typeof BillingOrderDetail>;

/** billing.ItemDetail.OrderConfiguration */
export const ItemDetailConfiguration = z.looseObject({
  label: z.string(),
  value: z.string(),
});
export type ItemDetailConfiguration = z.infer<typeof ItemDetailConfiguration>;

/** billing.ItemDetail.OrderPlanProduct */
export const ItemDetailPlanProduct = z.looseObject({
  name: z.string().nullish(),
});
export type ItemDetailPlanProduct = z.infer<typeof ItemDetailPlanProduct>;

/** billing.ItemDetail.OrderPlan */
export const ItemDetailPlan = z.looseObject({
  code: z.string().nullish(),
  duration: z.string().nullish(),
  pricingMode: z.string().nullish(),
  product: ItemDetailPlanProduct,
  quantity: long.nullish(),
});
export type ItemDetailPlan = z.infer<typeof ItemDetailPlan>;

/** billing.ItemDetail.Order */
export const ItemDetailOrder = z.looseObject({
  action: ItemDetailAction.nullish(),
  configurations: z.array(ItemDetailConfiguration),
  plan: ItemDetailPlan,
  type: ItemDetailType.nullish(),
});
export type ItemDetailOrder = z.infer<typeof ItemDetailOrder>;

/** billing.ItemDetail: what was ordered on an order line (plan code, configuration). */
export const ItemDetail = z.looseObject({
  order: ItemDetailOrder,
});
export type ItemDetail = z.infer<typeof ItemDetail>;

/** billing.order.AssociatedObject: the bill (or other object) an order produced. */
export const AssociatedObject = z.looseObject({
  id: z.string().nullish(),
  type: AssociatedObjectType.nullish(),
});
export type AssociatedObject = z.infer<typeof AssociatedObject>;

/** billing.order.followUp.History */
export const FollowUpHistory = z.looseObject({
  date: z.string(),
  description: z.string(),
  label: FollowUpHistoryLabel,
});
export type FollowUpHistory = z.infer<typeof FollowUpHistory>;

/** billing.order.FollowUp: progress of one step of an order. */
export const FollowUp = z.looseObject({
  history: z.array(FollowUpHistory),
  status: FollowUpStatus,
  step: FollowUpStep,
});
export type FollowUp = z.infer<typeof FollowUp>;

/** nichandle.EmailNotification: an e-mail OVH sent to the account. */
export const EmailNotification = z.looseObject({
  body: z.string(),
  date: z.string(),
  id: long,
  subject: z.string(),
});
export type EmailNotification = z.infer<typeof EmailNotification>;

// ---------------------------------------------------------------------------------------------
// Cart operations

/** Lists the ids of the account's carts (signed), optionally by description. */
export function listCarts(ovh: OvhRequester, options: { description?: string } = {}): Promise<string[]> {
  return callOperation(ovh, "GET /order/cart", NameList, { query: { description: options.description } });
}

/** Creates an (anonymous) cart; assign it to the account before checkout. */
export function createCart(ovh: OvhRequester, creation: CartCreation): Promise<Cart> {
  return callOperation(ovh, "POST /order/cart", Cart, {
    body: pickDefined(creation, ["ovhSubsidiary", "description", "expire"]),
    authenticated: false,
  });
}

/** Reads a cart. */
export function getCart(ovh: OvhRequester, cartId: string): Promise<Cart> {
  return callOperation(ovh, "GET /order/cart/{cartId}", Cart, { params: { cartId }, authenticated: false });
}

/** Changes a cart's description or expiry. */
export function updateCart(ovh: OvhRequester, cartId: string, changes: CartUpdate): Promise<Cart> {
  return callOperation(ovh, "PUT /order/cart/{cartId}", Cart, {
    params: { cartId },
    body: pickDefined(changes, ["description", "expire"]),
    authenticated: false,
  });
}

/** Deletes a cart (signed). */
export function deleteCart(ovh: OvhRequester, cartId: string): Promise<void> {
  return callVoidOperation(ovh, "DELETE /order/cart/{cartId}", { params: { cartId } });
}

/** Attaches a cart to the authenticated account (signed). */
export function assignCart(ovh: OvhRequester, cartId: string): Promise<void> {
  return callVoidOperation(ovh, "POST /order/cart/{cartId}/assign", { params: { cartId } });
}

/** Lists the orderable `csp2` plans with their prices. */
export function listCsp2Offers(ovh: OvhRequester, cartId: string): Promise<GenericProductDefinition[]> {
  return callOperation(ovh, "GET /order/cart/{cartId}/csp2", z.array(GenericProductDefinition), {
    params: { cartId },
    authenticated: false,
  });
}

/** Adds a `csp2` plan to the cart. */
export function addCsp2Item(
  ovh: OvhRequester,
  cartId: string,
  product: GenericProductCreation,
): Promise<Item> {
  return callOperation(ovh, "POST /order/cart/{cartId}/csp2", Item, {
    params: { cartId },
    body: {
      planCode: product.planCode,
      duration: product.duration,
      pricingMode: product.pricingMode,
      quantity: product.quantity,
    },
    authenticated: false,
  });
}

/** Lists the options orderable with a `csp2` plan. */
export function listCsp2Options(
  ovh: OvhRequester,
  cartId: string,
  planCode: string,
): Promise<GenericOptionDefinition[]> {
  return callOperation(ovh, "GET /order/cart/{cartId}/csp2/options", z.array(GenericOptionDefinition), {
    params: { cartId },
    query: { planCode },
    authenticated: false,
  });
}

/** Adds a `csp2` option to an item of the cart. */
export function addCsp2Option(
  ovh: OvhRequester,
  cartId: string,
  option: GenericOptionCreation,
): Promise<Item> {
  return callOperation(ovh, "POST /order/cart/{cartId}/csp2/options", Item, {
    params: { cartId },
    body: {
      itemId: option.itemId,
      planCode: option.planCode,
      duration: option.duration,
      pricingMode: option.pricingMode,
      quantity: option.quantity,
    },
    authenticated: false,
  });
}

/** Lists the ids of the cart's items. */
export function listCartItems(ovh: OvhRequester, cartId: string): Promise<number[]> {
  return callOperation(ovh, "GET /order/cart/{cartId}/item", IdList, {
    params: { cartId },
    authenticated: false,
  });
}

/** Reads one cart item. */
export function getCartItem(ovh: OvhRequester, cartId: string, itemId: number): Promise<Item> {
  return callOperation(ovh, "GET /order/cart/{cartId}/item/{itemId}", Item, {
    params: { cartId, itemId },
    authenticated: false,
  });
}

/** Changes a cart item's duration or quantity. */
export function updateCartItem(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
  changes: ItemUpdate,
): Promise<Item> {
  return callOperation(ovh, "PUT /order/cart/{cartId}/item/{itemId}", Item, {
    params: { cartId, itemId },
    body: pickDefined(changes, ["duration", "quantity"]),
    authenticated: false,
  });
}

/** Removes an item from the cart. */
export function deleteCartItem(ovh: OvhRequester, cartId: string, itemId: number): Promise<void> {
  return callVoidOperation(ovh, "DELETE /order/cart/{cartId}/item/{itemId}", {
    params: { cartId, itemId },
    authenticated: false,
  });
}

/** Lists the ids of an item's configuration values, optionally by label. */
export function listItemConfigurations(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
  options: { label?: string } = {},
): Promise<number[]> {
  return callOperation(ovh, "GET /order/cart/{cartId}/item/{itemId}/configuration", IdList, {
    params: { cartId, itemId },
    query: { label: options.label },
    authenticated: false,
  });
}

/** Sets one configuration value (label → value) on an item. */
export function addItemConfiguration(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
  configuration: ItemConfigurationCreation,
): Promise<ConfigurationItem> {
  return callOperation(ovh, "POST /order/cart/{cartId}/item/{itemId}/configuration", ConfigurationItem, {
    params: { cartId, itemId },
    body: { label: configuration.label, value: configuration.value },
    authenticated: false,
  });
}

/** Reads one configuration value of an item. */
export function getItemConfiguration(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
  configurationId: number,
): Promise<ConfigurationItem> {
  return callOperation(
    ovh,
    "GET /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}",
    ConfigurationItem,
    { params: { cartId, itemId, configurationId }, authenticated: false },
  );
}

/** Removes one configuration value from an item. */
export function deleteItemConfiguration(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
  configurationId: number,
): Promise<void> {
  return callVoidOperation(ovh, "DELETE /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}", {
    params: { cartId, itemId, configurationId },
    authenticated: false,
  });
}

/** Lists the configurations an item needs before checkout. */
export function getItemRequiredConfiguration(
  ovh: OvhRequester,
  cartId: string,
  itemId: number,
): Promise<ConfigurationRequirements[]> {
  return callOperation(
    ovh,
    "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration",
    z.array(ConfigurationRequirements),
    { params: { cartId, itemId }, authenticated: false },
  );
}

/** Dry run of the checkout: prices and contracts, no order is created (signed). */
export function previewCheckout(ovh: OvhRequester, cartId: string): Promise<Order> {
  return callOperation(ovh, "GET /order/cart/{cartId}/checkout", Order, { params: { cartId } });
}

/** Validates the cart into an order (signed); the answer carries the `orderId`. */
export function checkoutCart(
  ovh: OvhRequester,
  cartId: string,
  options: CheckoutOptions = {},
): Promise<Order> {
  return callOperation(ovh, "POST /order/cart/{cartId}/checkout", Order, {
    params: { cartId },
    body: pickDefined(options, ["autoPayWithPreferredPaymentMethod", "waiveRetractationPeriod"]),
  });
}

/** Reads the cart's price summary. */
export function getCartSummary(ovh: OvhRequester, cartId: string): Promise<Order> {
  return callOperation(ovh, "GET /order/cart/{cartId}/summary", Order, {
    params: { cartId },
    authenticated: false,
  });
}

// ---------------------------------------------------------------------------------------------
// /me operations

/** Reads the authenticated account (subsidiary, currency, contact). */
export function getMe(ovh: OvhRequester): Promise<Nichandle> {
  return callOperation(ovh, "GET /me", Nichandle);
}

/** Lists the ids of the account's orders, optionally within a date range (ISO date-times). */
export function listOrders(
  ovh: OvhRequester,
  options: { dateFrom?: string; dateTo?: string } = {},
): Promise<number[]> {
  return callOperation(ovh, "GET /me/order", IdList, {
    query: { "date.from": options.dateFrom, "date.to": options.dateTo },
  });
}

/** Reads one order. */
export function getOrder(ovh: OvhRequester, orderId: number): Promise<BillingOrder> {
  return callOperation(ovh, "GET /me/order/{orderId}", BillingOrder, { params: { orderId } });
}

/** Reads the object (bill, refund…) an order produced. */
export function getOrderAssociatedObject(ovh: OvhRequester, orderId: number): Promise<AssociatedObject> {
  return callOperation(ovh, "GET /me/order/{orderId}/associatedObject", AssociatedObject, {
    params: { orderId },
  });
}

/** Lists the ids of an order's lines. */
export function listOrderDetails(ovh: OvhRequester, orderId: number): Promise<number[]> {
  return callOperation(ovh, "GET /me/order/{orderId}/details", IdList, { params: { orderId } });
}

/** Reads one order line; its `domain` is the service name. */
export function getOrderDetail(
  ovh: OvhRequester,
  orderId: number,
  orderDetailId: number,
): Promise<BillingOrderDetail> {
  return callOperation(ovh, "GET /me/order/{orderId}/details/{orderDetailId}", BillingOrderDetail, {
    params: { orderId, orderDetailId },
  });
}

/** Reads what was ordered on an order line (plan code, configuration). */
export function getOrderDetailExtension(
  ovh: OvhRequester,
  orderId: number,
  orderDetailId: number,
): Promise<ItemDetail> {
  return callOperation(ovh, "GET /me/order/{orderId}/details/{orderDetailId}/extension", ItemDetail, {
    params: { orderId, orderDetailId },
  });
}

/** Reads the step-by-step progress of an order. */
export function getOrderFollowUp(ovh: OvhRequester, orderId: number): Promise<FollowUp[]> {
  return callOperation(ovh, "GET /me/order/{orderId}/followUp", z.array(FollowUp), { params: { orderId } });
}

/** Pays an order with one of the account's payment methods. */
export function payOrder(ovh: OvhRequester, orderId: number, paymentMethodId: number): Promise<void> {
  return callVoidOperation(ovh, "POST /me/order/{orderId}/pay", {
    params: { orderId },
    body: { paymentMethod: { id: paymentMethodId } },
  });
}

/** Pays an order with a registered payment mean (e.g. `fidelityAccount` for a zero total). */
export function payOrderWithRegisteredPaymentMean(
  ovh: OvhRequester,
  orderId: number,
  payment: { paymentMean: ReusablePaymentMean; paymentMeanId?: number },
): Promise<void> {
  return callVoidOperation(ovh, "POST /me/order/{orderId}/payWithRegisteredPaymentMean", {
    params: { orderId },
    body: pickDefined(payment, ["paymentMean", "paymentMeanId"]),
  });
}

/** Reads where an order stands (`delivered`, `checking`…). */
export function getOrderStatus(ovh: OvhRequester, orderId: number): Promise<OrderStatus> {
  return callOperation(ovh, "GET /me/order/{orderId}/status", OrderStatus, { params: { orderId } });
}

/** Lists the ids of the account's payment methods, optionally filtered. */
export function listPaymentMethods(
  ovh: OvhRequester,
  options: { default?: boolean; paymentType?: string; status?: PaymentMethodStatus } = {},
): Promise<number[]> {
  return callOperation(ovh, "GET /me/payment/method", IdList, {
    query: { default: options.default, paymentType: options.paymentType, status: options.status },
  });
}

/** Lists the ids of the e-mails OVH sent to the account (e.g. to find a termination token). */
export function listEmailNotifications(ovh: OvhRequester): Promise<number[]> {
  return callOperation(ovh, "GET /me/notification/email/history", IdList);
}

/** Reads one e-mail OVH sent to the account. */
export function getEmailNotification(ovh: OvhRequester, notificationId: number): Promise<EmailNotification> {
  return callOperation(ovh, "GET /me/notification/email/history/{id}", EmailNotification, {
    params: { id: notificationId },
  });
}
