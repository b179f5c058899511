import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Counters, createCounterBuffer } from '../../daemon/counters.js';
import { Ingest } from '../../daemon/ingest.js';
import {
  createRingBuffer, RingReader, RingWriter, type Origin,
} from '../../daemon/ring.js';

const slots = 8;
const origin: Origin = {
  tenant: 0, listener: 0, transport: 2, address: Buffer.from('192.0.2.1'),
  port: 514, id: 1,
};

function setup(batch: number) {
  const sab = createRingBuffer({ dataBytes: 1 << 16, slots });
  const ring = new RingWriter(sab, slots, batch, 1 << 16);
  const reader = new RingReader(sab, slots);
  let dispatched = 0;
  const ingest = new Ingest(ring, new Counters(createCounterBuffer(1)),
    () => { dispatched++; }, 20);
  return { ingest, reader, dispatched: () => dispatched };
}

test('a probe that completes a batch starts its pool task', () => {
  const { ingest, reader, dispatched } = setup(2);
  const frame = Buffer.from('<13>x');
  assert.ok(ingest.accept(origin, frame, 0, frame.length, 0));
  ingest.probe();
  assert.is(dispatched(), 1);
  assert.is(reader.claim()?.count, 2);
});

test('flush starts a task for every sealed batch that has none', () => {
  const { ingest, dispatched } = setup(4);
  const frame = Buffer.from('<13>y');
  ingest.accept(origin, frame, 0, frame.length, 0);
  ingest.flush();
  assert.is(dispatched(), 1, 'the open batch is sealed and announced');
  ingest.flush();
  assert.is(dispatched(), 1, 'nothing twice');
});

test.run();
