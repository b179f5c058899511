import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { countEvents } from '../../../daemon/storage/count.js';
import { SegmentReader } from '../../../daemon/storage/segment-reader.js';
import { SegmentStore } from '../../../daemon/storage/segment-writer.js';
import {
  encode,
  kHour,
  kHour10,
  makeRow,
  removeDir,
  tempDir,
} from './fixture-rows.js';

const test = suite<{ dir: string }>('segment writer', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = tempDir();
});
test.after.each((ctx) => {
  removeDir(ctx.dir);
});

const hourDir = (dir: string) => join(dir, 'acme', '2024-05-01', '10');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('close waits for every queued block', async (c) => {
  const written: Array<[string, number]> = [];
  const s = new SegmentStore({
    dataDir: c.dir, onWritten: (t, rows) => written.push([t, rows]),
  });
  const block = encode([makeRow(), makeRow()]);
  for (let i = 0; i < 50; i++) s.append('acme', kHour10, block);
  await s.close();

  const stats = s.stats();
  assert.is(stats.blocksWritten, 50);
  assert.is(stats.openSegments, 0);
  assert.is(await countEvents(c.dir, 'acme'), 100);
  assert.ok(written.every(([t]) => t === 'acme'));
  assert.is(written.reduce((n, [, rows]) => n + rows, 0), 100,
    'every row reported once, when written');

  const [name] = readdirSync(hourDir(c.dir));
  assert.is(statSync(join(hourDir(c.dir), name)).size, stats.bytesWritten);
  assert.throws(() => s.append('acme', kHour10, block), /closed/);
});

test('a segment closes itself once its hour is over and idle', async (c) => {
  const s = new SegmentStore({
    dataDir: c.dir, fsyncIntervalMs: 5, idleCloseMs: 0,
  });
  s.append('acme', kHour10, encode([makeRow()]));
  assert.is(s.stats().openSegments, 1);

  for (let i = 0; i < 100 && s.stats().openSegments > 0; i++) await sleep(10);
  await s.flush();
  assert.is(s.stats().openSegments, 0);
  const [first] = readdirSync(hourDir(c.dir));
  const reader = await SegmentReader.open(join(hourDir(c.dir), first));
  assert.is(reader.info.hasFooter, true);
  await reader.close();

  // A late block for that hour never reopens the closed file.
  s.append('acme', kHour10, encode([makeRow()]));
  await s.close();
  assert.is(readdirSync(hourDir(c.dir)).length, 2);
  assert.is(await countEvents(c.dir), 2);
});

test('blocks outside the hour or for a bad tenant are refused', (c) => {
  const s = new SegmentStore({ dataDir: c.dir });
  const block = encode([makeRow({ time: kHour10 + 5 })]);

  for (const [tenant, hour, pattern] of [
    ['acme', kHour10 + kHour, /fall outside the hour/],
    ['acme', kHour10 + 1, /not a whole UTC hour/],
    ['../etc', kHour10, /contains a path separator/],
    ['..', kHour10, /dot name/],
  ] as const) {
    try {
      s.append(tenant, hour, block);
      assert.unreachable(`accepted ${tenant} ${hour}`);
    } catch (err) {
      assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
      assert.match((err as Error).message, pattern);
    }
  }
  assert.throws(() => s.append('acme', kHour10, Buffer.alloc(40)),
    /not an encoded block/);
  return s.close();
});

test('a failed write is reported and counted, not thrown', async (c) => {
  const notADir = join(c.dir, 'file');
  writeFileSync(notADir, 'x');
  const errors: Error[] = [];
  const lost: Array<[string, number]> = [];
  let written = 0;
  const s = new SegmentStore({
    dataDir: notADir, onError: (e) => errors.push(e),
    onWritten: (_t, rows) => { written += rows; },
    onLost: (t, rows) => lost.push([t, rows]),
  });
  s.append('acme', kHour10, encode([makeRow()]));
  s.append('acme', kHour10, encode([makeRow(), makeRow()]));
  await s.flush();
  await s.close();

  assert.equal(lost, [['acme', 3]]);
  assert.is(written, 0);

  assert.is(errors.length, 1);
  assert.is((errors[0] as { code?: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
  assert.is(s.stats().blocksLost, 2);
  assert.is(s.stats().writeErrors, 1);
  assert.is(s.stats().blocksWritten, 0);
});

test('without onError, flush rejects with the write error', async (c) => {
  const notADir = join(c.dir, 'file');
  writeFileSync(notADir, 'x');
  const s = new SegmentStore({ dataDir: notADir });
  s.append('acme', kHour10, encode([makeRow()]));

  try {
    await s.flush();
    assert.unreachable('flush hid a failed write');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
    assert.match((err as Error).message, /writing segment .* failed/);
  }
  await s.close();
});

test('blocks written before kill -9 survive without a footer', async (c) => {
  const writer = pathToFileURL(join(process.cwd(),
    'daemon/storage/segment-writer.ts')).href;
  const rows = pathToFileURL(join(process.cwd(),
    'test/daemon/storage/fixture-rows.ts')).href;
  const script = join(c.dir, 'writer.mts');
  writeFileSync(script, `
    import { SegmentStore } from '${writer}';
    import { encode, makeRow, kHour10 } from '${rows}';
    const s = new SegmentStore({ dataDir: ${JSON.stringify(c.dir)},
      fsyncIntervalMs: 60000 });
    for (let i = 0; i < 5; i++) {
      s.append('acme', kHour10, encode([makeRow({ message: 'm' + i })]));
    }
    const wait = setInterval(() => {
      if (s.stats().blocksWritten === 5) process.stdout.write('ready\\n');
    }, 5);
  `);

  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer exited ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', (_, sig) => r(sig)));
  child.kill('SIGKILL');
  assert.is(await exited, 'SIGKILL');

  const [name] = readdirSync(hourDir(c.dir));
  const reader = await SegmentReader.open(join(hourDir(c.dir), name));
  assert.is(reader.info.hasFooter, false);
  assert.is(reader.info.blocks.length, 5);
  await reader.close();
  assert.is(await countEvents(c.dir, 'acme'), 5);
});

test('opening one segment too many closes the least recently written',
  async (c) => {
    const s = new SegmentStore({ dataDir: c.dir, maxOpenSegments: 2 });
    const block = (hour: number) => encode([makeRow({ time: hour })]);
    s.append('acme', kHour10, block(kHour10));
    await sleep(5);
    s.append('acme', kHour10 + 3_600_000, block(kHour10 + 3_600_000));
    await sleep(5);
    s.append('acme', kHour10 + 7_200_000, block(kHour10 + 7_200_000));
    assert.is(s.stats().openSegments, 2);
    await s.flush();

    const [first] = readdirSync(hourDir(c.dir));
    const reader = await SegmentReader.open(join(hourDir(c.dir), first));
    assert.is(reader.info.hasFooter, true, 'the oldest got its footer');
    await reader.close();
    await s.close();
    assert.is(await countEvents(c.dir, 'acme'), 3);
  });

test.run();
