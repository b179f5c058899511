import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Format, ParseStatus, parse } from './expect.js';

const kFixtures = new URL('../../fixtures/', import.meta.url);

/** Per file: lines, and how many carry a timestamp, a host and an app. */
const kFiles: Array<[string, number, number, number, number]> = [
  ['cisco/ios.txt', 8, 7, 5, 0],
  ['cisco/asa.txt', 7, 6, 5, 0],
  ['juniper/junos.txt', 6, 5, 5, 6],
  ['fortinet/fortigate.txt', 4, 2, 2, 2],
  ['linux/syslog.txt', 14, 14, 13, 14],
  ['rsyslog/forward.txt', 7, 7, 6, 6],
];

function lines(name: string): string[] {
  const text = readFileSync(new URL(name, kFixtures), 'utf8');
  return text.split('\n').filter((line) => line.length > 0);
}

for (const [name, count, stamped, hosts, apps] of kFiles) {
  test(`every line of ${name} parses with status ok`, () => {
    const all = lines(name);
    assert.is(all.length, count);

    let withTime = 0;
    let withHost = 0;
    let withApp = 0;
    for (const line of all) {
      const m = parse(line);
      assert.is(m.status, ParseStatus.ok, line);
      assert.ok(m.format !== Format.unknown, line);
      if (Number.isFinite(m.timestamp)) withTime++;
      if (m.hostname !== undefined) withHost++;
      if (m.appname !== undefined) withApp++;
    }

    assert.is(withTime, stamped, 'lines with a timestamp');
    assert.is(withHost, hosts, 'lines with a hostname');
    assert.is(withApp, apps, 'lines with an appname');
  });
}

test.run();
