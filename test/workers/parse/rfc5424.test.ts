import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Format, ParseStatus, expected, parse } from './expect.js';

const BOM = '\uFEFF';

test('RFC 5424 6.5 example 1: no STRUCTURED-DATA, BOM removed', () => {
  const text = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - " +
    `ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`;
  assert.equal(parse(text), expected({
    format: Format.rfc5424,
    priority: 34,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appname: 'su',
    msgid: 'ID47',
    message: "'su root' failed for lonvick on /dev/pts/8",
  }));
});

test('RFC 5424 6.5 example 2: microseconds and a negative offset', () => {
  const text = '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc ' +
    "8710 - - %% It's time to make the do-nuts.";
  assert.equal(parse(text), expected({
    format: Format.rfc5424,
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 7, 24, 12, 14, 15) + 0.003,
    hostname: '192.0.2.1',
    appname: 'myproc',
    procid: '8710',
    message: "%% It's time to make the do-nuts.",
  }));
});

test('RFC 5424 6.5 example 3: one SD-ELEMENT and a BOM MSG', () => {
  const sd = '[exampleSDID@32473 iut="3" eventSource="Application" ' +
    'eventID="1011"]';
  const text = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com ' +
    `evntslog - ID47 ${sd} ${BOM}An application event log entry...`;
  assert.equal(parse(text), expected({
    format: Format.rfc5424,
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appname: 'evntslog',
    msgid: 'ID47',
    structuredData: sd,
    message: 'An application event log entry...',
  }));
});

test('RFC 5424 6.5 example 4: two SD-ELEMENTs and no MSG', () => {
  const sd = '[exampleSDID@32473 iut="3" eventSource="Application" ' +
    'eventID="1011"][examplePriority@32473 class="high"]';
  const text = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com ' +
    `evntslog - ID47 ${sd}`;
  assert.equal(parse(text), expected({
    format: Format.rfc5424,
    priority: 165,
    version: 1,
    timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
    hostname: 'mymachine.example.com',
    appname: 'evntslog',
    msgid: 'ID47',
    structuredData: sd,
    message: '',
  }));
});

test('NILVALUE in every header field and for STRUCTURED-DATA', () => {
  assert.equal(parse('<0>1 - - - - - -'), expected({
    format: Format.rfc5424,
    priority: 0,
    version: 1,
    message: '',
  }));
  assert.equal(parse('<191>1 - - - - - - hello'), expected({
    format: Format.rfc5424,
    priority: 191,
    version: 1,
    message: 'hello',
  }));
});

test('RFC 3339 timestamps of RFC 5424 6.2.3.1 become UTC ms', () => {
  const cases: Array<[string, number]> = [
    ['1985-04-12T23:20:50.52Z', Date.UTC(1985, 3, 12, 23, 20, 50, 520)],
    ['1985-04-12T19:20:50.52-04:00', Date.UTC(1985, 3, 12, 23, 20, 50, 520)],
    ['2003-10-11T22:14:15.003Z', Date.UTC(2003, 9, 11, 22, 14, 15, 3)],
    ['2024-05-14T10:00:00Z', Date.UTC(2024, 4, 14, 10)],
    ['2024-05-14T10:00:00.1Z', Date.UTC(2024, 4, 14, 10, 0, 0, 100)],
    ['2024-05-14T10:00:00.1234Z', Date.UTC(2024, 4, 14, 10) + 123.4],
    ['2024-05-14T10:00:00.12345Z', Date.UTC(2024, 4, 14, 10) + 123.45],
    ['2024-05-14T10:00:00.123456Z', Date.UTC(2024, 4, 14, 10) + 123.456],
    ['2024-05-14T15:30:00+05:30', Date.UTC(2024, 4, 14, 10)],
    ['2024-05-14t10:00:00z', Date.UTC(2024, 4, 14, 10)],
    ['2024-02-29T23:59:59.999+00:00', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
  ];
  for (const [stamp, ms] of cases) {
    const m = parse(`<13>1 ${stamp} host app - - - x`);
    assert.is(m.timestamp, ms, stamp);
    assert.is(m.hostname, 'host', stamp);
  }
});

test('lenient timestamps: no zone is UTC, +hhmm offsets, 9 digits', () => {
  assert.is(parse('<13>1 2024-05-14T10:00:00 h a - - -').timestamp,
    Date.UTC(2024, 4, 14, 10));
  assert.is(parse('<13>1 2024-05-14T12:00:00+0200 h a - - -').timestamp,
    Date.UTC(2024, 4, 14, 10));
  assert.is(parse('<13>1 2024-05-14T10:00:00.123456789Z h a - - -').timestamp,
    Date.UTC(2024, 4, 14, 10) + 123.456789);
});

test('an invalid TIMESTAMP is NaN, partial, and the other fields kept', () => {
  for (const stamp of ['2024-02-30T10:00:00Z', '2024-05-14T25:00:00Z',
    '2024-05-14T10:00Z', '2024-05-14', '2024-05-14T10:00:00+25:00',
    '2026-13-04T10:00:00Z', '2023-02-29T10:00:00Z']) {
    const text = `<13>1 ${stamp} host app 42 ID7 [a@1 k="v"] msg`;
    assert.equal(parse(text), expected({
      format: Format.rfc5424,
      status: ParseStatus.partial,
      priority: 13,
      version: 1,
      hostname: 'host',
      appname: 'app',
      procid: '42',
      msgid: 'ID7',
      structuredData: '[a@1 k="v"]',
      message: 'msg',
    }), stamp);
  }
});

test('a space instead of T joins the date and the time', () => {
  assert.equal(parse('<13>1 2026-12-04 10:00:00Z host42 app - - - x'),
    expected({
      format: Format.rfc5424,
      priority: 13,
      version: 1,
      timestamp: Date.UTC(2026, 11, 4, 10),
      hostname: 'host42',
      appname: 'app',
      message: 'x',
    }));
});

test('VERSION without a date after it is not RFC 5424', () => {
  assert.equal(parse('<13>1 hello world'), expected({
    format: Format.rfc3164,
    priority: 13,
    message: '1 hello world',
  }));
});

test('VERSION other than 1 is stored and parsed with the same grammar', () => {
  const m = parse('<13>2 2024-05-14T10:00:00Z h a p m - x');
  assert.is(m.version, 2);
  assert.is(m.format, Format.rfc5424);
  assert.is(m.message, 'x');
});

test('a header cut short keeps what it has', () => {
  assert.equal(parse('<13>1 2024-05-14T10:00:00Z host app'), expected({
    format: Format.rfc5424,
    priority: 13,
    version: 1,
    timestamp: Date.UTC(2024, 4, 14, 10),
    hostname: 'host',
    appname: 'app',
  }));
});

test('STRUCTURED-DATA with escapes and `]` inside quoted values', () => {
  const sd = '[id@1 a="x\\"y" b="c\\\\d" c="e\\]f" d="g]h"][id@2 e="[x]"]';
  const m = parse(`<13>1 - host app - - ${sd} after`);
  assert.is(m.structuredData, sd);
  assert.is(m.message, 'after');
});

test('malformed STRUCTURED-DATA is kept as MSG', () => {
  const cases = [
    '[bad sd no close',
    '[id@1 a=unquoted] msg',
    '[id@1 a="unterminated] msg',
    '[] msg',
    '[id@1 ="v"] msg',
  ];
  for (const rest of cases) {
    assert.equal(parse(`<13>1 - host app - - ${rest}`), expected({
      format: Format.rfc5424,
      priority: 13,
      version: 1,
      hostname: 'host',
      appname: 'app',
      message: rest,
    }), rest);
  }
});

test('MSG spacing: one SP separates, more spaces are MSG', () => {
  assert.is(parse('<13>1 - h a - - -  two').message, ' two');
  assert.is(parse('<13>1 - h a - - [x@1 k="v"]tight').message, 'tight');
  assert.is(parse('<13>1 - h a - - - a\nb').message, 'a\nb');
  assert.is(parse(`<13>1 - h a - - - x${BOM}y`).message, `x${BOM}y`);
});

test('extra spaces between header fields are tolerated', () => {
  const m = parse('<13>1  2024-05-14T10:00:00Z  host  app  12  ID  -  m');
  assert.is(m.hostname, 'host');
  assert.is(m.appname, 'app');
  assert.is(m.procid, '12');
  assert.is(m.msgid, 'ID');
  assert.is(m.message, ' m');
});

test('Juniper structured syslog', () => {
  const sd = '[junos@2636.1.1.1.2.129 source-address="192.0.2.5" ' +
    'source-port="51514" reason="policy deny"]';
  const text = '<14>1 2024-03-18T14:02:40.123+01:00 srx-edge-01 RT_FLOW - ' +
    `RT_FLOW_SESSION_DENY ${sd} session denied`;
  assert.equal(parse(text), expected({
    format: Format.rfc5424,
    priority: 14,
    version: 1,
    timestamp: Date.UTC(2024, 2, 18, 13, 2, 40, 123),
    hostname: 'srx-edge-01',
    appname: 'RT_FLOW',
    msgid: 'RT_FLOW_SESSION_DENY',
    structuredData: sd,
    message: 'session denied',
  }));
});

test.run();
