import { request } from 'node:http';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHttp } from '../../../daemon/http/server.js';

function get(port: number, path: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve([res.statusCode ?? 0, body]));
    }).on('error', reject).end();
  });
}

async function serve(probeSeenMs: () => number) {
  return startHttp('127.0.0.1', 0, {
    probeSeenMs,
    metrics: () => 'sluice_up 1\n',
    events: async (params) => ({
      status: 200, body: JSON.stringify({ tenant: params.get('tenant') }),
    }),
  }, pino({ level: 'silent' }));
}

test('/health is 200 only while probes keep passing', async () => {
  let seen = Date.now();
  const http = await serve(() => seen);
  try {
    const [ok, body] = await get(http.port, '/health');
    assert.is(ok, 200);
    assert.is(JSON.parse(body).status, 'ok');

    seen = Date.now() - 6000;
    const [stale, staleBody] = await get(http.port, '/health');
    assert.is(stale, 503);
    assert.is(JSON.parse(staleBody).status, 'unavailable');

    seen = 0;
    assert.is((await get(http.port, '/health'))[0], 503, 'no probe yet');
  } finally {
    http.close();
  }
});

test('/metrics, the events route and unknown paths', async () => {
  const http = await serve(() => Date.now());
  try {
    assert.equal(await get(http.port, '/metrics'), [200, 'sluice_up 1\n']);
    assert.equal(await get(http.port, '/api/v1/events?tenant=a%20b'),
      [200, '{"tenant":"a b"}']);
    assert.is((await get(http.port, '/nope'))[0], 404);
  } finally {
    http.close();
  }
});

test.run();
