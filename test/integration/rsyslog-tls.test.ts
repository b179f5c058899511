import { hostname } from 'node:os';
import * as assert from 'uvu/assert';
import { logger } from '../helpers/clients.js';
import { daemonSuite, uniqueText, type Daemon } from '../helpers/daemon.js';
import { field, syslogView } from '../helpers/ecs.js';
import { hasDriver, startForwarder, type ForwarderOptions }
  from '../helpers/rsyslog.js';

// Debian's rsyslog forwards to sluice over TLS (RFC 5425) with the dev
// collector certificate, the way a site collector would. The tenant comes
// from the certificate subject, not from the source address.

const test = daemonSuite('rsyslog tls');

const kMessages = 25;
const kTag = 'sluice-fwd';
const kPid = '777';

async function forwardThrough(
  daemon: Daemon, options: Omit<ForwarderOptions, 'targetPort'>,
): Promise<void> {
  assert.ok(hasDriver(options.driver),
    `rsyslog ${options.driver} driver missing: run scripts/test-deps.sh`);
  const forwarder = await startForwarder(
    { ...options, targetPort: daemon.ports.tls });

  try {
    const marker = uniqueText(`${options.driver}-${options.framing}`);
    const lines = Array.from({ length: kMessages },
      (_, i) => `${marker} message ${i}`);
    await logger(forwarder.inputPort,
      ['--tcp', '--octet-count', '--rfc5424=notq', '-p', 'auth.notice',
        '--tag', kTag, `--id=${kPid}`, '--msgid', 'FWD'],
      lines.join('\n') + '\n');

    const events = await daemon.queryUntil(kMessages,
      ['--contains', marker, '--limit', '1000']);
    assert.is(events.length, kMessages);

    const messages = events.map((e) => String(field(e, 'message'))).sort();
    assert.equal(messages, [...lines].sort());

    // auth.notice: facility 4, severity 5 (RFC 5424 6.2.1).
    const view = syslogView(events[0]);
    assert.equal({ ...view, message: undefined }, {
      message: undefined,
      hostname: hostname(),
      appname: kTag,
      procid: kPid,
      msgid: 'FWD',
      structuredData: undefined,
      priority: 37,
      facility: 4,
      facilityName: 'auth',
      severity: 5,
      severityName: 'notice',
      transport: 'tcp',
      tenant: 'default',
    });
    for (const event of events) {
      assert.is(field(event, 'tls.established'), true);
      assert.is(field(event, 'sluice.tenant'), 'default');
    }
  } catch (err) {
    const log = forwarder.log();
    if (log !== '') (err as Error).message += `\n--- rsyslogd ---\n${log}`;
    throw err;
  } finally {
    await forwarder.stop();
  }
}

test('rsyslog gtls driver, octet-counted framing', async ({ daemon }) => {
  await forwardThrough(daemon, { driver: 'gtls', framing: 'octet-counted' });
});

test('rsyslog ossl driver, LF framing', async ({ daemon }) => {
  await forwardThrough(daemon, { driver: 'ossl', framing: 'traditional' });
});

test.run();
