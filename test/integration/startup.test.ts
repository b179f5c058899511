import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePorts } from '../helpers/ports.js';
import { packageRoot } from '../../daemon/paths.js';
import { runCliRaw } from '../helpers/daemon.js';

// Bad options stop the daemon before any socket opens, with one plain
// line that names the problem.

async function start(config: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-startup-'));
  const path = join(dir, 'sluice.yaml');
  writeFileSync(path, config.join('\n'));
  try {
    return await runCliRaw(['run', '--config', path]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a missing TLS file stops the start with exit 2', async () => {
  const [tcp, tls, http] = await freePorts(3);
  const result = await start([
    'listeners:',
    `  - { name: plain, protocol: tcp, port: ${tcp} }`,
    `  - name: secure`,
    `    protocol: tls`,
    `    port: ${tls}`,
    '    tls: { cert: /nonexistent/s.pem, key: /nonexistent/k.pem, ' +
      'ca: /nonexistent/ca.pem }',
    `http: { port: ${http} }`,
  ]);
  assert.is(result.code, 2);
  assert.is(result.stderr, 'sluice: SLUICE_ERR_TLS_MATERIAL: listeners ' +
    'secure: cannot read tls.cert /nonexistent/s.pem: ENOENT; the ' +
    'development material comes from "make certs" (.dev/)\n');
  assert.not.match(result.stdout, /"msg":"listening"/,
    'no listener may open before the check');
});

test('a key that does not match its certificate stops the start', async () => {
  const [tls, http] = await freePorts(2);
  const dev = join(packageRoot(), '.dev');
  const result = await start([
    'listeners:',
    '  - name: secure',
    '    protocol: tls',
    `    port: ${tls}`,
    `    tls: { cert: ${dev}/server.pem, key: ${dev}/collector-key.pem, ` +
      `ca: ${dev}/ca.pem }`,
    `http: { port: ${http} }`,
  ]);
  assert.is(result.code, 2);
  assert.match(result.stderr, /^sluice: SLUICE_ERR_TLS_MATERIAL: listeners /);
  assert.match(result.stderr, /do not make a usable TLS setup: .*key/i);
});

test('a data_dir that is a file stops the start', async () => {
  const [tcp, http] = await freePorts(2);
  const result = await start([
    'data_dir: /etc/hostname',
    `listeners: [{ name: plain, protocol: tcp, port: ${tcp} }]`,
    `http: { port: ${http} }`,
  ]);
  assert.is(result.code, 2);
  assert.match(result.stderr, /^sluice: SLUICE_ERR_CONFIG_INVALID: data_dir: /);
});

test('an unknown config key stops the start with exit 2', async () => {
  const result = await start(['dta_dir: /tmp/x']);
  assert.is(result.code, 2);
  assert.is(result.stderr, 'sluice: SLUICE_ERR_CONFIG_INVALID: invalid ' +
    'configuration: dta_dir: unknown key\n');
});

test.run();
