import type { ParsedMessage } from '../parse/message.js';

/**
 * One event as the worker hands it to the column builder. The worker
 * reuses a single object for a whole batch, so a builder must copy what
 * it keeps (the `original` view points into shared ring memory).
 */
export interface EventRow {
  /** Receive time, ms since the epoch. */
  received: number;
  /** The raw frame bytes as received (after framing and truncation). */
  original: Uint8Array;
  /** SHA-256 of `original`, 32 bytes. */
  hash: Uint8Array;
  parsed: ParsedMessage;
  sourceAddress: string;
  sourcePort: number;
  transport: Transport;
  listener: string;
  category: string;
  eventType: string;
  riskScore: number;
  /** Bit set of `RowFlag`. */
  flags: number;
}

export const enum Transport {
  udp = 1,
  tcp = 2,
  tls = 3,
}

export const enum RowFlag {
  /** The frame was longer than the size limit and was cut. */
  truncated = 1,
  /** The connection closed or the daemon stopped mid-frame. */
  incomplete = 2,
}
