/**
 * SHA-256 of every corpus line, four ways, against the machine's bound:
 *
 * - `createHash` per message on a string (UTF-8 encoded on each call);
 * - `crypto.hash` (one-shot, Node 20.12+) on the same string;
 * - `createHash` on a subarray of one shared Buffer, as the worker sees
 *   frames in ring memory;
 * - `crypto.hash` on that subarray.
 *
 *   npx tsx native-bench/hash.bench.ts [corpus.log]
 *
 * The corpus defaults to $SLUICE_CORPUS, then .tmp/corpus-50k.log; make
 * one with the peer harness: `node gen_corpus.js 50000 <file> 20240514`.
 */
import { createHash, hash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Bench } from 'tinybench';

import { packageRoot } from '../daemon/paths.js';

const kBenchMs = 3000;
const kNewline = 0x0a;

/**
 * `openssl speed sha256` on this machine class, 256-byte blocks (see
 * PLATFORM.md): about 3.7M hashes/s on one core with SHA extensions. Our
 * lines average about 500 bytes, so the bound for them is lower still.
 */
const kOpensslHashesPerSecond = 3_700_000;

async function main(): Promise<void> {
  const corpus = process.argv[2] ?? process.env.SLUICE_CORPUS ??
    join(packageRoot(), '.tmp', 'corpus-50k.log');
  if (!existsSync(corpus)) {
    console.error(`corpus ${corpus} not found; see the header of this file`);
    process.exit(1);
  }

  const shared = readFileSync(corpus);
  const { starts, ends } = lineOffsets(shared);
  const lines = shared.toString('utf8').split('\n')
    .filter((l) => l.length > 0);
  const count = starts.length;
  if (lines.length !== count) throw new Error('line split disagrees');

  checkSameDigests(shared, starts, ends, lines);

  let sink = 0;
  const bench = new Bench({ time: kBenchMs });
  bench.add('createHash per message (string)', () => {
    for (let i = 0; i < count; i++) {
      sink ^= createHash('sha256').update(lines[i]).digest()[0];
    }
  });
  bench.add('crypto.hash one-shot (string)', () => {
    for (let i = 0; i < count; i++) {
      sink ^= hash('sha256', lines[i], 'buffer')[0];
    }
  });
  bench.add('createHash on shared Buffer subarray', () => {
    for (let i = 0; i < count; i++) {
      const frame = shared.subarray(starts[i], ends[i]);
      sink ^= createHash('sha256').update(frame).digest()[0];
    }
  });
  bench.add('crypto.hash on shared Buffer subarray', () => {
    for (let i = 0; i < count; i++) {
      const frame = shared.subarray(starts[i], ends[i]);
      sink ^= hash('sha256', frame, 'buffer')[0];
    }
  });
  await bench.run();

  const bytes = ends.reduce((sum, end, i) => sum + end - starts[i], 0);
  console.log(`corpus ${corpus}: ${count} lines, ` +
    `${(bytes / count).toFixed(0)} B/line; node ${process.version}` +
    ` (sink ${sink & 1})`);

  let baseline = 0;
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    const perSecond = count / (r.latency.mean / 1000);
    if (baseline === 0) baseline = perSecond;
    console.log(`${task.name.padEnd(38)} ${fmt(perSecond)} msg/s ` +
      `${(perSecond / baseline).toFixed(2)}x createHash, ` +
      `${(100 * perSecond / kOpensslHashesPerSecond).toFixed(0)}% of ` +
      'openssl speed');
  }
  console.log(`${'openssl speed sha256, 256 B (PLATFORM.md)'.padEnd(38)} ` +
    `${fmt(kOpensslHashesPerSecond)} hash/s`);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(12);
}

/** Start and end (exclusive, without LF) of each non-empty line. */
function lineOffsets(buf: Buffer): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(kNewline, start);
    if (end === -1) end = buf.length;
    if (end > start) {
      starts.push(start);
      ends.push(end);
    }
    start = end + 1;
  }
  return { starts, ends };
}

/** All four ways must hash the same bytes. */
function checkSameDigests(shared: Buffer, starts: number[], ends: number[],
  lines: string[]): void {
  for (let i = 0; i < lines.length; i++) {
    const frame = shared.subarray(starts[i], ends[i]);
    const a = createHash('sha256').update(lines[i]).digest('hex');
    const b = hash('sha256', lines[i]);
    const c = createHash('sha256').update(frame).digest('hex');
    const d = hash('sha256', frame, 'hex');
    if (a !== b || a !== c || a !== d) {
      throw new Error(`digests differ on line ${i + 1}`);
    }
  }
}

await main();
