import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Counters, createCounterBuffer, GlobalCounter, TenantCounter,
} from '../../daemon/counters.js';
import { Metrics, type Gauges } from '../../daemon/metrics.js';

const gauges: Gauges = {
  ringUsedBytes: 1024, ringCapacityBytes: 4096, batchesInFlight: 1,
  poolUtilization: 0.25, poolThreads: 2, poolQueue: 0, openSegments: 3,
  storageWriteErrors: 0, storageBlocksLost: 0, connections: 5,
  udpKernelDrops: 4,
};

function lines(text: string): Set<string> {
  return new Set(text.split('\n').filter((l) => !l.startsWith('#')));
}

test('counters from shared memory, per tenant and by reason', () => {
  const counters = new Counters(createCounterBuffer(2));
  counters.addTenant(0, TenantCounter.receivedUdp, 3);
  counters.addTenant(1, TenantCounter.receivedTls, 2);
  counters.addTenant(1, TenantCounter.stored, 2);
  counters.addGlobal(GlobalCounter.dropRingFull, 7);
  counters.addGlobal(GlobalCounter.refusedLimit, 1);
  const out = lines(new Metrics(counters, ['acme', 'globex']).render(gauges));

  for (const line of [
    'sluice_messages_received_total{tenant="acme",transport="udp"} 3',
    'sluice_messages_received_total{tenant="globex",transport="tls"} 2',
    'sluice_messages_stored_total{tenant="acme"} 0',
    'sluice_messages_stored_total{tenant="globex"} 2',
    'sluice_messages_dropped_total{reason="ring_full"} 7',
    'sluice_messages_dropped_total{reason="no_tenant"} 0',
    'sluice_messages_dropped_total{reason="udp_receive_buffer"} 4',
    'sluice_connections_refused_total{reason="max_connections"} 1',
    'sluice_ring_fill_ratio 0.25',
    'sluice_pool_utilization 0.25',
    'sluice_connections 5',
  ]) {
    assert.ok(out.has(line), line);
  }
});

test('messages per second over 1 s and 60 s windows', () => {
  const counters = new Counters(createCounterBuffer(1));
  const metrics = new Metrics(counters, ['acme']);
  const sample = (): void =>
    (metrics as unknown as { sample(): void }).sample();

  sample();
  for (let second = 0; second < 3; second++) {
    counters.addTenant(0, TenantCounter.receivedTcp, 100 * (second + 1));
    sample();
  }
  assert.is(metrics.rate(0, 1), 300);
  assert.is(metrics.rate(0, 60), 200, '600 messages over 3 seconds so far');

  const out = lines(metrics.render(gauges));
  assert.ok(out.has(
    'sluice_messages_per_second{tenant="acme",window="1s"} 300'));
  assert.ok(out.has('sluice_messages_per_second{tenant="",window="60s"} 200'));
});

test.run();
