import * as assert from 'uvu/assert';
import { logger, sendTcp, sendUdp } from '../helpers/clients.js';
import { metric, daemonSuite, uniqueText, type Daemon }
  from '../helpers/daemon.js';
import { field } from '../helpers/ecs.js';

// Plain UDP and TCP senders are mapped to a tenant by source address. The
// whole 127.0.0.0/8 block is local on Linux, so 127.0.0.2 serves as a
// second host without any network setup.

const test = daemonSuite('tenant sources', {
  tenants: [
    {
      name: 'default',
      sources: ['127.0.0.1/32'],
      certificate_subjects: ['CN=sluice-dev-collector'],
    },
    { name: 'branch', sources: ['127.0.0.3/32'] },
  ],
});

const kOutsider = '127.0.0.2';

function frame(text: string): string {
  return `<13>1 2026-03-01T10:00:00.000Z outsider app - - - ${text}`;
}

/** A message from 127.0.0.1 that must be stored; later ones queue behind. */
async function barrier(daemon: Daemon): Promise<void> {
  const text = uniqueText('barrier');
  await logger(daemon.ports.udp, ['--udp', '--rfc5424=notq', text]);
  await daemon.queryUntil(1, ['--contains', text]);
}

test('udp from a source outside every tenant is dropped and counted',
  async ({ daemon }) => {
    const before = await daemon.metrics();
    const text = uniqueText('outsider-udp');
    await sendUdp(daemon.ports.udp, [frame(text), frame(text)],
      { localAddress: kOutsider });

    await barrier(daemon);
    for (const tenant of ['default', 'branch']) {
      assert.equal(await daemon.query(['--contains', text], tenant), []);
    }
    const after = await daemon.metrics();
    const dropped = (m: typeof after) => metric(m,
      'sluice_messages_dropped_total', { reason: 'no_tenant' });
    assert.is(dropped(after) - dropped(before), 2);
  });

test('tcp from a source outside every tenant is refused and counted',
  async ({ daemon }) => {
    const before = await daemon.metrics();
    const text = uniqueText('outsider-tcp');
    await sendTcp(daemon.ports.tcp, frame(text) + '\n',
      { localAddress: kOutsider });

    await barrier(daemon);
    for (const tenant of ['default', 'branch']) {
      assert.equal(await daemon.query(['--contains', text], tenant), []);
    }
    const after = await daemon.metrics();
    const refused = (m: typeof after) => metric(m,
      'sluice_connections_refused_total', { reason: 'no_tenant' });
    assert.is(refused(after) - refused(before), 1);
  });

test('a source in a second tenant is stored under that tenant only',
  async ({ daemon }) => {
    const text = uniqueText('branch');
    await sendTcp(daemon.ports.tcp, frame(text) + '\n',
      { localAddress: '127.0.0.3' });

    const events = await daemon.queryUntil(1, ['--contains', text], 'branch');
    assert.is(events.length, 1);
    assert.is(field(events[0], 'sluice.tenant'), 'branch');
    assert.is(field(events[0], 'message'), text);
    assert.match(String(field(events[0], 'log.source.address')),
      /^127\.0\.0\.3:\d+$/);
    assert.equal(await daemon.query(['--contains', text], 'default'), []);
  });

test.run();
