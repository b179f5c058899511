/**
 * One worker thread's whole job: `Pipeline.runOnce` on ring batches of
 * corpus frames (parse, hash, classify and score, encode), then each
 * stage alone over the same frames to show where the time goes. The
 * ring is refilled between timed runs, outside the timing.
 *
 *   npx tsx native-bench/pipeline.bench.ts [corpus.log]
 */
import { createCounterBuffer } from '../daemon/counters.js';
import {
  createRingBuffer,
  kDefaultSlots,
  RingWriter,
} from '../daemon/ring.js';
import { type Classification, Classifier } from '../workers/classify/engine.js';
import { loadRules } from '../workers/classify/rules.js';
import { BlockBuilder } from '../workers/encode/columns.js';
import { kDigestBytes, sha256Batch } from '../workers/hash/sha256.js';
import { createMessage } from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';
import { Pipeline } from '../workers/pipeline.js';
import { loadCorpus } from './corpus.js';
import {
  benchOrigin, kBatchBytes, kBatchMessages, kRingBytes,
} from './defaults.js';
import {
  fmt, newBench, printContext, rmePercent, secondsPerRun,
} from './report.js';
import { corpusRows, kReceivedMs } from './rows.js';


async function main(): Promise<void> {
  const corpus = loadCorpus();
  const { buffer, starts, ends } = corpus;
  const count = starts.length;

  const ring = createRingBuffer({ dataBytes: kRingBytes });
  const writer = new RingWriter(ring, kDefaultSlots, kBatchMessages,
    kBatchBytes);
  const pipeline = new Pipeline({
    ring, slots: kDefaultSlots, counters: createCounterBuffer(1),
    tenants: ['default'], listeners: ['tcp'], rulesPath: undefined,
  });

  // The corpus fits the ring at once; a whole pass is several batches.
  const fill = (): void => {
    for (let i = 0; i < count; i++) {
      if (writer.write(benchOrigin, buffer, starts[i]!, ends[i]!, kReceivedMs,
        0) < 0) throw new Error('ring full: corpus larger than the ring');
    }
    writer.seal();
  };
  let batches = 0;
  let blockBytes = 0;
  const runAll = (): void => {
    let messages = 0;
    for (let r = pipeline.runOnce(); r !== undefined; r = pipeline.runOnce()) {
      if (r.error !== undefined) throw new Error(r.error.message);
      messages += r.messages;
      batches++;
      for (const b of r.blocks) blockBytes += b.block.length;
    }
    writer.reclaim();
    if (messages !== count) throw new Error(`${messages} of ${count} done`);
  };

  const stages = stageTasks(corpus);
  const bench = newBench();
  bench.add('Pipeline.runOnce, all stages', () => {
    batches = 0;
    blockBytes = 0;
    runAll();
  }, { beforeEach: fill });
  for (const [name, fn] of stages) bench.add(name, fn);
  await bench.run();

  printContext('pipeline: one worker thread, whole batches', corpus);
  console.log(`${batches} batches a pass (up to ${kBatchMessages} ` +
    `frames, ${kBatchBytes >> 20} MiB), ` +
    `${(blockBytes / count).toFixed(0)} B/message stored`);

  const [whole, ...parts] = bench.tasks;
  const total = secondsPerRun(whole!);
  const perSecond = count / total;
  console.log(`${whole!.name.padEnd(40)} ${fmt(perSecond)} msg/s ` +
    `${(1e6 / perSecond).toFixed(2)} us/msg (${rmePercent(whole!)})`);

  let sum = 0;
  for (const task of parts) {
    const seconds = secondsPerRun(task);
    sum += seconds;
    console.log(`  ${task.name.padEnd(38)} ${fmt(count / seconds)} msg/s ` +
      `${(1e6 * seconds / count).toFixed(2)} us/msg, ` +
      `${(100 * seconds / total).toFixed(0)}% of the whole ` +
      `(${rmePercent(task)})`);
  }
  // Alone, a stage runs with its own warm code and caches, and the
  // encode stage reads rows built long before rather than just parsed:
  // the sum is an estimate, the whole is the figure.
  const rest = total - sum;
  console.log(`  stages alone sum to ${(100 * sum / total).toFixed(0)}% ` +
    'of the whole; the rest (ring walk, row fill, counters) ' +
    (rest > 0 ? `${(1e6 * rest / count).toFixed(2)} us/msg`
      : 'is within the error of the stage figures'));
}

/** Each stage alone, on the same frames and in the same batch sizes. */
function stageTasks(corpus: ReturnType<typeof loadCorpus>):
  Array<[string, () => void]> {
  const { buffer, starts, ends } = corpus;
  const count = starts.length;
  const lengths = ends.map((end, i) => end - starts[i]!);
  const digests = new Uint8Array(kBatchMessages * kDigestBytes);
  const message = createMessage();
  const { rows, tails } = corpusRows(corpus);
  const classifier = new Classifier(loadRules());
  const verdict: Classification = {
    category: '', eventType: '', riskScore: 0, ruleId: '',
  };
  const builder = new BlockBuilder();
  let sink = 0;

  return [
    ['parse: UTF-8 decode + parseSyslog', () => {
      for (let i = 0; i < count; i++) {
        const text = buffer.toString('utf8', starts[i], ends[i]);
        parseSyslog(text, kReceivedMs, message);
        sink ^= message.priority;
      }
    }],
    ['hash: sha256Batch per batch', () => {
      for (let first = 0; first < count; first += kBatchMessages) {
        const n = Math.min(kBatchMessages, count - first);
        sha256Batch(buffer, starts.subarray(first, first + n),
          lengths.subarray(first, first + n), n, digests);
      }
      sink ^= digests[0]!;
    }],
    ['classify + score', () => {
      for (let i = 0; i < count; i++) {
        classifier.classify(rows[i]!.parsed, verdict);
        sink ^= verdict.riskScore;
      }
    }],
    ['encode: append + LZ4 block per batch', () => {
      for (let i = 0; i < count; i++) {
        builder.append(rows[i]!, tails[i]);
        if (builder.rowCount === kBatchMessages) {
          sink ^= builder.encode().length;
          builder.reset();
        }
      }
      if (builder.rowCount > 0) sink ^= builder.encode().length;
      builder.reset();
    }],
  ];
}

await main();
