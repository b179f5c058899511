import { Counters, GlobalCounter, TenantCounter } from './counters.js';
import { RecordFlag, RingWriter, type Origin } from './ring.js';


/** Starts one pool task; resolves when the worker has finished it. */
export type Dispatch = () => void;

const kTransports = 4;
const kEmpty = Buffer.alloc(0);
const kProbeOrigin: Origin = {
  tenant: 0, listener: 0, transport: 0, address: Buffer.alloc(0), port: 0,
  id: 0,
};

/**
 * The socket side of the pipeline: listeners hand frames here, this copies
 * them into the ring, seals batches by size or age, announces each sealed
 * batch to the pool and wakes paused sockets when workers free space.
 * Received counts are summed locally and published to shared memory per
 * batch, so the per-message cost stays a few additions.
 */
export class Ingest {
  private readonly received: Float64Array;
  private readonly bytes: Float64Array;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private backlog = 0;
  /** Pool tasks started, to match against batches sealed. */
  private announced = 0;

  constructor(
    private readonly ring: RingWriter,
    private readonly counters: Counters,
    private readonly dispatch: Dispatch,
    private readonly maxDelayMs: number,
  ) {
    this.received = new Float64Array(counters.tenants * kTransports);
    this.bytes = new Float64Array(counters.tenants);
  }

  start(): void {
    const tick = Math.max(1, this.maxDelayMs >> 1);
    this.timer = setInterval(() => this.sealIfDue(), tick);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Copies one frame in; false when the ring is full. `received` is the
   * time its bytes were read: one clock read serves a whole socket read.
   */
  accept(
    origin: Origin, buf: Buffer, start: number, end: number, flags: number,
    received = Date.now(),
  ): boolean {
    const sealed = this.ring.write(origin, buf, start, end, received, flags);
    if (sealed < 0) {
      this.backlog++;
      return false;
    }
    this.received[origin.tenant * kTransports + origin.transport]!++;
    this.bytes[origin.tenant]! += end - start;
    if (sealed > 0) this.announce(sealed);
    return true;
  }

  /** A message that has to be dropped was counted by its reason. */
  drop(reason: GlobalCounter, n = 1): void {
    this.counters.addGlobal(reason, n);
  }

  /** Calls `resume` once, the next time workers free ring space. */
  waitForSpace(resume: () => void): void {
    this.waiters.add(resume);
  }

  forget(resume: () => void): void {
    this.waiters.delete(resume);
  }

  /** A health probe goes through the ring like a message, then is skipped. */
  probe(): void {
    const sealed = this.ring.write(kProbeOrigin, kEmpty, 0, 0, Date.now(),
      RecordFlag.probe);
    if (sealed > 0) this.announce(sealed);
  }

  /**
   * Seals the open batch now, whatever its size, and makes sure every
   * sealed batch has had its pool task: one without would wait forever.
   */
  flush(): void {
    if (this.ring.pendingCount > 0 && this.ring.seal()) this.announce(1);
    const unannounced = (this.ring.sealedCount - this.announced) | 0;
    if (unannounced > 0) this.announce(unannounced);
    this.publish();
  }

  /** Called when a pool task finished: reclaim space, wake the paused. */
  batchDone(): void {
    this.ring.reclaim();
    if (this.ring.pendingCount > 0 && this.backlog > 0 && this.ring.seal()) {
      // The ring was too full to seal: now there is a slot.
      this.announce(1);
    }
    this.backlog = 0;
    if (this.waiters.size === 0) return;

    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resume of waiting) resume();
  }

  /**
   * Frees batches claimed by worker threads that died, which would stall
   * the ring; their records are counted lost. Cheap: it scans in-flight
   * slots only.
   */
  abandonClaims(alive: ReadonlySet<number>): void {
    const lost = this.ring.abandonClaims(alive);
    if (lost === 0) return;
    this.counters.addGlobal(GlobalCounter.dropWorkerError, lost);
    this.batchDone();
  }

  get usedBytes(): number {
    return this.ring.usedBytes;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  get batchesInFlight(): number {
    return this.ring.batchesInFlight;
  }

  private sealIfDue(): void {
    if (this.ring.pendingCount > 0 &&
        Date.now() - this.ring.pendingSince >= this.maxDelayMs &&
        this.ring.seal()) {
      this.announce(1);
    }
    this.publish();
  }

  private announce(n: number): void {
    this.publish();
    this.announced = (this.announced + n) | 0;
    for (let i = 0; i < n; i++) this.dispatch();
  }

  /** Moves the locally summed counts into shared memory. */
  publish(): void {
    const r = this.received;
    for (let t = 0; t < this.counters.tenants; t++) {
      const base = t * kTransports;
      this.counters.addTenant(t, TenantCounter.receivedUdp, r[base + 1]!);
      this.counters.addTenant(t, TenantCounter.receivedTcp, r[base + 2]!);
      this.counters.addTenant(t, TenantCounter.receivedTls, r[base + 3]!);
      this.counters.addTenant(t, TenantCounter.bytes, this.bytes[t]!);
    }
    r.fill(0);
    this.bytes.fill(0);
  }
}
