import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { logger, octetCounted, sendTcp } from '../helpers/clients.js';
import { startDaemon, type Daemon } from '../helpers/daemon.js';

// SIGTERM must drain: every frame a client handed to the kernel before
// the signal is read, parsed and written before the daemon exits 0.

const test = suite<{ daemon?: Daemon }>('shutdown', {});

test.after.each(async (ctx) => {
  await ctx.daemon?.dispose();
  ctx.daemon = undefined;
});

test('SIGTERM right after logger sends 2000 lines over tcp: all stored',
  async (ctx) => {
    const daemon = ctx.daemon = await startDaemon();
    const n = 2000;
    const lines = Array.from({ length: n }, (_, i) => `drain line ${i}`);

    await logger(daemon.ports.tcp, ['--tcp', '--rfc5424=notq'],
      lines.join('\n') + '\n');
    await daemon.stop();

    assert.is(await daemon.count(), n);
  });

test('SIGTERM right after 50000 octet-counted frames: all stored',
  async (ctx) => {
    const daemon = ctx.daemon = await startDaemon();
    const n = 50_000;
    const frames = Array.from({ length: n }, (_, i) =>
      `<14>1 2026-03-01T10:00:00.000Z host1 app 1 - - burst ${i}`);

    const ended = await sendTcp(daemon.ports.tcp, octetCounted(frames));
    assert.is(ended, 'closed');
    await daemon.stop();

    assert.is(await daemon.count(), n);
  });

test('kill -9: everything /metrics called stored is readable from disk',
  async (ctx) => {
    const daemon = ctx.daemon = await startDaemon();
    const n = 20_000;
    const frames = Array.from({ length: n }, (_, i) =>
      `<14>1 2026-03-01T10:00:00.000Z host1 app 1 - - crash ${i}`);

    await sendTcp(daemon.ports.tcp, octetCounted(frames));
    await daemon.waitForStored(n);
    daemon.kill();
    await daemon.exited;

    // No footers were written: the reader scans the blocks instead.
    assert.is(await daemon.count(), n);
    const last = await daemon.query(['--contains', `crash ${n - 1}`]);
    assert.is(last.length, 1);
  });

test.run();
