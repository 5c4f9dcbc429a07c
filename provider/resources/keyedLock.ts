/**
 * Pulumi runs resource operations in parallel, but some OVH mutations must not overlap: OVH refuses a new
 * task on a subscription that has one pending, and two orders of the same licence on one tenant could not be
 * told apart afterwards. Work is therefore queued per key (e.g. `sub:<tenant>:<id>`, `licence:<tenant>:<id>`)
 * while unrelated keys (other subscriptions, other tenants) proceed in parallel.
 */
const tails = new Map<string, Promise<void>>();

/** Runs `work` once every earlier holder of any of `keys` has finished. Keys are taken in sorted order. */
export async function withLocks<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const unique = [...new Set(keys)].sort();
  const releases: Array<() => void> = [];
  try {
    for (const key of unique) releases.push(await acquire(key));
    return await work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

async function acquire(key: string): Promise<() => void> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  return () => {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
}

export const lockKeys = {
  tenant: (serviceName: string) => `tenant:${serviceName}`,
  subscription: (serviceName: string, id: number) => `sub:${serviceName}:${id}`,
  licenceOrder: (serviceName: string, licenseId: number) => `licence:${serviceName}:${licenseId}`,
  /** Orders of the same new tenant within a run (same MPN ID, contact e-mail and display name). */
  tenantOrder: (mpnId: string, email: string, displayName: string) =>
    `tenant-order:${mpnId}:${email.toLowerCase()}:${displayName}`,
  /** Record changes of one DNS zone (several DomainAutoConfig may share a zone). */
  dnsZone: (zoneName: string) => `zone:${zoneName.toLowerCase()}`,
};
