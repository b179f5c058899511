import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { queryEvents } from '../../../daemon/storage/query.js';
import {
  kHour,
  kHour10,
  makeRow,
  removeDir,
  store,
  tempDir,
} from './fixture-rows.js';

const test = suite<{ dir: string }>('query filters', { dir: '' });

const t10 = kHour10 + 1000;
const t11 = kHour10 + kHour + 1000;
const t12 = kHour10 + 2 * kHour + 1000;

test.before(async (ctx) => {
  ctx.dir = tempDir();
  await store(ctx.dir, 'acme', kHour10, [[
    makeRow({ time: t10, message: 'login ok for alice', score: 5 }),
    makeRow({ time: t10 + 1, host: 'db-02', message: 'slow query', score: 40,
      category: 'database' }),
  ], [
    makeRow({ time: t10 + 2, app: 'cron', message: 'job done', score: 0 }),
  ]]);
  await store(ctx.dir, 'acme', kHour10 + kHour, [[
    makeRow({ time: t11, message: 'Failed password for bob', score: 70 }),
    makeRow({ time: t11 + 1, host: undefined, message: 'no host here' }),
  ]]);
  await store(ctx.dir, 'acme', kHour10 + 2 * kHour, [[
    makeRow({ time: t12, message: 'Failed password for eve', score: 90 }),
  ]]);
  await store(ctx.dir, 'other', kHour10, [[
    makeRow({ time: t10, message: 'someone else' }),
  ]]);
});
test.after((ctx) => {
  removeDir(ctx.dir);
});

async function messages(dir: string, extra: object): Promise<unknown[]> {
  const events = await queryEvents({ dataDir: dir, tenant: 'acme', ...extra });
  return events.map((e) => e.message);
}

test('no filter returns the tenant only, oldest first', async (c) => {
  assert.equal(await messages(c.dir, {}), [
    'login ok for alice', 'slow query', 'job done',
    'Failed password for bob', 'no host here', 'Failed password for eve',
  ]);
});

test('from is inclusive and to exclusive', async (c) => {
  assert.equal(await messages(c.dir, { from: t10 + 1, to: t11 + 1 }),
    ['slow query', 'job done', 'Failed password for bob']);
  assert.equal(await messages(c.dir, { from: t12 }),
    ['Failed password for eve']);
  assert.equal(await messages(c.dir, { to: t10 }), []);
});

test('host, app and category match exactly', async (c) => {
  assert.equal(await messages(c.dir, { host: 'db-02' }), ['slow query']);
  assert.equal(await messages(c.dir, { host: 'db' }), []);
  assert.equal(await messages(c.dir, { app: 'cron' }), ['job done']);
  assert.equal(await messages(c.dir, { category: 'database' }),
    ['slow query']);
});

test('minScore and contains narrow further', async (c) => {
  assert.equal(await messages(c.dir, { minScore: 40 }),
    ['slow query', 'Failed password for bob', 'Failed password for eve']);
  assert.equal(await messages(c.dir, { contains: 'password' }),
    ['Failed password for bob', 'Failed password for eve']);
  assert.equal(await messages(c.dir, { contains: 'Password' }), []);
  assert.equal(
    await messages(c.dir, { contains: 'password', minScore: 80 }),
    ['Failed password for eve']);
  // A match must not run across the boundary of two messages.
  assert.equal(await messages(c.dir, { contains: 'alicesl' }), []);
});

test('limit keeps the earliest events', async (c) => {
  assert.equal(await messages(c.dir, { limit: 2 }),
    ['login ok for alice', 'slow query']);
  assert.equal(await messages(c.dir, { limit: 4, from: t10 + 2 }), [
    'job done', 'Failed password for bob', 'no host here',
    'Failed password for eve',
  ]);
});

test('an unknown tenant has no events', async (c) => {
  assert.equal(await queryEvents({ dataDir: c.dir, tenant: 'nobody' }), []);
});

test('bad options name the bad value', async (c) => {
  for (const [extra, pattern] of [
    [{ tenant: '../acme' }, /tenant "..\/acme" contains a path separator/],
    [{ tenant: '..' }, /tenant ".." is a dot name/],
    [{ tenant: '' }, /tenant "" is empty/],
    [{ from: NaN }, /from NaN must be a time/],
    [{ from: 5, to: 5 }, /from 5 must be before to 5/],
    [{ limit: 0 }, /limit 0 must be an integer from 1 to 100000/],
    [{ limit: 1.5 }, /limit 1.5 must be an integer/],
    [{ minScore: -1 }, /minScore -1 must be a number >= 0/],
    [{ contains: '' }, /contains "" must be a non-empty string/],
  ] as const) {
    try {
      await queryEvents(Object.assign({ dataDir: c.dir, tenant: 'acme' }, extra));
      assert.unreachable(`accepted ${JSON.stringify(extra)}`);
    } catch (err) {
      assert.is((err as { code: string }).code, 'SLUICE_ERR_QUERY_INVALID');
      assert.match((err as Error).message, pattern);
    }
  }
});

test.run();

const big = suite('query over many rows');

big('limit holds when candidates are trimmed mid-block', async () => {
  const dir = tempDir();
  try {
    // Newest first inside the block, so early rows get pushed out.
    const rows = Array.from({ length: 3000 }, (_, i) =>
      makeRow({ time: kHour10 + 3000 - i, message: `m${3000 - i}` }));
    await store(dir, 'acme', kHour10, [rows.slice(0, 1500), rows.slice(1500)]);

    const events = await queryEvents({ dataDir: dir, tenant: 'acme', limit: 3 });
    assert.equal(events.map((e) => e.message), ['m1', 'm2', 'm3']);
    const late = await queryEvents({
      dataDir: dir, tenant: 'acme', limit: 2, from: kHour10 + 2999,
    });
    assert.equal(late.map((e) => e.message), ['m2999', 'm3000']);
  } finally {
    removeDir(dir);
  }
});

big.run();
