import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { queryEvents } from '../../../daemon/storage/query.js';
import { SegmentReader } from '../../../daemon/storage/segment-reader.js';
import { RowFlag, Transport } from '../../../workers/encode/row.js';
import { Format, ParseStatus } from '../../../workers/parse/message.js';
import {
  encode,
  kHour10,
  makeRow,
  removeDir,
  store,
  tempDir,
} from './fixture-rows.js';

const test = suite<{ dir: string }>('storage round trip', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = tempDir();
});
test.after.each((ctx) => {
  removeDir(ctx.dir);
});

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

test('an RFC 5424 row comes back as this exact ECS document', async (c) => {
  const r = makeRow({ time: kHour10 + 1_234, received: kHour10 + 2_000 });
  r.parsed.msgid = 'ID47';
  r.parsed.structuredData =
    '[exampleSDID@32473 iut="3" eventSource="Application"]';
  r.original = Buffer.from('<38>1 2024-05-01T10:00:01.234Z fw-01 sshd 77 ' +
    'ID47 [exampleSDID@32473 iut="3" eventSource="Application"] hi');
  r.hash = Buffer.alloc(32, 0xab);
  r.parsed.message = 'hi';
  await store(c.dir, 'acme', kHour10, [[r]]);

  const events = await queryEvents({ dataDir: c.dir, tenant: 'acme' });
  assert.equal(plain(events), [{
    '@timestamp': '2024-05-01T10:00:01.234Z',
    message: 'hi',
    event: {
      created: '2024-05-01T10:00:02.000Z',
      original: r.original.toString(),
      hash: 'ab'.repeat(32),
      risk_score: 10,
      category: ['authentication'],
      type: ['info'],
    },
    log: {
      syslog: {
        priority: 38,
        facility: { code: 4, name: 'auth' },
        severity: { code: 6, name: 'informational' },
        version: '1',
        hostname: 'fw-01',
        appname: 'sshd',
        procid: '77',
        msgid: 'ID47',
        structured_data: {
          'exampleSDID@32473': { iut: '3', eventSource: 'Application' },
        },
      },
      source: { address: '198.51.100.7:40001' },
    },
    network: { transport: 'udp' },
    ecs: { version: '8.11.0' },
    sluice: {
      tenant: 'acme',
      listener: 'udp-514',
      parse_status: 'ok',
      format: 'rfc5424',
    },
  }]);
});

test('a raw frame without time or header keeps only what it has', async (c) => {
  const r = makeRow({ time: NaN, received: kHour10 + 9_000 });
  r.parsed.format = Format.unknown;
  r.parsed.status = ParseStatus.error;
  r.parsed.priority = -1;
  r.parsed.version = -1;
  r.parsed.hostname = undefined;
  r.parsed.appname = undefined;
  r.parsed.procid = undefined;
  r.parsed.message = 'garbage \u00e9\u00e8';
  r.original = Buffer.from('garbage \u00e9\u00e8');
  r.hash = Buffer.alloc(32, 1);
  r.sourceAddress = '2001:db8::5';
  r.transport = Transport.tls;
  r.category = '';
  r.eventType = '';
  r.riskScore = 0;
  r.flags = RowFlag.truncated | RowFlag.incomplete;
  await store(c.dir, 'acme', kHour10, [[r]]);

  const [ev] = await queryEvents({ dataDir: c.dir, tenant: 'acme' });
  assert.equal(plain(ev), {
    '@timestamp': '2024-05-01T10:00:09.000Z',
    message: 'garbage \u00e9\u00e8',
    event: {
      created: '2024-05-01T10:00:09.000Z',
      original: 'garbage \u00e9\u00e8',
      hash: '01'.repeat(32),
      risk_score: 0,
    },
    log: { source: { address: '[2001:db8::5]:40001' } },
    network: { transport: 'tcp' },
    tls: { established: true },
    ecs: { version: '8.11.0' },
    sluice: {
      tenant: 'acme',
      listener: 'udp-514',
      parse_status: 'error',
      format: 'unknown',
      truncated: true,
      incomplete: true,
    },
  });
});

test('absent and empty syslog fields differ in the output', async (c) => {
  const empty = makeRow({ host: '', app: undefined, message: '' });
  await store(c.dir, 'acme', kHour10, [[empty]]);

  const [ev] = await queryEvents({ dataDir: c.dir, tenant: 'acme' });
  const syslog = (ev.log as { syslog: Record<string, unknown> }).syslog;
  assert.is(syslog.hostname, '');
  assert.is('appname' in syslog, false);
  assert.is('message' in ev, false);
});

test('rows come back sorted by time, then receive time', async (c) => {
  const t = kHour10 + 100;
  const rows = [
    makeRow({ time: t + 50, message: 'c' }),
    makeRow({ time: t, received: t + 9, message: 'b' }),
    makeRow({ time: t, received: t + 1, message: 'a' }),
  ];
  await store(c.dir, 'acme', kHour10, [rows.slice(0, 1), rows.slice(1)]);
  await store(c.dir, 'acme', kHour10, [[makeRow({ time: t - 1, message: 'z' })]]);

  const events = await queryEvents({ dataDir: c.dir, tenant: 'acme' });
  assert.equal(events.map((e) => e.message), ['z', 'a', 'b', 'c']);
});

test('each store run writes new files with a footer at close', async (c) => {
  await store(c.dir, 'acme', kHour10, [[makeRow()], [makeRow()]]);
  await store(c.dir, 'acme', kHour10, [[makeRow()]]);

  const dir = join(c.dir, 'acme', '2024-05-01', '10');
  const names = readdirSync(dir).sort();
  assert.is(names.length, 2);
  for (const n of names) assert.match(n, /^\d+-\d+-\d+\.seg$/);

  const reader = await SegmentReader.open(join(dir, names[0]));
  assert.is(reader.info.hasFooter, true);
  assert.is(reader.info.tenant, 'acme');
  assert.is(reader.info.hourStartMs, kHour10);
  assert.is(reader.info.blocks.length, 2);
  assert.is(reader.info.totalRows, 2);
  assert.is(reader.info.tornBytes, 0);
  await reader.close();

  assert.is((await queryEvents({ dataDir: c.dir, tenant: 'acme' })).length, 3);
});

test('a block is encoded once and reads back bit for bit', async (c) => {
  const block = encode([makeRow(), makeRow({ host: 'db-02' })]);
  const { SegmentStore } = await import(
    '../../../daemon/storage/segment-writer.js');
  const s = new SegmentStore({ dataDir: c.dir });
  s.append('acme', kHour10, block);
  await s.close();
  assert.equal(s.stats().blocksWritten, 1);

  const dir = join(c.dir, 'acme', '2024-05-01', '10');
  const reader = await SegmentReader.open(join(dir, readdirSync(dir)[0]));
  const info = reader.info.blocks[0];
  const bytes = Buffer.alloc(info.length);
  const { readSync, openSync, closeSync } = await import('node:fs');
  const fd = openSync(reader.info.path, 'r');
  readSync(fd, bytes, 0, info.length, info.offset);
  closeSync(fd);
  await reader.close();
  assert.ok(bytes.equals(block));
});

test.run();
