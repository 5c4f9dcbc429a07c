import type { OvhRequest, OvhRequester } from "../../../provider/ovh/request";

/** A recording stand-in for the OVH client: answers with queued JSON values and keeps every request. */
export class FakeOvh implements OvhRequester {
  readonly requests: OvhRequest[] = [];
  private readonly answers: unknown[] = [];

  /** Queues answers, used in order; once empty, requests resolve with `null` (OVH `void`). */
  reply(...values: unknown[]): this {
    this.answers.push(...values);
    return this;
  }

  async request<T = unknown>(request: OvhRequest): Promise<T> {
    this.requests.push(request);
    const answer = this.answers.length > 0 ? this.answers.shift() : null;
    // Hand out a copy so a test can compare the parsed value with the fixture it queued.
    return (answer === undefined ? undefined : structuredClone(answer)) as T;
  }

  /** The only request sent so far (fails if there were none or several). */
  get only(): OvhRequest {
    if (this.requests.length !== 1)
      throw new Error(`expected exactly one request, got ${this.requests.length}`);
    return this.requests[0] as OvhRequest;
  }
}
