import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compressSync } from 'lz4-napi';
import { packageRoot } from '../../daemon/paths.js';

interface Lz4Addon {
  lz4Compress(src: Uint8Array, dst: Uint8Array): number;
  lz4Bound(rawBytes: number): number;
}

/** Which compressor `compressColumn` uses, for logs and benchmarks. */
export let lz4Implementation: 'liblz4' | 'lz4-napi';
let addon: Lz4Addon | undefined;

// The addon is built from binding.gyp when liblz4's headers are there
// (Debian: liblz4-dev). Without it, lz4-napi writes the same layout at
// about half the speed.
try {
  const require = createRequire(import.meta.url);
  addon = require(join(packageRoot(), 'build', 'Release',
    'lz4_block.node')) as Lz4Addon;
  lz4Implementation = 'liblz4';
} catch {
  lz4Implementation = 'lz4-napi';
}

/**
 * One column payload as stored: the u32 little-endian raw length, then
 * one LZ4 block (schemas/storage-format.md). The result owns its memory.
 */
export function compressColumn(raw: Buffer): Buffer {
  if (addon === undefined) return compressSync(raw);
  const out = Buffer.allocUnsafeSlow(addon.lz4Bound(raw.length));
  const n = addon.lz4Compress(raw, out);
  return out.subarray(0, n);
}

/**
 * The lz4-napi path. The two compressors may choose different matches, so
 * their bytes can differ; both are plain LZ4 blocks that either decodes.
 */
export function compressColumnPortable(raw: Buffer): Buffer {
  return compressSync(raw);
}
