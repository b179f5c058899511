import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import { sendTcp, sendUdp } from '../helpers/clients.js';
import { metric, daemonSuite, uniqueText, type Daemon }
  from '../helpers/daemon.js';
import { field } from '../helpers/ecs.js';

// The HTTP side a monitoring system and an analyst see: health for the
// load balancer, Prometheus counters, and the events API.

const test = daemonSuite('http');

function frame(text: string): string {
  return `<86>1 2026-03-01T10:00:00.000Z web-01 sshd 99 - - ${text}`;
}

test('GET /health answers 200 with status ok', async ({ daemon }) => {
  const answer = await daemon.get('/health');
  assert.is(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.is(JSON.parse(answer.body).status, 'ok');
});

test('GET /metrics counts received and stored messages by transport',
  async ({ daemon }) => {
    const before = await daemon.metrics();
    const text = uniqueText('metrics');
    await sendUdp(daemon.ports.udp, [frame(text), frame(text), frame(text)]);
    await sendTcp(daemon.ports.tcp, `${frame(text)}\n${frame(text)}\n`);
    await daemon.queryUntil(5, ['--contains', text]);

    const after = await daemon.metrics();
    const delta = (name: string, labels: Record<string, string>) =>
      metric(after, name, labels) - metric(before, name, labels);
    assert.is(delta('sluice_messages_received_total',
      { tenant: 'default', transport: 'udp' }), 3);
    assert.is(delta('sluice_messages_received_total',
      { tenant: 'default', transport: 'tcp' }), 2);
    assert.is(delta('sluice_messages_stored_total', { tenant: 'default' }), 5);
    assert.is(delta('sluice_messages_dropped_total', {}), 0);
  });

test('GET /metrics is Prometheus text with HELP and TYPE lines',
  async ({ daemon }) => {
    const answer = await daemon.get('/metrics');
    assert.is(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain/);
    for (const name of ['sluice_messages_received_total',
      'sluice_messages_stored_total', 'sluice_messages_dropped_total']) {
      assert.ok(answer.body.includes(`# TYPE ${name} counter\n`),
        `no TYPE line for ${name}`);
      assert.ok(answer.body.includes(`# HELP ${name} `),
        `no HELP line for ${name}`);
    }
  });

test('GET /api/v1/events returns the stored events as ECS',
  async ({ daemon }) => {
    const text = uniqueText('api');
    await sendUdp(daemon.ports.udp, [frame(text)]);
    await daemon.queryUntil(1, ['--contains', text]);

    const answer = await daemon.get(
      `/api/v1/events?tenant=default&contains=${encodeURIComponent(text)}`);
    assert.is(answer.status, 200);
    const events = JSON.parse(answer.body).events;
    assert.is(events.length, 1);
    assert.is(field(events[0], 'message'), text);
    assert.is(field(events[0], 'log.syslog.hostname'), 'web-01');
    assert.is(field(events[0], 'log.syslog.appname'), 'sshd');
    assert.is(field(events[0], 'sluice.tenant'), 'default');
    assert.is(field(events[0], 'network.transport'), 'udp');
  });

test('GET /api/v1/events refuses unknown parameters and tenants',
  async ({ daemon }) => {
    const typo = await daemon.get('/api/v1/events?tenant=default&min-score=5');
    assert.is(typo.status, 400);
    assert.equal(JSON.parse(typo.body), { error: {
      code: 'SLUICE_ERR_QUERY_INVALID',
      message: 'min-score: unknown parameter; known: tenant, from, to, ' +
        'host, app, category, min_score, contains, limit',
    } });

    for (const [query, message] of [
      ['limit=1e3', 'limit: "1e3" is not a whole number from 0 to 10000'],
      ['limit=10001',
        'limit: "10001" is not a whole number from 0 to 10000'],
      ['from=2026-12-04T10:00:00', 'from: "2026-12-04T10:00:00" is not an ' +
        'ISO 8601 time with a zone (Z or +hh:mm) or ms since the epoch'],
      ['app=a&app=b', 'app: given more than once'],
    ]) {
      const bad = await daemon.get(`/api/v1/events?tenant=default&${query}`);
      assert.is(bad.status, 400, query);
      assert.is(JSON.parse(bad.body).error.message, message);
    }

    const tenant = await daemon.get('/api/v1/events?tenant=nobody');
    assert.is(tenant.status, 400);
    assert.is(JSON.parse(tenant.body).error.message,
      'tenant: "nobody" is not a configured tenant');
  });

test('a frame that is not UTF-8 keeps its exact bytes in base64',
  async ({ daemon }) => {
    const text = uniqueText('latin1');
    const raw = Buffer.concat([
      Buffer.from(`<13>Dec  4 10:00:00 h1 app: ${text} `),
      Buffer.from([0xe9, 0xff, 0x41]),
    ]);
    await sendUdp(daemon.ports.udp, [raw]);
    const [event] = await daemon.queryUntil(1, ['--contains', text]);

    assert.is(field(event!, 'sluice.original_base64'), raw.toString('base64'));
    assert.is(field(event!, 'event.hash'),
      createHash('sha256').update(raw).digest('hex'));
    assert.is(field(event!, 'event.original'),
      `<13>Dec  4 10:00:00 h1 app: ${text} \ufffd\ufffdA`);
  });

test('an impossible RFC 5424 timestamp is partial, fields kept',
  async ({ daemon }) => {
    const text = uniqueText('month13');
    await sendUdp(daemon.ports.udp,
      [`<13>1 2026-13-04T10:00:00Z host42 app 7 ID - ${text}`]);
    const [event] = await daemon.queryUntil(1, ['--contains', text]);

    assert.is(field(event!, 'sluice.parse_status'), 'partial');
    assert.is(field(event!, 'log.syslog.hostname'), 'host42');
    assert.is(field(event!, 'log.syslog.msgid'), 'ID');
    assert.is(field(event!, '@timestamp'), field(event!, 'event.created'));
  });

test.run();
