import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Format, ParseStatus, expected, parse } from './expect.js';

const kNuts = "%% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, " +
  'Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # ' +
  'Transport: Conveyer1=OK, Conveyer2=OK # %%';

test('RFC 3164 5.4 example 1', () => {
  const text = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for " +
    'lonvick on /dev/pts/8';
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 34,
    // Oct 2024 is nearer the May 2024 receive time than Oct 2023.
    timestamp: Date.UTC(2024, 9, 11, 22, 14, 15),
    hostname: 'mymachine',
    appname: 'su',
    message: "'su root' failed for lonvick on /dev/pts/8",
  }));
});

test('RFC 3164 5.4 example 2: raw original, then as a relay sends it', () => {
  assert.equal(parse('Use the BFG!'), expected({
    status: ParseStatus.error,
    message: 'Use the BFG!',
  }));
  assert.equal(parse('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!'), expected({
    format: Format.rfc3164,
    priority: 13,
    timestamp: Date.UTC(2024, 1, 5, 17, 32, 18),
    hostname: '10.0.0.99',
    message: 'Use the BFG!',
  }));
});

test('RFC 3164 5.4 example 3: zone and year after the time', () => {
  const text = `<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: ${kNuts}`;
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 165,
    timestamp: Date.UTC(1987, 7, 24, 11, 34, 0),
    hostname: 'mymachine',
    appname: 'myproc',
    procid: '10',
    message: kNuts,
  }));
});

test('RFC 3164 5.4 example 4: year first and a TZ offset', () => {
  const text = '<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org ' +
    "10.1.2.3 sched[0]: That's All Folks!";
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 0,
    timestamp: Date.UTC(1990, 9, 22, 16, 52, 1),
    hostname: 'scapegoat.dmz.example.org',
    message: "10.1.2.3 sched[0]: That's All Folks!",
  }));
});

test('RFC 3164 5.4 example 4 relayed: the old header is content', () => {
  const inner = '1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org ' +
    "10.1.2.3 sched[0]: That's All Folks!";
  assert.equal(parse(`<0>Oct 22 10:52:12 scapegoat ${inner}`), expected({
    format: Format.rfc3164,
    priority: 0,
    timestamp: Date.UTC(2024, 9, 22, 10, 52, 12),
    hostname: 'scapegoat',
    message: inner,
  }));
});

test('day padded with a space or a zero, any month letter case', () => {
  const cases: Array<[string, number]> = [
    ['Mar  1 18:46:11', Date.UTC(2024, 2, 1, 18, 46, 11)],
    ['Mar 01 18:46:11', Date.UTC(2024, 2, 1, 18, 46, 11)],
    ['Mar 1 18:46:11', Date.UTC(2024, 2, 1, 18, 46, 11)],
    ['MAR  1 18:46:11', Date.UTC(2024, 2, 1, 18, 46, 11)],
    ['Dec 31 23:59:59', Date.UTC(2023, 11, 31, 23, 59, 59)],
  ];
  for (const [stamp, ms] of cases) {
    const m = parse(`<13>${stamp} host app: x`);
    assert.is(m.timestamp, ms, stamp);
    assert.is(m.hostname, 'host', stamp);
    assert.is(m.appname, 'app', stamp);
    assert.is(m.message, 'x', stamp);
  }
});

test('year inference picks the year nearest the receive time', () => {
  const newYear = Date.UTC(2025, 0, 1, 0, 0, 30);
  assert.is(parse('<13>Dec 31 23:59:59 h a: x', newYear).timestamp,
    Date.UTC(2024, 11, 31, 23, 59, 59));

  const newYearsEve = Date.UTC(2024, 11, 31, 23, 59, 59);
  assert.is(parse('<13>Jan  1 00:00:01 h a: x', newYearsEve).timestamp,
    Date.UTC(2025, 0, 1, 0, 0, 1));

  // 2025 has no Feb 29, so the leap year before is the nearest real one.
  const march2025 = Date.UTC(2025, 2, 1);
  assert.is(parse('<13>Feb 29 12:00:00 h a: x', march2025).timestamp,
    Date.UTC(2024, 1, 29, 12));
});

test('year in the timestamp: Mmm dd yyyy, yyyy Mmm dd, after the time', () => {
  const ms = Date.UTC(2023, 9, 11, 22, 14, 15);
  assert.is(parse('<13>Oct 11 2023 22:14:15 h a: x').timestamp, ms);
  assert.is(parse('<13>2023 Oct 11 22:14:15 h a: x').timestamp, ms);
  assert.is(parse('<13>Oct 11 22:14:15 2023 h a: x').timestamp, ms);
  assert.is(parse('<13>Oct 11 22:14:15 2023 h a: x').hostname, 'h');
  assert.is(parse('<13>Oct 11 22:14:15 2023:db8::1 a: x').hostname,
    '2023:db8::1');
});

test('fractional seconds and zones after a BSD time', () => {
  const base = Date.UTC(2024, 4, 14, 10, 11, 12);
  assert.is(parse('<13>May 14 10:11:12.5 h a: x').timestamp, base + 500);
  assert.is(parse('<13>May 14 10:11:12.123456 h a: x').timestamp,
    base + 123.456);
  assert.is(parse('<13>May 14 10:11:12 UTC h a: x').timestamp, base);
  assert.is(parse('<13>May 14 12:11:12 CEST h a: x').timestamp, base);
  assert.is(parse('<13>May 14 12:11:12 +02:00 h a: x').timestamp, base);
  assert.is(parse('<13>May 14 12:11:12 UTC+2 h a: x').timestamp, base);
});

test('an upper-case HOSTNAME is not mistaken for a zone', () => {
  const m = parse('<13>May 14 10:11:12 WEB01 su: x');
  assert.is(m.timestamp, Date.UTC(2024, 4, 14, 10, 11, 12));
  assert.is(m.hostname, 'WEB01');
  assert.is(m.appname, 'su');
});

test('RFC 3339 timestamp in the RFC 3164 position (rsyslog forward)', () => {
  const text = '<86>2024-05-14T10:11:12.123456+02:00 bastion-01 sudo: ' +
    'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root';
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 86,
    timestamp: Date.UTC(2024, 4, 14, 8, 11, 12) + 123.456,
    hostname: 'bastion-01',
    appname: 'sudo',
    message: 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root',
  }));
  assert.is(parse('<13>2024-05-14 10:11:12 h a: x').timestamp,
    Date.UTC(2024, 4, 14, 10, 11, 12));
  assert.is(parse('<13>2024-05-14T10:11:12Z h a: x').hostname, 'h');
});

test('Cisco IOS: sequence number, origin host, `*` marker, zone', () => {
  const text = '<189>123: router1: *Mar  1 18:46:11.123 UTC: ' +
    '%SYS-5-CONFIG_I: Configured from console by vty0 (192.0.2.10)';
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 189,
    timestamp: Date.UTC(2024, 2, 1, 18, 46, 11, 123),
    hostname: 'router1',
    message: '%SYS-5-CONFIG_I: Configured from console by vty0 (192.0.2.10)',
  }));
});

test('Cisco IOS: no origin host, `.` marker, year and local zone', () => {
  const down = '%LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed ' +
    'state to down';
  assert.equal(parse(`<187>51: .Jun 14 09:21:33.001 UTC: ${down}`), expected({
    format: Format.rfc3164,
    priority: 187,
    timestamp: Date.UTC(2024, 5, 14, 9, 21, 33, 1),
    message: down,
  }));

  const m = parse('<190>000123: Jun 14 2024 11:21:33.001 CEST: %SEC-6-X: y');
  assert.is(m.timestamp, Date.UTC(2024, 5, 14, 9, 21, 33, 1));
  assert.is(m.hostname, undefined);
  assert.is(m.message, '%SEC-6-X: y');
});

test('Cisco IOS: sequence number but no timestamp', () => {
  assert.equal(parse('<189>49: router1: %SYS-5-RESTART: restarted'), expected({
    format: Format.rfc3164,
    priority: 189,
    hostname: 'router1',
    message: '%SYS-5-RESTART: restarted',
  }));
});

test('digits and a colon that are no Cisco prefix stay content', () => {
  assert.equal(parse('<13>42: answer'), expected({
    format: Format.rfc3164,
    priority: 13,
    message: '42: answer',
  }));
});

test('Cisco ASA: no host, "host : ", host and no colon, no header', () => {
  const built = '%ASA-6-302013: Built inbound TCP connection 123456 for ' +
    'outside:198.51.100.20/51515 (198.51.100.20/51515) to ' +
    'inside:10.1.1.5/443 (10.1.1.5/443)';
  assert.equal(parse(`<166>Jan 12 2024 10:00:00: ${built}`), expected({
    format: Format.rfc3164,
    priority: 166,
    timestamp: Date.UTC(2024, 0, 12, 10),
    message: built,
  }));
  assert.equal(parse(`<166>Jan 12 2024 10:00:00 asa-fw01 : ${built}`),
    expected({
      format: Format.rfc3164,
      priority: 166,
      timestamp: Date.UTC(2024, 0, 12, 10),
      hostname: 'asa-fw01',
      message: built,
    }));
  assert.equal(parse(`<166>Jan 12 2024 10:00:00 asa-fw01 ${built}`),
    expected({
      format: Format.rfc3164,
      priority: 166,
      timestamp: Date.UTC(2024, 0, 12, 10),
      hostname: 'asa-fw01',
      message: built,
    }));
  assert.equal(parse(`<166>${built}`), expected({
    format: Format.rfc3164,
    priority: 166,
    message: built,
  }));
});

test('Juniper Junos BSD format', () => {
  const text = '<30>Mar 18 14:02:39 mx-core-01 mgd[4321]: UI_COMMIT: User ' +
    "'operator1' requested 'commit' operation";
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    priority: 30,
    timestamp: Date.UTC(2024, 2, 18, 14, 2, 39),
    hostname: 'mx-core-01',
    appname: 'mgd',
    procid: '4321',
    message: "UI_COMMIT: User 'operator1' requested 'commit' operation",
  }));
  const flow = parse('<28>Mar 18 14:02:38 srx-edge-01 RT_FLOW: ' +
    'RT_FLOW_SESSION_CREATE: session created');
  assert.is(flow.appname, 'RT_FLOW');
  assert.is(flow.message, 'RT_FLOW_SESSION_CREATE: session created');
});

test('FortiGate: key=value right after the PRI', () => {
  const body = 'date=2024-05-14 time=10:15:01 devname="fgt-branch-17" ' +
    'devid="FGT60F0000000001" srcip=10.10.1.23 action="deny"';
  assert.equal(parse(`<189>${body}`), expected({
    format: Format.rfc3164,
    priority: 189,
    message: body,
  }));
});

test('missing HOSTNAME: the first word is a TAG', () => {
  assert.equal(parse('<13>Oct 11 22:14:15 sshd[42]: session opened'),
    expected({
      format: Format.rfc3164,
      priority: 13,
      timestamp: Date.UTC(2024, 9, 11, 22, 14, 15),
      appname: 'sshd',
      procid: '42',
      message: 'session opened',
    }));
  const su = parse('<13>Oct 11 22:14:15 su: x');
  assert.is(su.hostname, undefined);
  assert.is(su.appname, 'su');
});

test('HOSTNAME as IPv4, IPv6 and FQDN', () => {
  for (const host of ['192.0.2.55', '2001:db8::17', 'fe80::1%eth0', '::1',
    'mail-01.prod.example.com', 'host_1']) {
    const m = parse(`<13>May 14 10:11:12 ${host} app[7]: hi`);
    assert.is(m.hostname, host, host);
    assert.is(m.appname, 'app', host);
    assert.is(m.procid, '7', host);
    assert.is(m.message, 'hi', host);
  }
});

test('TAG forms: pid, no colon, slashes and dots, tab, colon glued', () => {
  const cases: Array<[string, string, string | undefined, string]> = [
    ['postfix/smtpd[123]: connect from x', 'postfix/smtpd', '123',
      'connect from x'],
    ['sshd[42] no colon here', 'sshd', '42', 'no colon here'],
    ['org.example.Daemon[7]: up', 'org.example.Daemon', '7', 'up'],
    ['kernel: [ 1234.5] UFW BLOCK', 'kernel', undefined, '[ 1234.5] UFW BLOCK'],
    ['MSWinEventLog\t1\tSecurity', 'MSWinEventLog', undefined, '1\tSecurity'],
    ['app[12]:glued', 'app', '12', 'glued'],
    ['app:', 'app', undefined, ''],
    ['app[]: empty pid', 'app', undefined, 'empty pid'],
  ];
  for (const [rest, appname, procid, message] of cases) {
    const m = parse(`<13>May 14 10:11:12 host ${rest}`);
    assert.is(m.hostname, 'host', rest);
    assert.is(m.appname, appname, rest);
    assert.is(m.procid, procid, rest);
    assert.is(m.message, message, rest);
  }
});

test('words that are not TAGs stay in the message', () => {
  for (const rest of ['mysqld_safe Starting', 'time=10:00:00 x',
    '123: sequence', '%FTD-1-430003: x', 'http://example.com/ up']) {
    const m = parse(`<13>May 14 10:11:12 host ${rest}`);
    assert.is(m.appname, undefined, rest);
    assert.is(m.message, rest, rest);
  }
});

test('no PRI: parsed as RFC 3164 with priority -1', () => {
  const text = 'May 14 10:11:12 bastion-01 sshd[4721]: Connection closed';
  assert.equal(parse(text), expected({
    format: Format.rfc3164,
    timestamp: Date.UTC(2024, 4, 14, 10, 11, 12),
    hostname: 'bastion-01',
    appname: 'sshd',
    procid: '4721',
    message: 'Connection closed',
  }));
});

test('PRI outside 0..191 or malformed is no PRI', () => {
  for (const text of ['<192>May 14 10:11:12 h a: x', '<>x', '<1a>x',
    '<1234>x', '<13', '']) {
    assert.equal(parse(text), expected({
      status: ParseStatus.error,
      message: text,
    }), text);
  }
  assert.is(parse('<013>May 14 10:11:12 h a: x').priority, 13);
});

test('valid PRI, body in no header grammar: ok, priority kept', () => {
  assert.equal(parse('<13>just some text'), expected({
    format: Format.rfc3164,
    priority: 13,
    message: 'just some text',
  }));
  assert.equal(parse('<13>'), expected({
    format: Format.rfc3164,
    priority: 13,
  }));
  assert.equal(parse('<13>sshd[42]: no header'), expected({
    format: Format.rfc3164,
    priority: 13,
    appname: 'sshd',
    procid: '42',
    message: 'no header',
  }));
});

test('leading and duplicate spaces, trailing garbage', () => {
  const m = parse('  <13> May 14 10:11:12   host   su: x  \u0001\u0002');
  assert.is(m.priority, 13);
  assert.is(m.timestamp, Date.UTC(2024, 4, 14, 10, 11, 12));
  assert.is(m.hostname, 'host');
  assert.is(m.appname, 'su');
  assert.is(m.message, 'x  \u0001\u0002');
});

test('a timestamp-like word that runs on is not a timestamp', () => {
  assert.equal(parse('<13>May 14 10:11:12x h a: x'), expected({
    format: Format.rfc3164,
    priority: 13,
    message: 'May 14 10:11:12x h a: x',
  }));
  assert.ok(Number.isNaN(parse('<13>May 32 10:11:12 h').timestamp));
  assert.is(parse('Feb 30 2024 10:11:12 h a: x').status, ParseStatus.error);
});

test('Feb 29 without a year goes to the last leap year', () => {
  const m = parse('<13>Feb 29 12:00:00 leap3164 app: leap day',
    Date.UTC(2026, 11, 4));
  assert.is(m.timestamp, Date.UTC(2024, 1, 29, 12));
  assert.is(m.hostname, 'leap3164');
  assert.is(m.appname, 'app');
  assert.is(m.message, 'leap day');
});

test('a year-less date later in the year than receipt is last year', () => {
  const m = parse('<14>Jun  4 10:00:00 host57 app: x', Date.UTC(2026, 11, 4));
  assert.is(m.timestamp, Date.UTC(2026, 5, 4, 10));
  const early = parse('<14>Dec 20 10:00:00 h app: x', Date.UTC(2027, 0, 5));
  assert.is(early.timestamp, Date.UTC(2026, 11, 20, 10));
});

test.run();
