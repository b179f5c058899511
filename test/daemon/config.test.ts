import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, resolveConfig } from '../../daemon/config.js';
import { SluiceError } from '../../daemon/errors.js';

function rejects(options: unknown, message: string): void {
  try {
    resolveConfig(options, '/base', '/cwd');
  } catch (err) {
    assert.instance(err, SluiceError);
    assert.is((err as SluiceError).code, 'SLUICE_ERR_CONFIG_INVALID');
    assert.is((err as SluiceError).message, message);
    return;
  }
  assert.unreachable('expected a config error');
}

test('defaults: UDP and TCP on 5514, TLS on 6514, HTTP on 9514', () => {
  const c = resolveConfig({}, '/base', '/base');
  assert.equal(c.listeners.map((l) => [l.name, l.protocol, l.host, l.port]), [
    ['syslog-udp', 'udp', '127.0.0.1', 5514],
    ['syslog-tcp', 'tcp', '127.0.0.1', 5514],
    ['syslog-tls', 'tls', '127.0.0.1', 6514],
  ]);
  assert.equal(c.http, { host: '127.0.0.1', port: 9514 });
  assert.is(c.dataDir, '/base/data');
  assert.is(c.maxMessageBytes, 65536);
  assert.is(c.listeners[2]!.tls!.cert, '/base/.dev/server.pem');
  assert.equal(c.tenants[0]!.certificateSubjects,
    [{ CN: 'sluice-dev-collector' }]);
  assert.equal(c.tenants[0]!.sources, [
    { address: '127.0.0.0', prefix: 8, family: 4 },
    { address: '::1', prefix: 128, family: 6 },
  ]);
});

test('an unknown key is named', () => {
  rejects({ listners: [] }, 'invalid configuration: listners: unknown key');
  rejects({ http: { prot: 1 } },
    'invalid configuration: http.prot: unknown key');
});

test('a wrong value names its key and what is allowed', () => {
  rejects({ listeners: [{ name: 'x', protocol: 'sctp', port: 1 }] },
    'invalid configuration: listeners.0.protocol: must be one of ' +
    'udp, tcp, tls');
  rejects({ max_message_bytes: 10 }, 'invalid configuration: ' +
    'max_message_bytes: must be >= 480');
});

test('cross-field checks: tls block, tenant names, CIDRs', () => {
  rejects({ listeners: [{ name: 't', protocol: 'tls', port: 1 }] },
    'listeners.0.tls: a tls listener needs tls.cert, tls.key and tls.ca');
  rejects({ listeners: [{ name: 'u', protocol: 'udp', port: 1,
    tenant: 'nobody' }] },
  'listeners.0.tenant: "nobody" is not a configured tenant ' +
    '(known: default)');
  rejects({ tenants: [{ name: 'a', sources: ['10.0.0.0/33'] }] },
    'tenants.0.sources.0: "10.0.0.0/33" is not a CIDR block such as ' +
    '10.0.0.0/8 or fd00::/8');
  rejects({ tenants: [{ name: 'a' }, { name: 'a' }] },
    'tenants: the name "a" is used twice; names must be unique');
});

test('two listeners on one port are refused before binding', () => {
  rejects({ listeners: [
    { name: 'a', protocol: 'tcp', port: 7000 },
    { name: 'b', protocol: 'tls', port: 7000, host: '0.0.0.0',
      tls: { cert: 'c', key: 'k', ca: 'ca' } },
  ] }, 'listeners b: port 7000 is already taken by listeners a; each ' +
    'needs its own');
  rejects({ listeners: [{ name: 'a', protocol: 'tcp', port: 9514 }] },
    'http: port 9514 is already taken by listeners a; each needs its own');
  const ok = resolveConfig({ listeners: [
    { name: 'u', protocol: 'udp', port: 7000 },
    { name: 't', protocol: 'tcp', port: 7000 },
    { name: 'x', protocol: 'tcp', port: 7000, host: '127.0.0.2' },
  ] }, '/base');
  assert.is(ok.listeners.length, 3, 'UDP and TCP, or two hosts, may share');
});

test('a message size the ring cannot hold is refused', () => {
  rejects({ max_message_bytes: 1048576, pipeline: { ring_bytes: 1048576 } },
    'max_message_bytes: 1048576 does not fit pipeline.ring_bytes 1048576: ' +
    'at most ring_bytes / 8 - 72 = 131000; raise pipeline.ring_bytes or ' +
    'lower max_message_bytes');
  assert.is(resolveConfig({ max_message_bytes: 131000,
    pipeline: { ring_bytes: 1048576 } }, '/').maxMessageBytes, 131000);
});

test('keys that do not fit the listener or tenant are refused', () => {
  rejects({ listeners: [{ name: 't', protocol: 'tcp', port: 1,
    receive_buffer_bytes: 1048576 }] }, 'listeners.0.receive_buffer_bytes:' +
    ' only a udp listener takes it (TCP has flow control)');
  rejects({ listeners: [{ name: 'u', protocol: 'udp', port: 1,
    max_connections: 5 }] },
  'listeners.0.max_connections: a udp listener has no connections');
  rejects({ tenants: [{ name: 'Acme' }, { name: 'acme' }] },
    'tenants: the name "acme" is used twice; names must be unique');
});

test('a YAML file resolves paths against its own folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
  const path = join(dir, 'sluice.yaml');
  writeFileSync(path, [
    'data_dir: store',
    'listeners:',
    '  - { name: in, protocol: tcp, port: 0, tenant: acme }',
    'tenants:',
    '  - name: acme',
    '    certificate_subjects: ["CN=fw-1, O=Acme"]',
  ].join('\n'));
  try {
    const c = loadConfig(path);
    assert.is(c.dataDir, join(dir, 'store'));
    assert.is(c.listeners[0]!.tenant, 0);
    assert.equal(c.tenants[0]!.certificateSubjects,
      [{ CN: 'fw-1', O: 'Acme' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('defaults a file leaves out resolve against the current folder', () => {
  const c = resolveConfig({ tenants: [{ name: 'a' }] }, '/etc/sluice', '/srv');
  assert.is(c.dataDir, '/srv/data');
  assert.is(c.listeners[2]!.tls!.cert, '/srv/.dev/server.pem');
  const d = resolveConfig({ data_dir: 'd' }, '/etc/sluice', '/srv');
  assert.is(d.dataDir, '/etc/sluice/d');
});

test('an unreadable file is a read error', () => {
  try {
    loadConfig('/nonexistent/sluice.yaml');
    assert.unreachable();
  } catch (err) {
    assert.is((err as SluiceError).code, 'SLUICE_ERR_CONFIG_READ');
  }
});

test.run();
