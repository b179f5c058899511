import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../daemon/config.js';
import { root } from '../helpers/daemon.js';

// The example config documents every key; it must also stay loadable, and
// its values must equal the built-in defaults it claims to show.

const example = join(root, 'config', 'sluice.example.yaml');

test('config/sluice.example.yaml loads and spells out the defaults', () => {
  // Defaults resolve against the current folder, the example against its
  // own; it sits in config/ and climbs one level to the same places.
  process.chdir(root);
  const defaults = loadConfig();
  const fromExample = loadConfig(example);

  assert.equal(fromExample, defaults);
  assert.is(fromExample.dataDir, join(root, 'data'));
  assert.is(fromExample.listeners[2].tls?.cert,
    join(root, '.dev', 'server.pem'));
  assert.is(defaults.listeners.length, 3);
});

test.run();
