/**
 * Counters in shared memory, written with Atomics by the socket side and
 * the workers, read by the HTTP endpoint. One row of `kTenantCounters`
 * per tenant, then the global counters. BigInt64 so a counter never
 * wraps in a service's lifetime; writers add per batch, not per message.
 *
 *   [tenant 0: received udp, tcp, tls, bytes, parsed, parse errors,
 *              truncated, stored, dropped no-tenant]
 *   [tenant 1: ...] ... [global: see GlobalCounter]
 */

export const enum TenantCounter {
  receivedUdp = 0,
  receivedTcp = 1,
  receivedTls = 2,
  bytes = 3,
  parsed = 4,
  parseErrors = 5,
  truncated = 6,
  stored = 7,
}
export const kTenantCounters = 8;

export const enum GlobalCounter {
  dropRingFull = 0,
  dropNoTenant = 1,
  dropStorageError = 2,
  dropWorkerError = 3,
  refusedNoTenant = 4,
  refusedTls = 5,
  connectionsOpened = 6,
  batches = 7,
  /** Unix ms when a health probe last passed through a worker. */
  probeSeenMs = 8,
  storedBytes = 9,
  dropEmpty = 10,
  connectionErrors = 11,
  refusedLimit = 12,
  queriesRefused = 13,
}
export const kGlobalCounters = 14;

/** Counted message drops and the `reason` label /metrics gives each. */
export const dropReasons: ReadonlyArray<readonly [GlobalCounter, string]> = [
  [GlobalCounter.dropRingFull, 'ring_full'],
  [GlobalCounter.dropNoTenant, 'no_tenant'],
  [GlobalCounter.dropStorageError, 'storage_error'],
  [GlobalCounter.dropWorkerError, 'worker_error'],
  [GlobalCounter.dropEmpty, 'empty'],
];

export function createCounterBuffer(tenants: number): SharedArrayBuffer {
  const n = tenants * kTenantCounters + kGlobalCounters;
  return new SharedArrayBuffer(n * BigInt64Array.BYTES_PER_ELEMENT);
}

export class Counters {
  readonly values: BigInt64Array;
  readonly tenants: number;
  private readonly globalBase: number;

  constructor(sab: SharedArrayBuffer) {
    this.values = new BigInt64Array(sab);
    this.globalBase = this.values.length - kGlobalCounters;
    this.tenants = this.globalBase / kTenantCounters;
  }

  addTenant(tenant: number, which: TenantCounter, n: number): void {
    if (n === 0) return;
    Atomics.add(this.values, tenant * kTenantCounters + which, BigInt(n));
  }

  tenant(tenant: number, which: TenantCounter): number {
    return Number(
      Atomics.load(this.values, tenant * kTenantCounters + which));
  }

  /** Messages of `tenant` accepted into the ring, all transports. */
  received(tenant: number): number {
    return this.tenant(tenant, TenantCounter.receivedUdp) +
      this.tenant(tenant, TenantCounter.receivedTcp) +
      this.tenant(tenant, TenantCounter.receivedTls);
  }

  addGlobal(which: GlobalCounter, n: number): void {
    if (n === 0) return;
    Atomics.add(this.values, this.globalBase + which, BigInt(n));
  }

  setGlobal(which: GlobalCounter, n: number): void {
    Atomics.store(this.values, this.globalBase + which, BigInt(n));
  }

  global(which: GlobalCounter): number {
    return Number(Atomics.load(this.values, this.globalBase + which));
  }
}
