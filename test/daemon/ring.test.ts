import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createRingBuffer, kClaimedIndex, kOffFlags, kOffFrameBytes, kOffPeerPort,
  kOffReceived, kOffTenant, kRecordHeaderBytes, RingReader, RingWriter,
  type Origin,
} from '../../daemon/ring.js';

const slots = 8;
const origin: Origin = {
  tenant: 3, listener: 1, transport: 2, address: Buffer.from('192.0.2.7'),
  port: 5140, id: 9,
};

function ring(dataBytes: number, batch = 4) {
  const sab = createRingBuffer({ dataBytes, slots });
  return {
    writer: new RingWriter(sab, slots, batch, dataBytes),
    reader: new RingReader(sab, slots),
  };
}

function frames(reader: RingReader, start: number, end: number): string[] {
  const out: string[] = [];
  for (let at = start; at < end; at = reader.next(at)) {
    const n = reader.view.getInt32(at + kOffFrameBytes, true);
    const from = at + kRecordHeaderBytes;
    out.push(reader.data.toString('latin1', from, from + n));
  }
  return out;
}

test('a batch seals at the message limit and carries its records', () => {
  const { writer, reader } = ring(4096);
  const msg = Buffer.from('xx<13>hello');
  assert.is(writer.write(origin, msg, 2, msg.length, 1000.5, 1), 0);
  assert.is(writer.write(origin, msg, 2, msg.length, 1001, 0), 0);
  assert.is(writer.write(origin, msg, 2, msg.length, 1002, 0), 0);
  assert.is(writer.write(origin, msg, 2, msg.length, 1003, 0), 1);

  const batch = reader.claim()!;
  assert.is(batch.count, 4);
  assert.equal(frames(reader, batch.start, batch.end),
    ['<13>hello', '<13>hello', '<13>hello', '<13>hello']);
  assert.is(reader.view.getUint16(batch.start + kOffTenant, true), 3);
  assert.is(reader.view.getUint8(batch.start + kOffFlags), 1);
  assert.is(reader.view.getUint16(batch.start + kOffPeerPort, true), 5140);
  assert.is(reader.view.getFloat64(batch.start + kOffReceived, true), 1000.5);
  assert.is(reader.claim(), undefined);
});

test('space comes back only after the batch is done and reclaimed', () => {
  // Room for three 128-byte records; a batch holds at most a quarter of
  // the ring, so each record is a batch of its own.
  const { writer, reader } = ring(3 * 128 + 8, 100);
  const msg = Buffer.alloc(128 - kRecordHeaderBytes, 0x61);
  assert.is(writer.write(origin, msg, 0, msg.length, 1, 0), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 2, 0), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 3, 0), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 4, 0), -1);
  assert.is(writer.usedBytes, 384);

  const first = reader.claim()!;
  assert.is(writer.reclaim(), 0, 'claimed but not done keeps its space');
  reader.done(first);
  assert.is(writer.reclaim(), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 4, 0), -1,
    'head may never catch up with tail');

  reader.done(reader.claim()!);
  assert.is(writer.reclaim(), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 4, 0), 1);
  const wrapped = reader.claim()!;
  assert.is(wrapped.start, 384 - 128, 'the third record is claimed next');
  reader.done(wrapped);
  const last = reader.claim()!;
  assert.is(last.start, 0);
  assert.equal(frames(reader, last.start, last.end), [msg.toString()]);
});

test('an open batch is sealed before the writer wraps', () => {
  const { writer, reader } = ring(4096, 100);
  const big = Buffer.alloc(1024 - kRecordHeaderBytes, 0x62);
  const small = Buffer.from('<14>after wrap');
  assert.is(writer.write(origin, big, 0, big.length, 1, 0), 1);
  assert.is(writer.write(origin, big, 0, big.length, 2, 0), 1);
  assert.is(writer.write(origin, big, 0, big.length, 3, 0), 1);
  assert.is(writer.write(origin, small, 0, small.length, 4, 0), 0);
  reader.done(reader.claim()!);
  reader.done(reader.claim()!);
  assert.is(writer.reclaim(), 2);

  // 1024 more bytes do not fit after offset 3160: the open batch with
  // the small record is sealed, and the big one starts at offset 0.
  assert.is(writer.write(origin, big, 0, big.length, 5, 0), 2);
  reader.done(reader.claim()!);
  const tail = reader.claim()!;
  assert.equal(frames(reader, tail.start, tail.end), ['<14>after wrap']);
  const head = reader.claim()!;
  assert.is(head.start, 0);
  assert.is(head.count, 1);
});

test('two readers never claim the same batch', () => {
  const sab = createRingBuffer({ dataBytes: 8192, slots });
  const writer = new RingWriter(sab, slots, 1, 8192);
  const a = new RingReader(sab, slots);
  const b = new RingReader(sab, slots);
  const msg = Buffer.from('<13>x');
  for (let i = 0; i < 3; i++) writer.write(origin, msg, 0, msg.length, i, 0);

  const claims = [a.claim(), b.claim(), a.claim(), b.claim()];
  assert.equal(claims.map((c) => c?.slot), [0, 1, 2, undefined]);
});

test('a full slot table makes the writer push back', () => {
  const sab = createRingBuffer({ dataBytes: 65536, slots: 2 });
  const writer = new RingWriter(sab, 2, 1, 65536);
  const msg = Buffer.from('<13>x');
  assert.is(writer.write(origin, msg, 0, msg.length, 1, 0), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 2, 0), 1);
  assert.is(writer.write(origin, msg, 0, msg.length, 3, 0), 0,
    'written, but no slot to seal it into yet');
  assert.is(writer.pendingCount, 1);
});

test('a batch claimed by a dead thread is freed and its records counted',
  () => {
    const sab = createRingBuffer({ dataBytes: 8192, slots });
    const writer = new RingWriter(sab, slots, 2, 8192);
    const worker = new RingReader(sab, slots, 41);
    const msg = Buffer.from('<13>x');
    for (let i = 0; i < 4; i++) writer.write(origin, msg, 0, msg.length, i, 0);

    const first = worker.claim()!;
    assert.is(writer.abandonClaims(new Set([41])), 0, 'its thread lives');
    assert.is(writer.abandonClaims(new Set([7])), 2);
    assert.is(writer.abandonClaims(new Set([7])), 0, 'counted once');
    assert.is(writer.reclaim(), 1);
    assert.is(first.count, 2);
    assert.is(writer.batchesInFlight, 1, 'the unclaimed batch stays');
  });

test('a claim whose thread died before marking it is freed after a grace',
  () => {
    const sab = createRingBuffer({ dataBytes: 8192, slots });
    const writer = new RingWriter(sab, slots, 1, 8192);
    const msg = Buffer.from('<13>x');
    writer.write(origin, msg, 0, msg.length, 1, 0);
    writer.write(origin, msg, 0, msg.length, 2, 0);

    // A worker won the compare-and-swap for batch 0, then died.
    Atomics.add(new Int32Array(sab, 0, 16), kClaimedIndex, 1);
    const alive = new Set([1]);
    assert.is(writer.abandonClaims(alive, 1000), 0, 'first seen');
    assert.is(writer.abandonClaims(alive, 5999), 0, 'within the grace');
    assert.is(writer.abandonClaims(alive, 6000), 1);
    assert.is(writer.reclaim(), 1);
    assert.is(writer.abandonClaims(alive, 99_999), 0,
      'the unclaimed batch is never taken');
  });

test.run();
