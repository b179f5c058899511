import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countEvents } from '../../../daemon/storage/count.js';
import {
  kHour,
  kHour10,
  makeRow,
  removeDir,
  store,
  tempDir,
} from './fixture-rows.js';

test('counts per tenant and in total from footers', async () => {
  const dir = tempDir();
  try {
    const rows = (n: number) => Array.from({ length: n }, () => makeRow());
    await store(dir, 'acme', kHour10, [rows(3), rows(4)]);
    await store(dir, 'globex', kHour10, [rows(2)]);
    await store(dir, 'globex', kHour10 + kHour, [[
      makeRow({ time: kHour10 + kHour }),
    ]]);
    // Strangers in the data dir are not segments and are skipped.
    mkdirSync(join(dir, 'acme', 'lost+found'));
    writeFileSync(join(dir, 'acme', '2024-05-01', '10', 'notes.txt'), 'x');

    assert.is(await countEvents(dir, 'acme'), 7);
    assert.is(await countEvents(dir, 'globex'), 3);
    assert.is(await countEvents(dir), 10);
    assert.is(await countEvents(dir, 'nobody'), 0);
    assert.is(await countEvents(join(dir, 'missing')), 0);
  } finally {
    removeDir(dir);
  }
});

test('a bad tenant name is refused', async () => {
  try {
    await countEvents('/tmp', 'a/b');
    assert.unreachable('accepted a/b');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_QUERY_INVALID');
  }
});

test.run();
