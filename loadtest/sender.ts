/**
 * Load sender: replays a corpus over TCP to a sluice listener on
 * 127.0.0.1 and reports how many messages the daemon stored, read from
 * its `/metrics`.
 *
 * Frames are built once, before the clock starts, into large Buffers;
 * the send loop only hands slices of them to `socket.write()` and waits
 * for 'drain' when the socket says its buffer is full. That keeps the
 * sender far cheaper per message than the daemon it measures.
 *
 * As a program: `node dist/loadtest/sender.js --port P --count N
 * [--framing lf|octet] [--connections C] [--rate R] [--metrics URL]`.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import {
  corpusStats, generateCorpus, kDefaultSeed, readCorpusFile,
} from './corpus.js';

/** RFC 6587 3.4.2 (non-transparent, LF) or 3.4.1 (octet counting). */
export type Framing = 'lf' | 'octet';

/** The only address the sender will connect to. */
export const kLoopbackHost = '127.0.0.1';

/** Target size of one pre-framed Buffer (about 2,000 frames). */
export const kChunkBytes = 1 << 20;

const kLf = 0x0a;
const kSpace = 0x20;

/** Poll period of `/metrics` while sending (kept low: it costs the daemon). */
const kPollWhileSendingMs = 250;

/** Poll period once sending is over, for a sharp "last stored" time. */
const kPollAfterSendMs = 50;

/** Granularity of the paced mode. */
const kPaceTickMs = 5;

/** How long to wait for the peer to close after our FIN. */
const kCloseWaitMs = 5_000;

/**
 * A run of whole frames in one Buffer. `ends[i]` is the offset just past
 * frame i, so frames [a, b) are `data.subarray(a ? ends[a-1] : 0,
 * ends[b-1])`.
 */
export interface FramedChunk {
  data: Buffer;
  ends: Uint32Array;
}

/** A corpus turned into wire frames, split into chunks. */
export interface FramedCorpus {
  framing: Framing;
  chunks: FramedChunk[];
  /** Number of frames over all chunks (= number of lines). */
  messages: number;
  /** Bytes over all chunks. */
  bytes: number;
}

/** Wire size of one message in a framing. */
function frameBytes(length: number, framing: Framing): number {
  // RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG, MSG-LEN in decimal octets.
  if (framing === 'octet') return String(length).length + 1 + length;

  // RFC 6587 3.4.2: the message followed by a trailer, here LF.
  return length + 1;
}

/** Writes one frame at `at`, returns the offset past it. */
function writeFrame(
  out: Buffer, at: number, line: Buffer, framing: Framing,
): number {
  if (framing === 'octet') {
    at += out.write(String(line.length), at, 'latin1');
    out[at++] = kSpace;
    return at + line.copy(out, at);
  }
  at += line.copy(out, at);
  out[at] = kLf;
  return at + 1;
}

/**
 * Frames every line, packing whole frames into Buffers of about
 * `chunkBytes` (a longer line gets a chunk of its own). Lines must not
 * contain LF when `framing` is 'lf'.
 */
export function frameCorpus(
  lines: readonly (Buffer | string)[], framing: Framing,
  chunkBytes = kChunkBytes,
): FramedCorpus {
  const chunks: FramedChunk[] = [];
  let bytes = 0;
  let i = 0;
  while (i < lines.length) {
    const start = i;
    const sizes: number[] = [];
    let size = 0;
    while (i < lines.length) {
      const n = frameBytes(byteLength(lines[i]), framing);
      if (sizes.length > 0 && size + n > chunkBytes) break;
      sizes.push(n);
      size += n;
      i++;
    }
    chunks.push(fillChunk(lines, start, sizes, size, framing));
    bytes += size;
  }
  return { framing, chunks, messages: lines.length, bytes };
}

function byteLength(line: Buffer | string): number {
  return typeof line === 'string' ? Buffer.byteLength(line) : line.length;
}

function fillChunk(
  lines: readonly (Buffer | string)[], start: number, sizes: number[],
  size: number, framing: Framing,
): FramedChunk {
  const data = Buffer.allocUnsafe(size);
  const ends = new Uint32Array(sizes.length);
  let at = 0;
  for (let k = 0; k < sizes.length; k++) {
    const line = lines[start + k];
    const buf = typeof line === 'string' ? Buffer.from(line) : line;
    at = writeFrame(data, at, buf, framing);
    ends[k] = at;
  }
  return { data, ends };
}

/**
 * Walks a framed corpus round and round, handing out slices of whole
 * frames. A slice never crosses a chunk, so it never copies.
 */
export class FrameCursor {
  readonly #corpus: FramedCorpus;
  #chunk: number;
  #frame = 0;

  constructor(corpus: FramedCorpus, startChunk = 0) {
    if (corpus.messages === 0) throw new Error('the corpus has no messages');
    this.#corpus = corpus;
    this.#chunk = startChunk % corpus.chunks.length;
  }

  /**
   * Up to `max` frames (at least 1 when `max` >= 1) from the current
   * position to the end of its chunk at most. `count` says how many.
   */
  take(max: number): { data: Buffer; count: number } {
    const { data, ends } = this.#corpus.chunks[this.#chunk];
    const first = this.#frame;
    const last = Math.min(ends.length, first + Math.max(0, max));
    const from = first === 0 ? 0 : ends[first - 1];
    const to = last === 0 ? 0 : ends[last - 1];
    if (last === ends.length) {
      this.#chunk = (this.#chunk + 1) % this.#corpus.chunks.length;
      this.#frame = 0;
    } else {
      this.#frame = last;
    }
    return { data: data.subarray(from, to), count: last - first };
  }
}

/**
 * One sample line of the Prometheus text format: `name{labels} value`
 * or `name value`, optionally followed by a timestamp.
 */
interface Sample {
  labels: string;
  value: number;
}

function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line[0] === '#' || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let labels = '';
    let tail = rest;
    if (rest[0] === '{') {
      const close = rest.indexOf('}');
      if (close === -1) continue;
      labels = rest.slice(1, close);
      tail = rest.slice(close + 1);
    } else if (rest[0] !== ' ' && rest[0] !== '\t') {
      continue; // a longer metric name sharing the prefix
    }
    const value = Number(tail.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) out.push({ labels, value });
  }
  return out;
}

/** Sum of every sample of metric `name` in Prometheus text. */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const s of samples(text, name)) sum += s.value;
  return sum;
}

/** Sums of metric `name` per value of `label` (absent label: ''). */
export function sumMetricBy(
  text: string, name: string, label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`(?:^|,)\\s*${label}="([^"]*)"`);
  for (const s of samples(text, name)) {
    const key = pattern.exec(s.labels)?.[1] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** Options of `runSender`. */
export interface SenderOptions {
  /** Must be 127.0.0.1; default 127.0.0.1. */
  host?: string;
  port: number;
  /** The corpus, framed once with `frameCorpus`. */
  corpus: FramedCorpus;
  /** Messages to send over all connections. */
  count: number;
  /** Parallel TCP connections; default 1. */
  connections?: number;
  /** Total messages per second, 0 = as fast as possible; default 0. */
  rate?: number;
  /** Stop sending after this long even if `count` is not reached. */
  maxSeconds?: number;
  /** `http://127.0.0.1:PORT/metrics` of the daemon; none = no stored figure. */
  metricsUrl?: string;
  /** Give up waiting once stored has not grown for this long; default 3. */
  settleSeconds?: number;
  /** Upper bound of the wait for stored after sending ends; default 60. */
  maxWaitSeconds?: number;
  /** Called about once a second while running. */
  onProgress?: (line: string) => void;
}

interface ResolvedSenderOptions {
  port: number;
  corpus: FramedCorpus;
  count: number;
  connections: number;
  rate: number;
  maxSeconds: number;
  metricsUrl: string | undefined;
  settleSeconds: number;
  maxWaitSeconds: number;
  onProgress: ((line: string) => void) | undefined;
}

/** Figures of one run. Counts are deltas over the run, not totals. */
export interface SenderResult {
  framing: Framing;
  connections: number;
  sent: number;
  bytes: number;
  /** First byte written -> last byte handed to the kernel. */
  sendSeconds: number;
  /** Undefined without a metrics URL. */
  stored: number | undefined;
  received: number | undefined;
  dropped: Record<string, number> | undefined;
  /** First byte sent -> last change of stored seen (or the send time). */
  elapsedSeconds: number;
  messagesPerSecond: number;
  loss: number | undefined;
  lossPercent: number | undefined;
  /** Connection errors; empty on a clean run. */
  errors: string[];
}

/** Throws unless `host` is the IPv4 loopback address. */
export function assertLoopback(host: string): void {
  if (host !== kLoopbackHost) {
    throw new Error(
      `refusing to send to "${host}": only ${kLoopbackHost} is allowed`);
  }
}

function resolve(options: SenderOptions): ResolvedSenderOptions {
  assertLoopback(options.host ?? kLoopbackHost);
  if (options.metricsUrl !== undefined) {
    const url = new URL(options.metricsUrl);
    if (url.protocol !== 'http:') {
      throw new Error(`metrics URL must be http://, got "${url.protocol}"`);
    }
    assertLoopback(url.hostname);
  }
  const connections = options.connections ?? 1;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new Error(`connections must be an integer >= 1, got ${connections}`);
  }
  return {
    port: options.port,
    corpus: options.corpus,
    count: options.count,
    connections,
    rate: options.rate ?? 0,
    maxSeconds: options.maxSeconds ?? Infinity,
    metricsUrl: options.metricsUrl,
    settleSeconds: options.settleSeconds ?? 3,
    maxWaitSeconds: options.maxWaitSeconds ?? 60,
    onProgress: options.onProgress,
  };
}

/** Shared state of the connections of one run. */
interface RunState {
  t0: number;
  tLastWrite: number;
  sent: number;
  bytes: number;
  deadline: number;
  errors: string[];
}

interface MetricsSnapshot {
  stored: number;
  received: number;
  dropped: Record<string, number>;
}

async function readMetrics(url: string): Promise<MetricsSnapshot> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const text = await res.text();
  return {
    stored: sumMetric(text, 'sluice_messages_stored_total'),
    received: sumMetric(text, 'sluice_messages_received_total'),
    dropped: sumMetricBy(text, 'sluice_messages_dropped_total', 'reason'),
  };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const socket = connect({ host: kLoopbackHost, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolveSocket(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves on 'drain', rejects if the socket fails or closes first. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolveDrain, reject) => {
    const done = (err?: Error): void => {
      socket.off('drain', onDrain);
      socket.off('error', done);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolveDrain();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('connection closed by peer'));
    socket.on('drain', onDrain);
    socket.on('error', done);
    socket.on('close', onClose);
  });
}

/** Ends the socket and waits (bounded) for the peer to close too. */
async function closeSocket(socket: Socket): Promise<void> {
  if (socket.destroyed) return;
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.end();
  const timer = setTimeout(() => socket.destroy(), kCloseWaitMs);
  await closed;
  clearTimeout(timer);
}

/** Sends `quota` frames on one connection, at `rate` msg/s (0 = max). */
async function sendOn(
  socket: Socket, cursor: FrameCursor, quota: number, rate: number,
  state: RunState,
): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < quota) {
    const now = performance.now();
    if (now > state.deadline) break;

    let due = quota - sent;
    if (rate > 0) {
      due = Math.min(due, Math.floor(((now - start) * rate) / 1000) - sent);
      if (due <= 0) {
        await sleep(kPaceTickMs);
        continue;
      }
    }

    const { data, count } = cursor.take(due);
    if (state.t0 === 0) state.t0 = now;
    const flowing = socket.write(data);
    sent += count;
    state.sent += count;
    state.bytes += data.length;
    state.tLastWrite = performance.now();
    if (!flowing) await drained(socket);
  }
}

/**
 * Sends `count` messages over `connections` sockets, then waits for the
 * daemon's stored counter to catch up (or to stop growing).
 */
export async function runSender(options: SenderOptions): Promise<SenderResult> {
  const o = resolve(options);
  const base = o.metricsUrl ? await readMetrics(o.metricsUrl) : undefined;
  const state: RunState = {
    t0: 0, tLastWrite: 0, sent: 0, bytes: 0, deadline: Infinity, errors: [],
  };

  const sockets = await Promise.all(
    Array.from({ length: o.connections }, () => openSocket(o.port)));
  const started = performance.now();
  state.deadline = started + o.maxSeconds * 1000;

  // Spread the connections over the corpus so they do not send in step.
  const stride = Math.max(1, Math.floor(
    o.corpus.chunks.length / o.connections));
  const perConn = Math.floor(o.count / o.connections);
  const sending = sockets.map(async (socket, i) => {
    const quota = perConn + (i < o.count % o.connections ? 1 : 0);
    const cursor = new FrameCursor(o.corpus, i * stride);
    try {
      await sendOn(socket, cursor, quota, o.rate / o.connections, state);
      await closeSocket(socket);
    } catch (err) {
      state.errors.push(`connection ${i}: ${(err as Error).message}`);
      socket.destroy();
    }
  });

  const progress = o.onProgress
    ? startProgress(o, state, base) : undefined;
  await Promise.all(sending);
  const result = await waitStored(o, state, base);
  if (progress) clearInterval(progress);
  return result;
}

function startProgress(
  o: ResolvedSenderOptions, state: RunState,
  base: MetricsSnapshot | undefined,
): NodeJS.Timeout {
  let lastSent = 0;
  const timer = setInterval(() => {
    const rate = state.sent - lastSent;
    lastSent = state.sent;
    let line = `sent ${state.sent} (${rate} msg/s)`;
    if (!o.metricsUrl || !base) {
      o.onProgress?.(line);
      return;
    }
    readMetrics(o.metricsUrl).then((m) => {
      line += ` stored ${m.stored - base.stored}`;
      o.onProgress?.(line);
    }, () => o.onProgress?.(line));
  }, 1000);
  timer.unref();
  return timer;
}

/** Polls `/metrics` until stored reaches sent, stalls or time runs out. */
async function waitStored(
  o: ResolvedSenderOptions, state: RunState,
  base: MetricsSnapshot | undefined,
): Promise<SenderResult> {
  const sendSeconds = (state.tLastWrite - state.t0) / 1000;
  const result: SenderResult = {
    framing: o.corpus.framing,
    connections: o.connections,
    sent: state.sent,
    bytes: state.bytes,
    sendSeconds,
    stored: undefined,
    received: undefined,
    dropped: undefined,
    elapsedSeconds: sendSeconds,
    messagesPerSecond: sendSeconds > 0 ? state.sent / sendSeconds : 0,
    loss: undefined,
    lossPercent: undefined,
    errors: state.errors,
  };
  if (!o.metricsUrl || !base) return result;

  const waitUntil = performance.now() + o.maxWaitSeconds * 1000;
  let last = await readMetrics(o.metricsUrl);
  let lastChange = performance.now();
  while (last.stored - base.stored < state.sent) {
    const now = performance.now();
    if (now > waitUntil) break;
    if (now - lastChange > o.settleSeconds * 1000) break;
    await sleep(kPollAfterSendMs);

    const m = await readMetrics(o.metricsUrl);
    if (m.stored !== last.stored) lastChange = performance.now();
    last = m;
  }

  return finish(result, state, base, last, lastChange);
}

function finish(
  result: SenderResult, state: RunState, base: MetricsSnapshot,
  last: MetricsSnapshot, lastChange: number,
): SenderResult {
  const stored = last.stored - base.stored;
  const dropped: Record<string, number> = {};
  for (const [reason, n] of Object.entries(last.dropped)) {
    const delta = n - (base.dropped[reason] ?? 0);
    if (delta !== 0) dropped[reason] = delta;
  }
  // Stored may have settled before sending ended (all kept up).
  const end = Math.max(lastChange, state.tLastWrite);
  const elapsed = (end - state.t0) / 1000;
  result.stored = stored;
  result.received = last.received - base.received;
  result.dropped = dropped;
  result.elapsedSeconds = elapsed;
  result.messagesPerSecond = elapsed > 0 ? stored / elapsed : 0;
  result.loss = state.sent - stored;
  result.lossPercent = state.sent > 0 ? (100 * result.loss) / state.sent : 0;
  return result;
}

/** A few aligned lines for a terminal. */
export function formatResult(r: SenderResult): string {
  const mb = (r.bytes / 1e6).toFixed(1);
  const rows: [string, string][] = [
    ['sent', `${r.sent} (${mb} MB, ${r.framing}, ${r.connections} conn)`],
    ['stored', r.stored === undefined ? 'n/a (no metrics URL)' : `${r.stored}`],
    ['received', r.received === undefined ? 'n/a' : `${r.received}`],
    ['dropped', r.dropped === undefined ? 'n/a' : formatDropped(r.dropped)],
    ['elapsed', `${r.elapsedSeconds.toFixed(3)} s (first byte sent -> ` +
      'last stored observed)'],
    ['rate', `${Math.round(r.messagesPerSecond)} msg/s`],
    ['loss', r.loss === undefined ? 'n/a'
      : `${r.loss} (${r.lossPercent!.toFixed(3)}%)`],
  ];
  for (const e of r.errors) rows.push(['error', e]);
  return rows.map(([k, v]) => `${k.padEnd(9)} ${v}`).join('\n');
}

function formatDropped(dropped: Record<string, number>): string {
  const parts = Object.entries(dropped).map(([k, v]) => `${k}=${v}`);
  const total = Object.values(dropped).reduce((a, b) => a + b, 0);
  return parts.length === 0 ? '0' : `${total} (${parts.join(', ')})`;
}

/** A commander parser for whole-number options of at least `min`. */
export function intOption(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}`);
    }
    return n;
  };
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('sender')
    .description('replay a syslog corpus over TCP to 127.0.0.1')
    .option('--host <addr>', 'target address (127.0.0.1 only)', kLoopbackHost)
    .requiredOption('--port <n>', 'target TCP port', intOption(1))
    .option('--framing <f>', 'lf or octet (RFC 6587)', 'lf')
    .option('--count <n>', 'messages to send', intOption(1), 300_000)
    .option('--connections <n>', 'parallel connections', intOption(1), 1)
    .option('--rate <n>', 'total msg/s, 0 = full speed', intOption(0), 0)
    .option('--max-seconds <n>', 'stop sending after', intOption(1), 120)
    .option('--metrics <url>',
      'daemon metrics, e.g. http://127.0.0.1:9514/metrics')
    .option('--corpus <file>', 'replay this file (one message per line)')
    .option('--corpus-lines <n>', 'generated corpus size', intOption(1),
      200_000)
    .option('--seed <n>', 'generated corpus seed', intOption(0), kDefaultSeed)
    .option('--progress', 'print a progress line every second')
    .option('--json', 'print the result as one JSON line')
    .parse(argv);
  const opts = program.opts();
  if (opts.framing !== 'lf' && opts.framing !== 'octet') {
    throw new Error(`--framing must be lf or octet, got "${opts.framing}"`);
  }
  assertLoopback(opts.host);

  const lines = opts.corpus
    ? readCorpusFile(opts.corpus)
    : generateCorpus(Math.min(opts.count, opts.corpusLines), {
      seed: opts.seed,
    });
  const stats = corpusStats(lines);
  process.stderr.write(`corpus: ${stats.lines} lines, ` +
    `${stats.averageBytes.toFixed(1)} B/line, ` +
    `${(stats.rfc5424Share * 100).toFixed(1)}% RFC 5424\n`);
  const corpus = frameCorpus(lines, opts.framing);

  const result = await runSender({
    host: opts.host,
    port: opts.port,
    corpus,
    count: opts.count,
    connections: opts.connections,
    rate: opts.rate,
    maxSeconds: opts.maxSeconds,
    metricsUrl: opts.metrics,
    onProgress: opts.progress
      ? (line) => process.stderr.write(line + '\n') : undefined,
  });
  process.stdout.write((opts.json
    ? JSON.stringify(result) : formatResult(result)) + '\n');
  return result.errors.length === 0 ? 0 : 1;
}

const invoked = process.argv[1];
if (invoked && import.meta.url === pathToFileURL(invoked).href) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  }, (err: Error) => {
    process.stderr.write(`sender: ${err.message}\n`);
    process.exitCode = 2;
  });
}
