import type { OvhRequester } from "../ovh/request";

/** What every resource operation gets: the OVH client and how long it may wait for OVH's tasks. */
export interface ResourceContext {
  readonly ovh: OvhRequester;
  /** Upper bound for following one OVH task or order to its end, in milliseconds. */
  readonly operationTimeoutMs?: number;
  /** Progress and warnings meant for the person running Pulumi (never secrets). */
  readonly log?: ResourceLog;
}

export interface ResourceLog {
  info(message: string): void;
  warn(message: string): void;
}

/** A refusal produced by `check`, named after the user's property. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface CheckResult<I> {
  /** The normalised inputs (defaults applied), present when there are no failures. */
  readonly inputs?: I;
  readonly failures: CheckFailure[];
  /**
   * What the change will bill, for the person reviewing the preview (never secrets). The adapters attach each
   * note to the resource as a Pulumi warning (native provider: the engine's log with the resource's URN; SDK:
   * the preview outputs, logged by the SDK class with `pulumi.log.warn(message, resource)`).
   */
  readonly notes?: string[];
  /** The monthly amounts before and after the change, when OVH gives a price (for a change set's total). */
  readonly amounts?: BillingAmounts;
}

export interface BillingAmounts {
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly currency: string;
}

export interface DiffResult {
  readonly changes: boolean;
  /** Properties whose change forces a replacement. */
  readonly replaces: string[];
  /** Properties that change in place or by replacement (for detailed diffs in the native provider). */
  readonly changedKeys: string[];
  readonly deleteBeforeReplace?: boolean;
}

export interface CreateResult<O> {
  readonly id: string;
  readonly outs: O;
}

export interface ReadResult<I, O> {
  /** Undefined when the object no longer exists at OVH: Pulumi then drops it from state. */
  readonly id?: string;
  readonly props?: O;
  /** Inputs that reproduce the live object (used for import and for drift on refresh). */
  readonly inputs?: I;
}

/**
 * The business rules of one resource type, independent of how Pulumi calls them
 * (dynamic provider or native provider). `olds` are always the previous outputs.
 */
export interface ResourceHandler<I, O> {
  /**
   * Validates and normalises inputs. `ctx` is undefined when no OVH access is wanted (pure validation); with it,
   * only read-only calls are allowed (check runs during preview). `olds` are the previous inputs, if any.
   */
  check(
    news: Record<string, unknown>,
    ctx: ResourceContext | undefined,
    olds?: Record<string, unknown>,
  ): Promise<CheckResult<I>>;
  diff(id: string, olds: O, news: I): DiffResult;
  create(inputs: I, ctx: ResourceContext): Promise<CreateResult<O>>;
  read(id: string, olds: Partial<O> | undefined, ctx: ResourceContext): Promise<ReadResult<I, O>>;
  update(id: string, olds: O, news: I, ctx: ResourceContext): Promise<O>;
  delete(id: string, olds: O, ctx: ResourceContext): Promise<void>;
}
