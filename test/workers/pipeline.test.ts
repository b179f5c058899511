import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createCounterBuffer } from '../../daemon/counters.js';
import {
  createRingBuffer, kDefaultSlots, RingWriter, type Origin,
} from '../../daemon/ring.js';
import { DecodedBlock } from '../../daemon/storage/segment-reader.js';
import { ColumnId, kSuffixOfOriginal } from '../../workers/encode/format.js';
import { Classifier } from '../../workers/classify/engine.js';
import { Pipeline } from '../../workers/pipeline.js';

const kRingBytes = 1 << 20;
const kReceived = Date.UTC(2024, 4, 14, 0, 0, 5);
const kOrigin: Origin = {
  tenant: 0, listener: 0, transport: 2, address: Buffer.from('192.0.2.7'),
  port: 51514, id: 7,
};

/** Runs frames through ring and pipeline; returns the one block. */
function store(frames: Buffer[]): DecodedBlock {
  const sab = createRingBuffer({ dataBytes: kRingBytes });
  const ring = new RingWriter(sab, kDefaultSlots, 4096, kRingBytes >> 3);
  for (const f of frames) ring.write(kOrigin, f, 0, f.length, kReceived, 0);
  assert.ok(ring.seal());

  const pipeline = new Pipeline({
    ring: sab, slots: kDefaultSlots, counters: createCounterBuffer(1),
    tenants: ['default'], listeners: ['tcp'], rulesPath: undefined,
  });
  const result = pipeline.runOnce();
  assert.ok(result !== undefined);
  assert.is(result.blocks.length, 1);
  return DecodedBlock.from(Buffer.from(result.blocks[0]!.block));
}

/** The u32 length the message column stores for row `i`. */
function messageLength(d: DecodedBlock, i: number): number {
  const raw = (d as unknown as {
    raw(id: ColumnId, type: number): Buffer;
  }).raw(ColumnId.message, 6);
  return raw.readUInt32LE(i * 4);
}

const kFrames: Array<[string, Buffer, string]> = [
  ['ASCII', Buffer.from('<13>May 14 00:00:00 host sshd[1]: plain text'),
    'plain text'],
  ['UTF-8 in MSG',
    Buffer.from('<13>May 14 00:00:00 host app: caf\u00e9 \u2603'),
    'caf\u00e9 \u2603'],
  ['UTF-8 in the header', Buffer.from('<13>May 14 00:00:00 h\u00f6st app: ok'),
    'ok'],
  ['BOM before MSG', Buffer.from(
    '<13>1 2024-05-14T00:00:00Z h a 1 ID - \ufeffafter the BOM'),
  'after the BOM'],
  ['invalid UTF-8', Buffer.concat([Buffer.from('<13>x: '),
    Buffer.from([0xff, 0x41, 0xc3])]), '\ufffdA\ufffd'],
  ['U+FFFD sent as such', Buffer.from('<13>x: \ufffd sent'),
    '\ufffd sent'],
  ['no MSG', Buffer.from('<13>1 2024-05-14T00:00:00Z h a 1 ID -'), ''],
  ['raw', Buffer.from('no header at all'), 'no header at all'],
];

test('MSG is stored right, ASCII or not, as a tail of the frame', () => {
  const d = store(kFrames.map(([, frame]) => frame));
  assert.is(d.rowCount, kFrames.length);

  kFrames.forEach(([name, frame, message], i) => {
    assert.is(d.string(ColumnId.message, i), message, name);
    assert.is(d.string(ColumnId.original, i), frame.toString(), name);

    // Every one of these MSGs ends its frame as bytes, except where the
    // decoder replaced invalid bytes: those are stored as text.
    const bytes = Buffer.byteLength(message);
    const expected = name === 'invalid UTF-8' ? bytes :
      bytes === 0 ? 0 : (bytes | kSuffixOfOriginal) >>> 0;
    assert.is(messageLength(d, i), expected, name);
  });
});

test('the origin and header fields of ASCII frames are stored', () => {
  const ascii = store([kFrames[0]![1], kFrames[6]![1], kFrames[7]![1]]);
  assert.is(ascii.string(ColumnId.sourceAddress, 0), '192.0.2.7');
  assert.is(ascii.string(ColumnId.listener, 2), 'tcp');
  assert.is(ascii.string(ColumnId.hostname, 0), 'host');
  assert.is(ascii.string(ColumnId.appname, 0), 'sshd');
});

test('a frame that makes a stage throw is kept raw, the batch goes on', () => {
  const original = Classifier.prototype.classify;
  Classifier.prototype.classify = function (msg, out) {
    if (msg.message.includes('poison')) throw new Error('rule bug');
    original.call(this, msg, out);
  };
  try {
    const d = store([
      Buffer.from('<13>May 14 00:00:00 host app: before'),
      Buffer.from('<13>May 14 00:00:00 host app: poison pill'),
      Buffer.from('<13>May 14 00:00:00 host app: after'),
    ]);
    assert.is(d.rowCount, 3);
    assert.equal([0, 1, 2].map((i) => d.string(ColumnId.message, i)),
      ['before', '<13>May 14 00:00:00 host app: poison pill', 'after']);
    assert.equal([...d.u8(ColumnId.parseStatus)],
      [0, 1, 0]);
    assert.is(d.string(ColumnId.category, 1), 'host');
    assert.is(d.string(ColumnId.eventType, 1), 'error');
  } finally {
    Classifier.prototype.classify = original;
  }
});

test('a time an offset pushes before year 0000 is dropped, not the row',
  () => {
    const d = store([
      Buffer.from('<13>1 0000-01-01T00:00:00+01:00 h app - - - early'),
      Buffer.from('<13>1 9999-12-31T23:59:59-01:00 h app - - - late'),
    ]);
    assert.is(d.rowCount, 2);
    assert.equal([...d.f64(ColumnId.eventTime)], [NaN, NaN]);
    assert.equal([...d.u8(ColumnId.parseStatus)], [2, 2]);
    assert.equal([0, 1].map((i) => d.string(ColumnId.message, i)),
      ['early', 'late']);
  });

test.run();
