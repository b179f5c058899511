import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  appendFileSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { countEvents } from '../../../daemon/storage/count.js';
import { queryEvents } from '../../../daemon/storage/query.js';
import { SegmentReader } from '../../../daemon/storage/segment-reader.js';
import { SegmentStore } from '../../../daemon/storage/segment-writer.js';
import { encode, kHour10, makeRow, removeDir, tempDir } from './fixture-rows.js';

const test = suite<{ dir: string }>('segments cut short', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = tempDir();
});
test.after.each((ctx) => {
  removeDir(ctx.dir);
});

/**
 * Three blocks (1, 2 and 3 rows) flushed but never closed: the file a
 * writer killed with -9 leaves behind. Returns its path and block sizes.
 */
async function killedWriter(dir: string): Promise<[string, number[]]> {
  const s = new SegmentStore({ dataDir: dir });
  const sizes: number[] = [];
  for (const n of [1, 2, 3]) {
    const rows = [];
    for (let i = 0; i < n; i++) {
      rows.push(makeRow({ time: kHour10 + n * 1000 + i, message: `b${n}r${i}` }));
    }
    const block = encode(rows);
    sizes.push(block.length);
    s.append('acme', kHour10, block);
  }
  await s.flush();

  // Keep the bytes as they were before close wrote the footer.
  const hourDir = join(dir, 'acme', '2024-05-01', '10');
  const path = join(hourDir, readdirSync(hourDir)[0]);
  const before = readFileSync(path);
  await s.close();
  writeFileSync(path, before);
  return [path, sizes];
}

async function messages(dir: string): Promise<unknown[]> {
  const events = await queryEvents({ dataDir: dir, tenant: 'acme' });
  return events.map((e) => e.message);
}

test('a file without footer reads back every block', async (c) => {
  const [path] = await killedWriter(c.dir);
  const reader = await SegmentReader.open(path);
  assert.is(reader.info.hasFooter, false);
  assert.is(reader.info.blocks.length, 3);
  assert.is(reader.info.tornBytes, 0);
  await reader.close();

  assert.equal(await messages(c.dir),
    ['b1r0', 'b2r0', 'b2r1', 'b3r0', 'b3r1', 'b3r2']);
  assert.is(await countEvents(c.dir, 'acme'), 6);
});

test('a last block cut mid-way is left out, the rest is kept', async (c) => {
  const [path, sizes] = await killedWriter(c.dir);
  const size = statSync(path).size;
  truncateSync(path, size - Math.floor(sizes[2] / 2));

  const reader = await SegmentReader.open(path);
  assert.is(reader.info.blocks.length, 2);
  assert.is(reader.info.tornBytes, sizes[2] - Math.floor(sizes[2] / 2));
  await reader.close();

  assert.equal(await messages(c.dir), ['b1r0', 'b2r0', 'b2r1']);
  assert.is(await countEvents(c.dir, 'acme'), 3);
});

test('a cut inside the last block header is left out', async (c) => {
  const [path, sizes] = await killedWriter(c.dir);
  truncateSync(path, statSync(path).size - sizes[2] + 10);

  assert.equal(await messages(c.dir), ['b1r0', 'b2r0', 'b2r1']);
  assert.is(await countEvents(c.dir), 3);
});

test('a full-length last block with zeroed bytes fails its CRC', async (c) => {
  const [path, sizes] = await killedWriter(c.dir);
  const size = statSync(path).size;
  // What a power loss can leave: the size grew, the data never landed.
  truncateSync(path, size - 40);
  appendFileSync(path, Buffer.alloc(40));

  const reader = await SegmentReader.open(path);
  assert.is(reader.info.blocks.length, 2);
  assert.is(reader.info.tornBytes, sizes[2]);
  await reader.close();
  assert.is(await countEvents(c.dir, 'acme'), 3);
  assert.equal(await messages(c.dir), ['b1r0', 'b2r0', 'b2r1']);
});

test('a file cut inside its header holds nothing', async (c) => {
  const [path] = await killedWriter(c.dir);
  truncateSync(path, 12);

  assert.equal(await messages(c.dir), []);
  assert.is(await countEvents(c.dir, 'acme'), 0);
});

test('a damaged footer falls back to scanning the blocks', async (c) => {
  const [path] = await killedWriter(c.dir);
  const reader = await SegmentReader.open(path);
  const end = statSync(path).size;
  await reader.close();

  // A footer-shaped tail whose CRC is wrong, then a valid trailer.
  const footer = Buffer.alloc(20);
  footer.writeUInt32LE(0x54464c53, 0);
  const trailer = Buffer.alloc(12);
  trailer.writeUInt32LE(20, 0);
  trailer.write('SLUICEND', 4, 'latin1');
  appendFileSync(path, Buffer.concat([footer, trailer]));

  const again = await SegmentReader.open(path);
  assert.is(again.info.hasFooter, false);
  assert.is(again.info.blocks.length, 3);
  assert.is(again.info.tornBytes, statSync(path).size - end);
  await again.close();
  assert.is(await countEvents(c.dir, 'acme'), 6);
});

test('a damaged block before the tail is an error, not a gap', async (c) => {
  const [path, sizes] = await killedWriter(c.dir);
  const headerLength = statSync(path).size - sizes[0] - sizes[1] - sizes[2];
  const bytes = readFileSync(path);
  bytes[headerLength + sizes[0] - 2] ^= 0xff;
  writeFileSync(path, bytes);

  try {
    await queryEvents({ dataDir: c.dir, tenant: 'acme' });
    assert.unreachable('read a damaged block');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
    assert.match((err as Error).message, /bad block CRC/);
  }
});

test('a newer format version is refused by code', async (c) => {
  const [path] = await killedWriter(c.dir);
  const bytes = readFileSync(path);
  bytes.writeUInt16LE(2, 8);
  writeFileSync(path, bytes);

  try {
    await SegmentReader.open(path);
    assert.unreachable('opened a version 2 file');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_VERSION');
    assert.match((err as Error).message,
      /format version 2; this sluice reads version 1/);
  }
});

test('a file that is not a segment is refused by code', async (c) => {
  const [path] = await killedWriter(c.dir);
  writeFileSync(path, 'hello, this is not a segment file at all');

  try {
    await SegmentReader.open(path);
    assert.unreachable('opened a foreign file');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
  }
});

test.run();
