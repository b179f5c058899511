/**
 * The socket side's cost per frame, on the daemon's main thread: the
 * corpus arrives as 64 KiB reads, `FrameDecoder` splits them (RFC 6587
 * LF trailer or octet counting) and `RingWriter.write` copies each frame
 * into the ring; a `RingReader` claims and releases every sealed batch
 * at once, as idle workers would, so the ring never fills.
 *
 * The baseline is the physical floor of a Node receive path: counting
 * the LFs of the same reads with `Buffer#indexOf` and nothing else.
 *
 *   npx tsx native-bench/ring.bench.ts [corpus.log]
 */
import {
  type FrameSink,
  FrameDecoder,
} from '../daemon/listeners/framing.js';
import {
  createRingBuffer,
  kDefaultSlots,
  RingReader,
  RingWriter,
} from '../daemon/ring.js';
import { type Corpus, loadCorpus } from './corpus.js';
import {
  benchOrigin, kBatchBytes, kBatchMessages, kRingBytes, kMaxFrameBytes,
} from './defaults.js';
import {
  fmt, newBench, printContext, rmePercent, secondsPerRun,
} from './report.js';

/** What one `socket.on('data')` hands over at full rate. */
const kReadBytes = 64 * 1024;

const kLf = 0x0a;
const kSp = 0x20;

/** The corpus as an RFC 6587 3.4.1 stream: "MSG-LEN SP SYSLOG-MSG". */
function octetCounted(corpus: Corpus): Buffer {
  const { buffer, starts, ends } = corpus;
  let total = 0;
  for (let i = 0; i < starts.length; i++) {
    const n = ends[i]! - starts[i]!;
    total += String(n).length + 1 + n;
  }

  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    at += out.write(String(ends[i]! - starts[i]!), at, 'latin1');
    out[at++] = kSp;
    at += buffer.copy(out, at, starts[i]!, ends[i]!);
  }
  return out;
}

/** The LF-framed stream: each line and its LF, nothing else. */
function lfFramed(corpus: Corpus): Buffer {
  const { buffer, starts, ends } = corpus;
  const out = Buffer.allocUnsafe(corpus.frameBytes + starts.length);
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    at += buffer.copy(out, at, starts[i]!, ends[i]!);
    out[at++] = kLf;
  }
  return out;
}

function readsOf(stream: Buffer): Buffer[] {
  const reads: Buffer[] = [];
  for (let at = 0; at < stream.length; at += kReadBytes) {
    reads.push(stream.subarray(at, Math.min(stream.length, at + kReadBytes)));
  }
  return reads;
}

/** A ring at the daemon's defaults, drained at every sealed batch. */
class RingSink {
  private readonly writer: RingWriter;
  private readonly reader: RingReader;
  frames = 0;
  batches = 0;

  constructor() {
    const sab = createRingBuffer({ dataBytes: kRingBytes });
    this.writer = new RingWriter(sab, kDefaultSlots, kBatchMessages,
      kBatchBytes);
    this.reader = new RingReader(sab, kDefaultSlots);
  }

  readonly sink: FrameSink = (buf, start, end, flags) => {
    const w = this.writer;
    let sealed = w.write(benchOrigin, buf, start, end, Date.now(), flags);
    if (sealed < 0) {
      this.release();
      sealed = w.write(benchOrigin, buf, start, end, Date.now(), flags);
      if (sealed < 0) throw new Error('ring full with no batch in flight');
    }
    if (sealed > 0) this.release();
    this.frames++;
    return true;
  };

  /** Seals what is left, so the next pass starts on an empty ring. */
  finish(): void {
    if (this.writer.seal()) this.release();
  }

  private release(): void {
    for (let b = this.reader.claim(); b !== undefined;
      b = this.reader.claim()) {
      this.reader.done(b);
      this.batches++;
    }
    this.writer.reclaim();
  }
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const count = corpus.starts.length;
  const lfReads = readsOf(lfFramed(corpus));
  const countedReads = readsOf(octetCounted(corpus));

  let counted = 0;
  const countOnly: FrameSink = () => {
    counted++;
    return true;
  };
  const decodeLf = new FrameDecoder(kMaxFrameBytes, countOnly);
  const decodeCounted = new FrameDecoder(kMaxFrameBytes, countOnly);
  const ringLf = new RingSink();
  const ringCounted = new RingSink();
  const intoRingLf = new FrameDecoder(kMaxFrameBytes, ringLf.sink);
  const intoRingCounted = new FrameDecoder(kMaxFrameBytes, ringCounted.sink);

  const bench = newBench();
  bench.add('baseline: indexOf counts LFs per read', () => {
    let lines = 0;
    for (const read of lfReads) {
      for (let i = read.indexOf(kLf); i !== -1; i = read.indexOf(kLf, i + 1)) {
        lines++;
      }
    }
    expect(lines, count);
  });
  bench.add('FrameDecoder, LF framing only', () => {
    counted = 0;
    for (const read of lfReads) decodeLf.push(read);
    expect(counted, count);
  });
  bench.add('FrameDecoder, octet counting only', () => {
    counted = 0;
    for (const read of countedReads) decodeCounted.push(read);
    expect(counted, count);
  });
  bench.add('LF framing + RingWriter.write + batches', () => {
    ringLf.frames = 0;
    for (const read of lfReads) intoRingLf.push(read);
    ringLf.finish();
    expect(ringLf.frames, count);
  });
  bench.add('octet counting + RingWriter.write + batches', () => {
    ringCounted.frames = 0;
    for (const read of countedReads) intoRingCounted.push(read);
    ringCounted.finish();
    expect(ringCounted.frames, count);
  });
  await bench.run();

  printContext('ring: frame split and copy into the ring, main thread',
    corpus);
  console.log(`${kReadBytes / 1024} KiB reads, ring ${kRingBytes >> 20} ` +
    `MiB, batches of up to ${kBatchMessages} frames ` +
    `(${ringLf.batches} batches sealed in all LF passes)`);

  let baseline = 0;
  for (const task of bench.tasks) {
    const seconds = secondsPerRun(task);
    const perSecond = count / seconds;
    if (baseline === 0) baseline = perSecond;
    const mbs = corpus.frameBytes / seconds / 1e6;
    console.log(`${task.name.padEnd(44)} ${fmt(perSecond)} frames/s ` +
      `${(1e9 / perSecond).toFixed(0).padStart(4)} ns/frame ` +
      `${mbs.toFixed(0).padStart(5)} MB/s, ` +
      `${(100 * perSecond / baseline).toFixed(0)}% of baseline ` +
      `(${rmePercent(task)})`);
  }
}

/** A pass that lost or invented a frame measured nothing. */
function expect(got: number, want: number): void {
  if (got !== want) throw new Error(`${got} frames, expected ${want}`);
}

await main();
