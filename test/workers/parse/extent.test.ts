import { readdirSync, readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { messageExtent } from '../../../workers/parse/extent.js';
import { createMessage } from '../../../workers/parse/message.js';
import { parseSyslog } from '../../../workers/parse/syslog.js';

const kFixtures = new URL('../../fixtures/', import.meta.url);
const kReceived = Date.UTC(2024, 4, 14, 12);

/** Every fixture line, plus the edges each parser path has. */
function texts(): string[] {
  const out: string[] = [];
  for (const vendor of readdirSync(kFixtures)) {
    const dir = new URL(`${vendor}/`, kFixtures);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      out.push(...text.split('\n').filter((line) => line.length > 0));
    }
  }
  return out.concat([
    '',
    'free text without any header',
    '<13>',
    '<13>1 2024-05-14T00:00:00Z',
    '<13>1 2024-05-14T00:00:00Z host app 1 ID -',
    '<13>1 2024-05-14T00:00:00Z host app 1 ID - \ufeffwith BOM',
    '<13>1 - - - - - [a@1 x="y"] after SD',
    '<13>1 - - - - - [broken SD',
    '<13>Oct 11 22:14:15 host',
    '<13>Oct 11 22:14:15 host sshd[42]:',
    '<13>Oct 11 22:14:15 host su: ',
    '<13>sshd[42]: no timestamp',
    '<166>May 14 2024 00:00:00: %ASA-6-302014: Teardown',
    '<166>May 14 2024 00:00:00 asa-fw01 : %ASA-6-302014: Teardown',
    '123: router1: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: x',
    'Oct 11 22:14:15 host app: no PRI',
  ]);
}

test('MSG is always the text from messageExtent.start to its end', () => {
  const m = createMessage();
  const all = texts();
  assert.ok(all.length > 40);
  for (const text of all) {
    messageExtent.start = -1;
    parseSyslog(text, kReceived, m);
    assert.is(text.slice(messageExtent.start), m.message, text);
  }
});

test('a raw frame starts its MSG at 0, a header without MSG at the end', () => {
  const m = createMessage();
  parseSyslog('free text', kReceived, m);
  assert.is(messageExtent.start, 0);

  parseSyslog('<13>1 2024-05-14T00:00:00Z host', kReceived, m);
  assert.is(m.message, '');
  assert.is(messageExtent.start, 31);
});

test.run();
