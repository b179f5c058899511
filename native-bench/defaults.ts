/**
 * The daemon's defaults that shape the socket side (daemon/config.ts),
 * and the one peer every bench frame comes from.
 */
import { addressBytes, type Origin } from '../daemon/ring.js';
import { Transport } from '../workers/encode/row.js';

/** pipeline.ring_bytes */
export const kRingBytes = 64 * 1024 * 1024;
/** pipeline.batch_max_messages */
export const kBatchMessages = 16_384;
/** What daemon/main.ts allows one batch of the ring. */
export const kBatchBytes = kRingBytes >> 3;
/** max_message_bytes of a TCP listener. */
export const kMaxFrameBytes = 64 * 1024;

export const benchOrigin: Origin = {
  tenant: 0,
  listener: 0,
  transport: Transport.tcp,
  address: addressBytes('192.0.2.10'),
  port: 51514,
  id: 1,
};
