import { threadId } from 'node:worker_threads';
import { toErrorData, type ErrorData } from '../daemon/errors.js';
import {
  Counters, GlobalCounter, TenantCounter,
} from '../daemon/counters.js';
import {
  kOffAddress, kOffAddressLength, kOffFlags, kOffFrameBytes, kOffListener,
  kOffOriginId, kOffPeerPort, kOffReceived, kOffTenant, kOffTransport,
  kRecordHeaderBytes,
  RecordFlag, RingReader, type ClaimedBatch,
} from '../daemon/ring.js';
import { Classifier, type Classification } from './classify/engine.js';
import { loadRules } from './classify/rules.js';
import { BlockBuilder } from './encode/columns.js';
import { kDigestBytes, sha256Batch } from './hash/sha256.js';
import { Transport, type EventRow } from './encode/row.js';
import {
  createMessage, ParseStatus, resetMessage,
} from './parse/message.js';
import { messageExtent } from './parse/extent.js';
import { parseSyslog } from './parse/syslog.js';

/** What the daemon hands every worker once, through `workerData`. */
export interface PipelineSetup {
  ring: SharedArrayBuffer;
  slots: number;
  counters: SharedArrayBuffer;
  tenants: string[];
  listeners: string[];
  rulesPath: string | undefined;
}

/** One encoded block for one tenant and event hour. */
export interface BlockOut {
  tenant: number;
  hourStartMs: number;
  rows: number;
  block: Uint8Array;
}

export interface BatchResult {
  blocks: BlockOut[];
  messages: number;
  /** Set when the batch failed as a whole; its messages are counted lost. */
  error?: ErrorData;
}

const kHourMs = 3_600_000;
/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z. */
const kMinTime = -62_167_219_200_000;
const kEndTime = 253_402_300_800_000;
/** Hour indexes fit in 32 bits for any year a device could claim. */
const kTenantKey = 2 ** 32;
const kHourBias = 2 ** 31;

/**
 * Turns claimed ring batches into encoded blocks: parse, hash, classify,
 * score, encode. One instance per worker thread; it keeps one column
 * builder per tenant and event hour across batches, so steady traffic
 * allocates almost nothing.
 */
export class Pipeline {
  private readonly reader: RingReader;
  private readonly counters: Counters;
  private readonly classifier: Classifier;
  private readonly builders = new Map<number, BlockBuilder>();
  /** The builder of the last row, which the next row most likely uses. */
  private current = new BlockBuilder();
  private currentKey = -1;
  private readonly message = createMessage();
  private readonly verdict: Classification = {
    category: '', eventType: '', riskScore: 0, ruleId: '',
  };
  private readonly row: EventRow;
  private readonly parsedBy: Float64Array;
  private originId = 0;
  private address = '';
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  private digests = new Uint8Array(0);

  constructor(private readonly setup: PipelineSetup) {
    this.reader = new RingReader(setup.ring, setup.slots, threadId);
    this.counters = new Counters(setup.counters);
    this.classifier = new Classifier(loadRules(setup.rulesPath));
    this.parsedBy = new Float64Array(setup.tenants.length * 3);
    this.row = {
      received: 0, original: new Uint8Array(0), hash: new Uint8Array(0),
      parsed: this.message, sourceAddress: '', sourcePort: 0,
      transport: Transport.udp,
      listener: '', category: '', eventType: '', riskScore: 0, flags: 0,
    };
  }

  /** Claims one batch and processes it; undefined when none is waiting. */
  runOnce(): BatchResult | undefined {
    const batch = this.reader.claim();
    if (batch === undefined) return undefined;

    try {
      return this.process(batch);
    } catch (err) {
      this.counters.addGlobal(GlobalCounter.dropWorkerError,
        this.reader.messagesIn(batch.start, batch.end));
      // Counts gathered for rows that were not stored are not published.
      this.parsedBy.fill(0);
      for (const b of this.builders.values()) b.reset();
      this.currentKey = -1;
      return { blocks: [], messages: 0, error: toErrorData(err) };
    } finally {
      this.reader.done(batch);
    }
  }

  private process(batch: ClaimedBatch): BatchResult {
    const { data, view } = this.reader;
    this.hashBatch(batch);
    let messages = 0;

    for (let at = batch.start; at < batch.end; at = this.reader.next(at)) {
      const flags = view.getUint8(at + kOffFlags);
      if ((flags & RecordFlag.probe) !== 0) {
        this.counters.setGlobal(GlobalCounter.probeSeenMs, Date.now());
        continue;
      }
      this.processRecord(data, view, at, flags, messages);
      messages++;
    }

    this.flushCounters();
    return { blocks: this.encodeAll(), messages };
  }

  /** One native call hashes every frame of the batch: see hash/. */
  private hashBatch(batch: ClaimedBatch): void {
    if (this.starts.length < batch.count) {
      this.starts = new Int32Array(batch.count);
      this.lengths = new Int32Array(batch.count);
      this.digests = new Uint8Array(batch.count * kDigestBytes);
    }
    const view = this.reader.view;
    let n = 0;
    for (let at = batch.start; at < batch.end; at = this.reader.next(at)) {
      if ((view.getUint8(at + kOffFlags) & RecordFlag.probe) !== 0) continue;
      this.starts[n] = at + kRecordHeaderBytes;
      this.lengths[n] = view.getInt32(at + kOffFrameBytes, true);
      n++;
    }
    sha256Batch(this.reader.data, this.starts, this.lengths, n, this.digests);
  }

  private processRecord(
    data: Buffer, view: DataView, at: number, flags: number, index: number,
  ): void {
    const length = view.getInt32(at + kOffFrameBytes, true);
    const tenant = view.getUint16(at + kOffTenant, true);
    const received = view.getFloat64(at + kOffReceived, true);
    const start = at + kRecordHeaderBytes;
    const frame = data.subarray(start, start + length);
    const msg = this.message;

    const text = data.toString('utf8', start, start + length);
    try {
      parseSyslog(text, received, msg);
      this.classifier.classify(msg, this.verdict);
    } catch {
      // A parser or rule bug must not cost the batch: keep this frame raw.
      this.keepRaw(text);
    }

    const row = this.row;
    row.received = received;
    row.original = frame;
    row.hash = this.digests.subarray(index * kDigestBytes,
      (index + 1) * kDigestBytes);
    const originId = view.getUint32(at + kOffOriginId, true);
    if (originId !== this.originId || originId === 0) {
      this.originId = originId;
      this.address = data.toString('latin1', at + kOffAddress,
        at + kOffAddress + view.getUint8(at + kOffAddressLength));
    }
    row.sourceAddress = this.address;
    row.sourcePort = view.getUint16(at + kOffPeerPort, true);
    row.transport = view.getUint8(at + kOffTransport);
    row.listener = this.setup.listeners[view.getUint8(at + kOffListener)]!;
    row.category = this.verdict.category;
    row.eventType = this.verdict.eventType;
    row.riskScore = this.verdict.riskScore;
    row.flags = flags & (RecordFlag.truncated | RecordFlag.incomplete);

    // Segment folders name years 0000-9999 (RFC 5424 6.2.3 allows no
    // other); an offset that pushes a time past them loses that time.
    if (msg.timestamp < kMinTime || msg.timestamp >= kEndTime) {
      msg.timestamp = NaN;
      msg.status = ParseStatus.partial;
    }
    const time = Number.isNaN(msg.timestamp) ? received : msg.timestamp;
    this.builderFor(tenant, Math.floor(time / kHourMs))
      .append(row, messageTail(text, length, msg.message));

    const counts = this.parsedBy;
    counts[tenant * 3 + (msg.status === ParseStatus.error ? 1 : 0)]!++;
    if ((flags & RecordFlag.truncated) !== 0) counts[tenant * 3 + 2]!++;
  }

  private keepRaw(text: string): void {
    const msg = this.message;
    resetMessage(msg);
    msg.status = ParseStatus.error;
    msg.message = text;
    messageExtent.start = 0;
    const v = this.verdict;
    v.category = 'host';
    v.eventType = 'error';
    v.riskScore = 0;
    v.ruleId = '';
  }

  private builderFor(tenant: number, hour: number): BlockBuilder {
    const key = tenant * kTenantKey + hour + kHourBias;
    if (key === this.currentKey) return this.current;

    let builder = this.builders.get(key);
    if (builder === undefined) {
      builder = new BlockBuilder();
      this.builders.set(key, builder);
    }
    this.currentKey = key;
    this.current = builder;
    return builder;
  }

  private encodeAll(): BlockOut[] {
    const out: BlockOut[] = [];
    for (const [key, builder] of this.builders) {
      if (builder.rowCount === 0) {
        // An hour that stopped receiving: let its builder go.
        this.builders.delete(key);
        if (key === this.currentKey) this.currentKey = -1;
        continue;
      }
      const tenant = Math.floor(key / kTenantKey);
      const hour = key - tenant * kTenantKey - kHourBias;
      const rows = builder.rowCount;
      out.push({
        tenant, hourStartMs: hour * kHourMs, rows,
        block: builder.encode(),
      });
      builder.reset();
    }
    return out;
  }

  private flushCounters(): void {
    const counts = this.parsedBy;
    for (let t = 0; t < this.setup.tenants.length; t++) {
      const base = t * 3;
      this.counters.addTenant(t, TenantCounter.parsed, counts[base]!);
      this.counters.addTenant(t, TenantCounter.parseErrors, counts[base + 1]!);
      this.counters.addTenant(t, TenantCounter.truncated, counts[base + 2]!);
    }
    counts.fill(0);
  }
}

/** U+FFFD, what the UTF-8 decoder puts for each byte it cannot decode. */
const kReplacement = '\ufffd';

/**
 * Bytes of the frame's tail that MSG is, when that is certain without
 * looking at them; -1 otherwise. A valid multi-byte UTF-8 sequence
 * decodes to fewer UTF-16 units than it has bytes and an invalid byte
 * to U+FFFD, so a text with one unit per byte and no U+FFFD came from
 * ASCII only: then MSG, a slice of the text to its end, is byte for
 * byte the frame's tail. (On a one-byte string V8 answers the U+FFFD
 * search without scanning.)
 */
function messageTail(text: string, bytes: number, message: string): number {
  if (text.length !== bytes || text.indexOf(kReplacement) !== -1) return -1;

  const tail = bytes - messageExtent.start;
  return message.length === tail ? tail : -1;
}
