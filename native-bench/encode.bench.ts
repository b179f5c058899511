/**
 * Column encoding throughput: rows into a BlockBuilder and out as LZ4
 * compressed blocks, against the bound set by compressing the very same
 * column bytes alone, once with the compressor the encoder uses
 * (`compressColumn`: liblz4 through the addon when it was built) and
 * once with lz4-napi's `compressSync`, the fallback. ASCII messages are
 * stored as the tail of their frame, as the worker stores them.
 *
 *   npx tsx native-bench/encode.bench.ts [corpus.log]
 */
import { compressSync, uncompressSync } from 'lz4-napi';

import { BlockBuilder } from '../workers/encode/columns.js';
import { compressColumn, lz4Implementation } from '../workers/encode/lz4.js';
import {
  kBlockHeaderBytes,
  kBlockColumnsOffset,
  kDirEntryBytes,
} from '../workers/encode/format.js';
import { loadCorpus } from './corpus.js';
import { fmt, newBench, printContext, secondsPerRun } from './report.js';
import { corpusRows } from './rows.js';

const kRowsPerBlock = 4096;
const kMiB = 1024 * 1024;

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
  const corpus = loadCorpus();
  const { rows, tails } = corpusRows(corpus);
  const builder = new BlockBuilder();

  // One pass to learn the raw and stored sizes and keep the raw columns.
  const raws: Buffer[][] = [];
  let rawBytes = 0;
  let storedBytes = 0;
  for (let i = 0; i < rows.length; i += kRowsPerBlock) {
    builder.reset();
    const last = Math.min(rows.length, i + kRowsPerBlock);
    for (let k = i; k < last; k++) builder.append(rows[k]!, tails[k]);
    const block = builder.encode();
    const cols = rawColumns(block);
    raws.push(cols);
    for (const c of cols) rawBytes += c.length;
    storedBytes += block.length;
  }

  let sink = 0;
  const bench = newBench();
  bench.add('BlockBuilder append + encode', () => {
    for (let i = 0; i < rows.length; i++) {
      builder.append(rows[i]!, tails[i]);
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
      builder.append(rows[i]!, tails[i]);
      if (builder.rowCount === kRowsPerBlock) builder.reset();
    }
    sink ^= builder.rowCount;
    builder.reset();
  });
  bench.add(`compressColumn (${lz4Implementation}) alone`, () => {
    for (const cols of raws) {
      for (const c of cols) sink ^= compressColumn(c).length;
    }
  });
  bench.add('lz4-napi compressSync alone', () => {
    for (const cols of raws) {
      for (const c of cols) sink ^= compressSync(c).length;
    }
  });
  await bench.run();

  const count = rows.length;
  printContext('encode: rows into LZ4-compressed column blocks', corpus);
  console.log(`${kRowsPerBlock} rows/block, raw columns ` +
    `${(rawBytes / count).toFixed(0)} B/row, stored ` +
    `${(storedBytes / count).toFixed(0)} B/row ` +
    `(ratio ${(rawBytes / storedBytes).toFixed(2)}) (sink ${sink & 1})`);

  const results = bench.tasks.map((task) => ({
    name: task.name, seconds: secondsPerRun(task),
  }));
  const bound = count / results[2]!.seconds;
  for (const { name, seconds } of results) {
    const perSecond = count / seconds;
    const mbs = rawBytes / seconds / kMiB;
    console.log(`${name.padEnd(34)} ${fmt(perSecond)} rows/s ` +
      `${mbs.toFixed(0).padStart(5)} MiB/s raw, ` +
      `${(100 * perSecond / bound).toFixed(0)}% of the LZ4 bound`);
  }
}

await main();
