import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import {
  kHour10,
  makeRow,
  removeDir,
  store,
  tempDir,
} from './fixture-rows.js';

const test = suite<{ dir: string }>('sluice query and count', { dir: '' });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sluice(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'daemon/cli.ts', ...args], (err, stdout, stderr) => {
      const code = err === null ? 0 : (err as { code: number }).code;
      resolve({ code, stdout, stderr });
    });
  });
}

test.before(async (ctx) => {
  ctx.dir = tempDir();
  await store(ctx.dir, 'acme', kHour10, [[
    makeRow({ time: kHour10 + 1000, host: 'fw-01', message: 'first' }),
    makeRow({ time: kHour10 + 2000, host: 'db-02', message: 'second' }),
  ]]);
});
test.after((ctx) => {
  removeDir(ctx.dir);
});

test('query prints one ECS document per line', async (c) => {
  const r = await sluice('query', '--tenant', 'acme', '--data-dir', c.dir,
    '--from', '2024-05-01T10:00:01.500Z', '--to', String(kHour10 + 3000));
  assert.is(r.code, 0);
  assert.is(r.stderr, '');

  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 1);
  const ev = JSON.parse(lines[0]);
  assert.is(ev['@timestamp'], '2024-05-01T10:00:02.000Z');
  assert.is(ev.message, 'second');
  assert.is(ev.log.syslog.hostname, 'db-02');
  assert.is(ev.sluice.tenant, 'acme');
});

test('filters and limit reach the query', async (c) => {
  const r = await sluice('query', '--tenant', 'acme', '--data-dir', c.dir,
    '--host', 'fw-01', '--contains', 'fir', '--min-score', '5',
    '--limit', '1');
  assert.is(r.code, 0);
  assert.equal(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).message),
    ['first']);
});

test('count prints one integer', async (c) => {
  const all = await sluice('count', '--data-dir', c.dir);
  assert.is(all.code, 0);
  assert.is(all.stdout, '2\n');

  const none = await sluice('count', '--data-dir', c.dir, '--tenant', 'zz');
  assert.is(none.stdout, '0\n');
});

test('bad arguments exit 2 and name the value', async (c) => {
  const badTime = await sluice('query', '--tenant', 'acme', '--from',
    '2024-05-01 10:00', '--data-dir', c.dir);
  assert.is(badTime.code, 2);
  assert.match(badTime.stderr, /'2024-05-01 10:00' is invalid/);

  const badTenant = await sluice('query', '--tenant', '../acme',
    '--data-dir', c.dir);
  assert.is(badTenant.code, 2);
  assert.match(badTenant.stderr, /tenant "..\/acme" contains a path separator/);

  const badLimit = await sluice('query', '--tenant', 'acme', '--limit', 'ten');
  assert.is(badLimit.code, 2);
  assert.match(badLimit.stderr, /'ten' is invalid/);

  const noTenant = await sluice('query');
  assert.is(noTenant.code, 2);
  assert.match(noTenant.stderr, /--tenant <name>' not specified/);
});

test.run();
