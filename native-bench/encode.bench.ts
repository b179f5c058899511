/**
 * Column encoding throughput: rows into a BlockBuilder and out as LZ4
 * compressed blocks, against the bound set by lz4-napi `compressSync`
 * alone on the very same column bytes.
 *
 *   npx tsx native-bench/encode.bench.ts [corpus.log]
 *
 * The corpus defaults to $SLUICE_CORPUS, then .tmp/corpus-50k.log; make
 * one with the peer harness: `node gen_corpus.js 50000 <file> 20240514`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { compressSync, uncompressSync } from 'lz4-napi';
import { Bench } from 'tinybench';

import { packageRoot } from '../daemon/paths.js';
import { BlockBuilder } from '../workers/encode/columns.js';
import {
  kBlockHeaderBytes,
  kBlockColumnsOffset,
  kDirEntryBytes,
} from '../workers/encode/format.js';
import { Transport, type EventRow } from '../workers/encode/row.js';
import { createMessage } from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';

const kBenchMs = 3000;
const kRowsPerBlock = 4096;
const kReceived = Date.UTC(2024, 4, 14, 12);
const kMiB = 1024 * 1024;

function corpusPath(): string {
  const given = process.argv[2] ?? process.env.SLUICE_CORPUS;
  if (given !== undefined) return given;
  return join(packageRoot(), '.tmp', 'corpus-50k.log');
}

/** Parsed rows, built once so the timed loops measure encoding only. */
function rowsOf(lines: string[]): EventRow[] {
  return lines.map((line, i) => {
    const parsed = createMessage();
    parseSyslog(line, kReceived, parsed);
    const original = Buffer.from(line);
    return {
      received: kReceived + i,
      original,
      hash: createHash('sha256').update(original).digest(),
      parsed,
      // Decoded from bytes like the listeners do, so the string is flat.
      sourceAddress: Buffer.from(`10.1.${(i >> 8) & 255}.${i & 255}`)
        .toString('latin1'),
      sourcePort: 40000 + (i % 20000),
      transport: Transport.udp,
      listener: 'udp-514',
      category: i % 3 === 0 ? 'network' : 'authentication',
      eventType: 'connection',
      riskScore: i % 100,
      flags: 0,
    };
  });
}

/** The raw column bytes of one encoded block, recovered from it. */
function rawColumns(block: Buffer): Buffer[] {
  const columns = block.readUInt16LE(kBlockColumnsOffset);
  const out: Buffer[] = [];
  let at = kBlockHeaderBytes + columns * kDirEntryBytes;

  for (let c = 0; c < columns; c++) {
    const stored = block.readUInt32LE(
      kBlockHeaderBytes + c * kDirEntryBytes + 8);
    out.push(uncompressSync(block.subarray(at, at + stored)));
    at += stored;
  }
  return out;
}

async function main(): Promise<void> {
  const corpus = corpusPath();
  if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus}`);
  const lines = readFileSync(corpus, 'utf8').split('\n')
    .filter((l) => l.length > 0);
  const rows = rowsOf(lines);
  const builder = new BlockBuilder();

  // One pass to learn the raw and stored sizes and keep the raw columns.
  const raws: Buffer[][] = [];
  let rawBytes = 0;
  let storedBytes = 0;
  for (let i = 0; i < rows.length; i += kRowsPerBlock) {
    builder.reset();
    for (const r of rows.slice(i, i + kRowsPerBlock)) builder.append(r);
    const block = builder.encode();
    const cols = rawColumns(block);
    raws.push(cols);
    for (const c of cols) rawBytes += c.length;
    storedBytes += block.length;
  }

  let sink = 0;
  const bench = new Bench({ time: kBenchMs });
  bench.add('BlockBuilder append + encode', () => {
    for (let i = 0; i < rows.length; i++) {
      builder.append(rows[i]);
      if (builder.rowCount === kRowsPerBlock) {
        sink ^= builder.encode().length;
        builder.reset();
      }
    }
    if (builder.rowCount > 0) sink ^= builder.encode().length;
    builder.reset();
  });
  bench.add('BlockBuilder append only', () => {
    for (let i = 0; i < rows.length; i++) {
      builder.append(rows[i]);
      if (builder.rowCount === kRowsPerBlock) builder.reset();
    }
    sink ^= builder.rowCount;
    builder.reset();
  });
  bench.add('compressSync alone, same columns', () => {
    for (const cols of raws) {
      for (const c of cols) sink ^= compressSync(c).length;
    }
  });
  await bench.run();

  const count = rows.length;
  console.log(`corpus ${corpus}: ${count} rows, ${kRowsPerBlock} rows/block,` +
    ` raw columns ${(rawBytes / count).toFixed(0)} B/row, stored ` +
    `${(storedBytes / count).toFixed(0)} B/row ` +
    `(ratio ${(rawBytes / storedBytes).toFixed(2)}); node ` +
    `${process.version} (sink ${sink & 1})`);

  let bound = 0;
  const results = bench.tasks.map((task) => {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    return { name: task.name, seconds: r.latency.mean / 1000 };
  });
  bound = count / results[2].seconds;
  for (const { name, seconds } of results) {
    const perSecond = count / seconds;
    const mbs = rawBytes / seconds / kMiB;
    console.log(`${name.padEnd(34)} ${fmt(perSecond)} rows/s ` +
      `${mbs.toFixed(0).padStart(5)} MiB/s raw, ` +
      `${(100 * perSecond / bound).toFixed(0)}% of the LZ4 bound`);
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(12);
}

await main();
