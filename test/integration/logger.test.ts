import { hostname } from 'node:os';
import * as assert from 'uvu/assert';
import { logger } from '../helpers/clients.js';
import { daemonSuite, uniqueText, type Daemon, type EcsEvent }
  from '../helpers/daemon.js';
import { eventTime, field, syslogView } from '../helpers/ecs.js';

// util-linux logger is an independent RFC 3164 / RFC 5424 sender: what it
// puts on the wire is not shaped by sluice's own assumptions.

const test = daemonSuite('logger');

// -p local3.warning: facility 19, severity 4 (RFC 5424 6.2.1).
const kPriority = ['-p', 'local3.warning'];
const kLocal3Warning = {
  priority: 156,
  facility: 19,
  facilityName: 'local3',
  severity: 4,
  severityName: 'warning',
};
const kPid = '4242';
const kTag = 'sluice-it';
const kMsgId = 'LOGIN';
const kSd = ['--sd-id', 'ex@32473', '--sd-param', 'user="alice"'];
const kSdAlice = { 'ex@32473': { user: 'alice' } };

// logger adds a timeQuality element (RFC 5424 7.1) unless told
// `--rfc5424=notq`; whether the clock is synced depends on the machine,
// and syncAccuracy comes only with a synced clock.
function withTimeQuality(sd: unknown): unknown {
  const quality = (sd as Record<string, Record<string, string>>)
    ?.timeQuality;
  const synced = quality?.isSynced === '1' ?
    { isSynced: '1', syncAccuracy: quality.syncAccuracy } :
    { isSynced: '0' };
  return { timeQuality: { tzKnown: '1', ...synced }, ...kSdAlice };
}

// util-linux sends the full host name in RFC 5424 and cuts it at the
// first dot in RFC 3164, whose HOSTNAME is a bare name (RFC 3164 4.1.2).
const kHost5424 = hostname();
const kHost3164 = hostname().split('.')[0];

interface Sent {
  events: EcsEvent[];
  before: number;
  after: number;
}

/** Runs logger once and returns the events that carry `text`. */
async function send(
  daemon: Daemon, port: number, args: string[], text: string,
): Promise<Sent> {
  const before = Date.now();
  await logger(port, [...args, text]);
  const after = Date.now();

  const events = await daemon.queryUntil(1, ['--contains', text]);
  return { events, before, after };
}

function assertTime(event: EcsEvent, before: number, after: number,
  wholeSeconds: boolean): void {
  const t = eventTime(event);
  const low = wholeSeconds ? Math.floor(before / 1000) * 1000 : before;
  assert.ok(t >= low - 1 && t <= after + 1,
    `@timestamp ${field(event, '@timestamp')} outside ` +
    `${new Date(low).toISOString()} .. ${new Date(after).toISOString()}`);
}

function assert5424(
  sent: Sent, text: string, transport: string,
  sd: unknown | ((got: unknown) => unknown), msgid: string | undefined,
): void {
  assert.is(sent.events.length, 1);
  const event = sent.events[0];
  const view = syslogView(event);

  if (typeof sd === 'function') sd = sd(view.structuredData);
  assert.equal(view, {
    message: text,
    hostname: kHost5424,
    appname: kTag,
    procid: kPid,
    msgid,
    structuredData: sd,
    ...kLocal3Warning,
    transport,
    tenant: 'default',
  });
  assert.match(String(field(event, 'event.original')),
    new RegExp(`^<156>1 \\S+ ${kHost5424} ${kTag} ${kPid} `));
  assertTime(event, sent.before, sent.after, false);
}

function assert3164(sent: Sent, text: string, transport: string): void {
  assert.is(sent.events.length, 1);
  const event = sent.events[0];

  assert.equal(syslogView(event), {
    message: text,
    hostname: kHost3164,
    appname: kTag,
    procid: kPid,
    msgid: undefined,
    structuredData: undefined,
    ...kLocal3Warning,
    transport,
    tenant: 'default',
  });
  // RFC 3164 4.1.2: "Mmm dd hh:mm:ss", the day padded with a space.
  assert.match(String(field(event, 'event.original')), new RegExp(
    `^<156>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d ` +
    `${kHost3164} ${kTag}\\[${kPid}\\]: ${text}$`));
  assertTime(event, sent.before, sent.after, true);
}

const k5424Args = ['--tag', kTag, `--id=${kPid}`, ...kPriority];

test('udp, rfc5424 with timeQuality, msgid and structured data',
  async ({ daemon }) => {
    const text = uniqueText('udp-5424');
    const sent = await send(daemon, daemon.ports.udp,
      ['--udp', '--rfc5424', '--msgid', kMsgId, ...kSd, ...k5424Args], text);

    assert5424(sent, text, 'udp', withTimeQuality, kMsgId);
    assert.match(String(field(sent.events[0], 'log.source.address')),
      /^127\.0\.0\.1:\d+$/);
  });

test('udp, rfc5424=notq keeps only the structured data it was given',
  async ({ daemon }) => {
    const text = uniqueText('udp-notq');
    const sent = await send(daemon, daemon.ports.udp,
      ['--udp', '--rfc5424=notq', '--msgid', kMsgId, ...kSd, ...k5424Args],
      text);
    assert5424(sent, text, 'udp', kSdAlice, kMsgId);
  });

test('udp, rfc5424=notq without structured data or msgid',
  async ({ daemon }) => {
    const text = uniqueText('udp-nil');
    const sent = await send(daemon, daemon.ports.udp,
      ['--udp', '--rfc5424=notq', ...k5424Args], text);
    assert5424(sent, text, 'udp', undefined, undefined);
  });

test('udp, rfc3164', async ({ daemon }) => {
  const text = uniqueText('udp-3164');
  const sent = await send(daemon, daemon.ports.udp,
    ['--udp', '--rfc3164', ...k5424Args], text);
  assert3164(sent, text, 'udp');
});

test('tcp with LF framing, rfc5424', async ({ daemon }) => {
  const text = uniqueText('tcp-5424');
  const sent = await send(daemon, daemon.ports.tcp,
    ['--tcp', '--rfc5424=notq', '--msgid', kMsgId, ...kSd, ...k5424Args],
    text);
  assert5424(sent, text, 'tcp', kSdAlice, kMsgId);
});

test('tcp with LF framing, rfc3164', async ({ daemon }) => {
  const text = uniqueText('tcp-3164');
  const sent = await send(daemon, daemon.ports.tcp,
    ['--tcp', '--rfc3164', ...k5424Args], text);
  assert3164(sent, text, 'tcp');
});

test('tcp with octet counting, rfc5424', async ({ daemon }) => {
  const text = uniqueText('oc-5424');
  const sent = await send(daemon, daemon.ports.tcp,
    ['--tcp', '--octet-count', '--rfc5424', '--msgid', kMsgId, ...kSd,
      ...k5424Args], text);
  assert5424(sent, text, 'tcp', withTimeQuality, kMsgId);
});

test('tcp with octet counting, rfc3164', async ({ daemon }) => {
  const text = uniqueText('oc-3164');
  const sent = await send(daemon, daemon.ports.tcp,
    ['--tcp', '--octet-count', '--rfc3164', ...k5424Args], text);
  assert3164(sent, text, 'tcp');
});

test('tcp with octet counting: 200 lines from stdin, 200 events',
  async ({ daemon }) => {
    const marker = uniqueText('oc-batch');
    const lines = Array.from({ length: 200 }, (_, i) => `${marker} line ${i}`);
    await logger(daemon.ports.tcp,
      ['--tcp', '--octet-count', '--rfc5424=notq', ...k5424Args],
      lines.join('\n') + '\n');

    const events = await daemon.queryUntil(lines.length,
      ['--contains', marker, '--limit', '1000']);
    const messages = events.map((e) => String(field(e, 'message'))).sort();
    assert.equal(messages, [...lines].sort());
  });

test.run();
