/**
 * Where encoded blocks go once a worker has made them. The segment store
 * on local disk is the one every deployment has; outputs for larger ones
 * (ClickHouse, Kafka) take the same blocks through the same contract, so
 * a block is parsed, hashed and compressed once whatever it feeds.
 */
export interface BlockSink {
  /**
   * Queues one block (schemas/storage-format.md) of `tenant` for the UTC
   * hour starting at `hourStartMs`. Must not block the event loop: the
   * thread that calls it also reads the sockets.
   */
  append(tenant: string, hourStartMs: number, block: Uint8Array): void;
  /** Resolves once everything queued so far is durable. */
  flush(): Promise<void>;
  /** Writes what is queued, then releases files and connections. */
  close(): Promise<void>;
}
