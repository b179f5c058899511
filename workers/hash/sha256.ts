import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../daemon/paths.js';

/** Bytes of one SHA-256 digest. */
export const kDigestBytes = 32;

type BatchHasher = (
  data: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number,
  out: Uint8Array,
) => void;

/**
 * Hashes `count` frames of `data`, frame i being
 * `[starts[i], starts[i] + lengths[i])`, into `out` at `32 * i`.
 */
export let sha256Batch: BatchHasher;

/** Which implementation `sha256Batch` is, for logs and metrics. */
export let hashImplementation: 'native' | 'node:crypto';

// The addon is built by `npm ci` (binding.gyp). Where no compiler was
// found the daemon still runs, one node:crypto call per frame, about
// three times the cost.
try {
  const require = createRequire(import.meta.url);
  const addon = require(join(packageRoot(), 'build', 'Release',
    'sha256_batch.node')) as { sha256Batch: BatchHasher };
  sha256Batch = addon.sha256Batch;
  hashImplementation = 'native';
} catch {
  sha256Batch = cryptoBatch;
  hashImplementation = 'node:crypto';
}

/** The same contract on node:crypto, one call per frame. */
export function cryptoBatch(
  data: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number,
  out: Uint8Array,
): void {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    const digest = hash('sha256', buf.subarray(start, start + lengths[i]!),
      'buffer') as unknown as Buffer;
    out.set(digest, i * kDigestBytes);
  }
}
