import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertLoopback, FrameCursor, frameCorpus, runSender, sumMetric,
  sumMetricBy,
} from '../../loadtest/sender.js';

test('lf framing appends one LF per message', () => {
  const framed = frameCorpus(['<13>a', Buffer.from('<13>bc')], 'lf');
  assert.is(framed.chunks.length, 1);
  assert.is(framed.chunks[0].data.toString(), '<13>a\n<13>bc\n');
  assert.equal([...framed.chunks[0].ends], [6, 13]);
  assert.is(framed.messages, 2);
  assert.is(framed.bytes, 13);
});

test('octet framing prefixes the byte length and a space', () => {
  const framed = frameCorpus(['hello', 'é', 'x'.repeat(10)], 'octet');
  const expected = `5 hello2 é10 ${'x'.repeat(10)}`;
  assert.is(framed.chunks[0].data.toString(), expected);
  assert.equal([...framed.chunks[0].ends], [7, 11, 24]);
  assert.is(framed.bytes, Buffer.byteLength(expected));
});

test('chunks hold whole frames; an oversized frame gets its own', () => {
  const lines = ['aaaa', 'bbbb', 'cccc', 'd'.repeat(20), 'eeee'];
  const framed = frameCorpus(lines, 'lf', 10);
  const texts = framed.chunks.map((c) => c.data.toString());
  assert.equal(texts, [
    'aaaa\nbbbb\n', 'cccc\n', `${'d'.repeat(20)}\n`, 'eeee\n',
  ]);
  assert.equal(framed.chunks.map((c) => c.ends.length), [2, 1, 1, 1]);
  assert.is(framed.messages, 5);
  assert.is(framed.bytes, 41);
});

test('FrameCursor stops at chunk ends and wraps around the corpus', () => {
  const framed = frameCorpus(['a', 'b', 'c', 'd', 'e'], 'lf', 6);
  const cursor = new FrameCursor(framed);
  const taken: [string, number][] = [];
  for (const max of [2, 5, 1, 4, 0]) {
    const { data, count } = cursor.take(max);
    taken.push([data.toString(), count]);
  }
  assert.equal(taken, [
    ['a\nb\n', 2], ['c\n', 1], ['d\n', 1], ['e\n', 1], ['', 0],
  ]);
  assert.equal(cursor.take(9).data.toString(), 'a\nb\nc\n');
});

test('FrameCursor starts at the given chunk, modulo the chunk count', () => {
  const framed = frameCorpus(['a', 'b', 'c'], 'lf', 2);
  assert.is(new FrameCursor(framed, 4).take(9).data.toString(), 'b\n');
  assert.throws(() => new FrameCursor(frameCorpus([], 'lf')), /no messages/);
});

const kMetrics = [
  '# HELP sluice_messages_stored_total Messages written to segments.',
  '# TYPE sluice_messages_stored_total counter',
  'sluice_messages_stored_total{tenant="default"} 1200',
  'sluice_messages_stored_total{tenant="acme"} 34 1717171717000',
  'sluice_messages_stored_total_created{tenant="acme"} 1717171717',
  'sluice_messages_dropped_total{reason="ring_full"} 7',
  'sluice_messages_dropped_total{transport="udp",reason="too_long"} 2',
  'sluice_messages_dropped_total{reason="ring_full",transport="tcp"} 1',
  'sluice_up 1',
].join('\n');

test('sumMetric adds every sample of exactly that name', () => {
  assert.is(sumMetric(kMetrics, 'sluice_messages_stored_total'), 1234);
  assert.is(sumMetric(kMetrics, 'sluice_up'), 1);
  assert.is(sumMetric(kMetrics, 'sluice_messages_received_total'), 0);
});

test('sumMetricBy groups samples by one label', () => {
  assert.equal(
    sumMetricBy(kMetrics, 'sluice_messages_dropped_total', 'reason'),
    { ring_full: 8, too_long: 2 });
});

test('only 127.0.0.1 is accepted as a target', () => {
  assertLoopback('127.0.0.1');
  for (const host of ['localhost', '10.0.0.1', '::1', '127.0.0.2']) {
    assert.throws(() => assertLoopback(host), /only 127\.0\.0\.1/);
  }
});

test('runSender refuses a foreign host before connecting', async () => {
  const corpus = frameCorpus(['x'], 'lf');
  for (const options of [
    { host: '192.0.2.1', port: 1, corpus, count: 1 },
    { port: 1, corpus, count: 1, metricsUrl: 'http://192.0.2.1:9/metrics' },
  ]) {
    try {
      await runSender(options);
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.match((err as Error).message, /only 127\.0\.0\.1/);
    }
  }
});

function listen(server: Server | ReturnType<typeof createHttpServer>):
  Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

test('runSender sends count frames over N connections, wrapping', async () => {
  const received: Buffer[][] = [];
  const sink = createServer((socket) => {
    const parts: Buffer[] = [];
    received.push(parts);
    socket.on('data', (d) => parts.push(d));
  });
  let stored = 0;
  const metrics = createHttpServer((_req, res) => {
    res.end(`sluice_messages_stored_total{tenant="default"} ${stored}\n`);
  });
  const port = await listen(sink);
  const metricsPort = await listen(metrics);

  try {
    const corpus = frameCorpus(['m0', 'm1', 'm2', 'm3', 'm4'], 'octet', 8);
    const result = await runSender({
      port, corpus, count: 13, connections: 2,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      settleSeconds: 0.2,
    });
    const texts = received.map((p) => Buffer.concat(p).toString()).sort();
    // Two frames fit a chunk, so chunk 1 starts at m2, where the second
    // connection starts; 13 frames split 7 + 6.
    assert.equal(texts, [
      '2 m02 m12 m22 m32 m42 m02 m1',
      '2 m22 m32 m42 m02 m12 m2',
    ]);
    assert.is(result.sent, 13);
    assert.is(result.bytes, 13 * 4);
    assert.is(result.stored, 0);
    assert.is(result.loss, 13);
    assert.is(result.lossPercent, 100);
    assert.equal(result.errors, []);
  } finally {
    sink.close();
    metrics.close();
  }
});

test.run();
