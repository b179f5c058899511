import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { run, sendTls, type ClientIdentity } from '../helpers/clients.js';
import {
  metric, daemonSuite, uniqueText, type Daemon, type Metrics,
} from '../helpers/daemon.js';
import { field } from '../helpers/ecs.js';

// RFC 5425 5.3: the receiver authenticates the sender by its certificate.
// sluice requires one signed by the configured CA and maps its subject to
// a tenant; anything else is refused before a byte is stored.

const test = daemonSuite('tls client certificate');

function frame(text: string): string {
  return `<134>1 2026-03-01T10:00:00.000Z host1 app 1 - - ${text}\n`;
}

/** Sends a good frame with the dev collector certificate and waits for it. */
async function barrier(daemon: Daemon): Promise<void> {
  const text = uniqueText('barrier');
  const outcome = await sendTls(daemon.ports.tls, frame(text));
  assert.is(outcome.secureConnected, true);
  const events = await daemon.queryUntil(1, ['--contains', text]);
  assert.is(field(events[0], 'tls.established'), true);
}

// Under TLS 1.3 the client finishes its side of the handshake, and may
// write and close, before the server's alert arrives; so what the client
// sees is a race. What the daemon counted and stored is not.
async function assertRefused(
  daemon: Daemon, identity: ClientIdentity | false, label: string,
): Promise<void> {
  const before = await daemon.metrics();
  const text = uniqueText(label);
  await sendTls(daemon.ports.tls, frame(text), identity);

  await barrier(daemon);
  assert.equal(await daemon.query(['--contains', text]), []);
  const after = await daemon.metrics();
  const refused = (m: Metrics) => metric(m,
    'sluice_connections_refused_total', { reason: 'tls_handshake' });
  assert.is(refused(after) - refused(before), 1);
}

test('a client without a certificate is refused', async ({ daemon }) => {
  await assertRefused(daemon, false, 'no-cert');
});

test('a certificate from another CA is refused, even with the right CN',
  async ({ daemon }) => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-impostor-'));
    try {
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      await run('openssl', ['req', '-x509', '-newkey', 'ec',
        '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/O=sluice dev/CN=sluice-dev-collector',
        '-keyout', key, '-out', cert]);

      await assertRefused(daemon, { cert, key }, 'impostor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test.run();
