/**
 * SHA-256 of every corpus line, against the bound `openssl speed` sets
 * on this machine for lines of the corpus's mean length:
 *
 * - `createHash` per message on a string (UTF-8 encoded on each call),
 *   the baseline;
 * - `crypto.hash` (one-shot, Node 20.12+) on the same string;
 * - both again on subarrays of one shared Buffer, as frames lie in ring
 *   memory;
 * - what the worker calls, one call per batch of frames of one Buffer:
 *   `cryptoBatch` (node:crypto per frame) and `sha256Batch` (the addon
 *   built from binding.gyp, or `cryptoBatch` where it was not built).
 *
 *   npx tsx native-bench/hash.bench.ts [corpus.log]
 */
import { spawnSync } from 'node:child_process';
import { createHash, hash } from 'node:crypto';

import {
  cryptoBatch,
  hashImplementation,
  kDigestBytes,
  sha256Batch,
} from '../workers/hash/sha256.js';
import { type Corpus, loadCorpus } from './corpus.js';
import { fmt, newBench, printContext, secondsPerRun } from './report.js';

/** Frames per batch: the daemon's default batch size. */
const kBatchFrames = 16_384;

/**
 * `openssl speed sha256` on 256-byte blocks (PLATFORM.md), used when the
 * openssl binary cannot be run here to measure the corpus's line length.
 */
const kOpensslHashesPerSecond = 3_700_000;

type BatchHasher = typeof cryptoBatch;

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const { buffer, lines, starts, ends } = corpus;
  const count = starts.length;
  const lengths = ends.map((end, i) => end - starts[i]!);
  const mean = Math.round(corpus.frameBytes / count);
  const out = new Uint8Array(kBatchFrames * kDigestBytes);

  checkSameDigests(corpus, lengths, out);

  let sink = 0;
  const bench = newBench();
  bench.add('createHash per message (string)', () => {
    for (let i = 0; i < count; i++) {
      sink ^= createHash('sha256').update(lines[i]!).digest()[0]!;
    }
  });
  bench.add('crypto.hash one-shot (string)', () => {
    for (let i = 0; i < count; i++) {
      sink ^= hash('sha256', lines[i]!, 'buffer')[0]!;
    }
  });
  bench.add('createHash on shared Buffer subarray', () => {
    for (let i = 0; i < count; i++) {
      const frame = buffer.subarray(starts[i], ends[i]);
      sink ^= createHash('sha256').update(frame).digest()[0]!;
    }
  });
  bench.add('crypto.hash on shared Buffer subarray', () => {
    for (let i = 0; i < count; i++) {
      const frame = buffer.subarray(starts[i], ends[i]);
      sink ^= hash('sha256', frame, 'buffer')[0]!;
    }
  });
  bench.add(`cryptoBatch, ${kBatchFrames} frames a call`, () => {
    sink ^= hashInBatches(cryptoBatch, buffer, starts, lengths, out);
  });
  bench.add(`sha256Batch (${hashImplementation}), ${kBatchFrames} a call`,
    () => {
      sink ^= hashInBatches(sha256Batch, buffer, starts, lengths, out);
    });
  await bench.run();

  const bound = opensslBound(mean);
  printContext('hash: SHA-256 per message', corpus);
  console.log(`bound: ${bound.source} (sink ${sink & 1})`);

  let baseline = 0;
  for (const task of bench.tasks) {
    const perSecond = count / secondsPerRun(task);
    if (baseline === 0) baseline = perSecond;
    console.log(`${task.name.padEnd(40)} ${fmt(perSecond)} msg/s ` +
      `${(perSecond / baseline).toFixed(2)}x createHash, ` +
      `${(100 * perSecond / bound.perSecond).toFixed(0)}% of openssl`);
  }
  console.log(`${'openssl speed sha256'.padEnd(40)} ` +
    `${fmt(bound.perSecond)} hash/s`);
}

/** One call per batch of frames, as the worker hashes a ring batch. */
function hashInBatches(hasher: BatchHasher, buffer: Buffer,
  starts: Int32Array, lengths: Int32Array, out: Uint8Array): number {
  let sink = 0;
  for (let first = 0; first < starts.length; first += kBatchFrames) {
    const n = Math.min(kBatchFrames, starts.length - first);
    hasher(buffer, starts.subarray(first, first + n),
      lengths.subarray(first, first + n), n, out);
    sink ^= out[0]!;
  }
  return sink;
}

/**
 * Hashes/s that `openssl speed` reaches on blocks of `bytes`: the most
 * one core does without any per-call cost. Falls back to the figure in
 * PLATFORM.md when openssl is missing.
 */
function opensslBound(bytes: number): { perSecond: number; source: string } {
  const run = spawnSync('openssl', ['speed', '-seconds', '1', '-bytes',
    String(bytes), 'sha256'], { encoding: 'utf8' });
  // The result line reads "sha256  1219689.91k": thousands of bytes/s.
  const m = /^sha256\s+([\d.]+)k\s*$/m.exec(run.stdout ?? '');
  if (run.status === 0 && m !== null) {
    return {
      perSecond: Number(m[1]) * 1000 / bytes,
      source: `openssl speed -bytes ${bytes} sha256, measured now`,
    };
  }
  return {
    perSecond: kOpensslHashesPerSecond,
    source: 'openssl speed on 256 B blocks, from PLATFORM.md (no openssl)',
  };
}

/** Every way must give createHash's digest for every line. */
function checkSameDigests(corpus: Corpus, lengths: Int32Array,
  out: Uint8Array): void {
  const { buffer, lines, starts, ends } = corpus;
  const batched = new Uint8Array(out.length);

  for (let first = 0; first < starts.length; first += kBatchFrames) {
    const n = Math.min(kBatchFrames, starts.length - first);
    const s = starts.subarray(first, first + n);
    const l = lengths.subarray(first, first + n);
    cryptoBatch(buffer, s, l, n, out);
    sha256Batch(buffer, s, l, n, batched);

    for (let k = 0; k < n; k++) {
      const i = first + k;
      const want = createHash('sha256').update(lines[i]!).digest();
      const frame = buffer.subarray(starts[i], ends[i]);
      const at = k * kDigestBytes;
      if (!want.equals(hash('sha256', frame, 'buffer')) ||
        !want.equals(out.subarray(at, at + kDigestBytes)) ||
        !want.equals(batched.subarray(at, at + kDigestBytes))) {
        throw new Error(`digests differ on line ${i + 1}`);
      }
    }
  }
}

await main();
