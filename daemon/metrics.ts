import {
  Counters, dropReasons, GlobalCounter, TenantCounter,
} from './counters.js';

/** Seconds of history kept for the rate windows. */
const kWindowSeconds = 60;

export interface Gauges {
  ringUsedBytes: number;
  ringCapacityBytes: number;
  batchesInFlight: number;
  poolUtilization: number;
  poolThreads: number;
  poolQueue: number;
  openSegments: number;
  storageWriteErrors: number;
  storageBlocksLost: number;
  connections: number;
  /** Kernel receive-buffer drops on the UDP sockets; undefined off Linux. */
  udpKernelDrops: number | undefined;
}


/**
 * Samples the shared counters once a second to derive messages per second
 * over 1 s and 60 s windows, per tenant and overall, and renders the
 * Prometheus text exposition.
 */
export class Metrics {
  /** Received totals per tenant, one row per second, oldest overwritten. */
  private readonly history: Float64Array;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: Counters,
    private readonly tenants: string[],
  ) {
    this.history = new Float64Array((kWindowSeconds + 1) * tenants.length);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const row = (this.samples % (kWindowSeconds + 1)) * this.tenants.length;
    for (let t = 0; t < this.tenants.length; t++) {
      this.history[row + t] = this.counters.received(t);
    }
    this.samples++;
  }

  /** Messages per second of tenant `t` over the last `seconds`. */
  rate(t: number, seconds: number): number {
    const span = Math.min(seconds, this.samples - 1);
    if (span <= 0) return 0;
    const n = this.tenants.length;
    const last = ((this.samples - 1) % (kWindowSeconds + 1)) * n;
    const first = ((this.samples - 1 - span) % (kWindowSeconds + 1)) * n;
    return (this.history[last + t]! - this.history[first + t]!) / span;
  }

  render(g: Gauges): string {
    const out: string[] = [];
    const c = this.counters;
    const tenantMetric = (
      name: string, help: string, type: string,
      value: (t: number) => number, extra = '',
    ): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      this.tenants.forEach((tenant, t) => {
        out.push(`${name}{tenant="${tenant}"${extra}} ${value(t)}`);
      });
    };

    out.push('# HELP sluice_messages_received_total Frames read from ' +
      'sockets and accepted into the ring.',
    '# TYPE sluice_messages_received_total counter');
    const transports: Array<[TenantCounter, string]> = [
      [TenantCounter.receivedUdp, 'udp'], [TenantCounter.receivedTcp, 'tcp'],
      [TenantCounter.receivedTls, 'tls'],
    ];
    this.tenants.forEach((tenant, t) => {
      for (const [which, transport] of transports) {
        out.push(`sluice_messages_received_total{tenant="${tenant}",` +
          `transport="${transport}"} ${c.tenant(t, which)}`);
      }
    });

    tenantMetric('sluice_bytes_received_total', 'Frame bytes received.',
      'counter', (t) => c.tenant(t, TenantCounter.bytes));
    tenantMetric('sluice_messages_parsed_total',
      'Messages a grammar matched.', 'counter',
      (t) => c.tenant(t, TenantCounter.parsed));
    tenantMetric('sluice_messages_parse_errors_total',
      'Messages kept raw with a parse-error flag.', 'counter',
      (t) => c.tenant(t, TenantCounter.parseErrors));
    tenantMetric('sluice_messages_truncated_total',
      'Messages cut at max_message_bytes.', 'counter',
      (t) => c.tenant(t, TenantCounter.truncated));
    tenantMetric('sluice_messages_stored_total',
      'Messages written to segment files.', 'counter',
      (t) => c.tenant(t, TenantCounter.stored));

    out.push('# HELP sluice_messages_per_second Received messages per ' +
      'second over a trailing window.',
    '# TYPE sluice_messages_per_second gauge');
    for (const window of [1, 60]) {
      let total = 0;
      this.tenants.forEach((tenant, t) => {
        const r = this.rate(t, window);
        total += r;
        out.push(`sluice_messages_per_second{tenant="${tenant}",` +
          `window="${window}s"} ${round(r)}`);
      });
      out.push(`sluice_messages_per_second{tenant="",window="${window}s"} ` +
        round(total));
    }

    out.push('# HELP sluice_messages_dropped_total Messages not stored, ' +
      'by reason.', '# TYPE sluice_messages_dropped_total counter');
    for (const [which, reason] of dropReasons) {
      out.push(`sluice_messages_dropped_total{reason="${reason}"} ` +
        c.global(which));
    }
    if (g.udpKernelDrops !== undefined) {
      // Counted by the kernel, read from /proc/net/udp: datagrams that
      // found the socket's receive buffer full.
      out.push('sluice_messages_dropped_total{reason="udp_receive_buffer"} ' +
        g.udpKernelDrops);
    }

    out.push('# HELP sluice_connections_refused_total Connections closed ' +
      'before reading, by reason.',
    '# TYPE sluice_connections_refused_total counter',
    `sluice_connections_refused_total{reason="no_tenant"} ` +
      c.global(GlobalCounter.refusedNoTenant),
    `sluice_connections_refused_total{reason="tls_handshake"} ` +
      c.global(GlobalCounter.refusedTls),
    `sluice_connections_refused_total{reason="max_connections"} ` +
      c.global(GlobalCounter.refusedLimit));

    const gauge = (name: string, help: string, value: number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`,
        `${name} ${value}`);
    };
    const counter = (name: string, help: string, value: number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`,
        `${name} ${value}`);
    };
    counter('sluice_connections_opened_total', 'TCP and TLS connections ' +
      'accepted.', c.global(GlobalCounter.connectionsOpened));
    counter('sluice_connection_errors_total', 'Socket errors on accepted ' +
      'connections.', c.global(GlobalCounter.connectionErrors));
    counter('sluice_batches_total', 'Ring batches processed by workers.',
      c.global(GlobalCounter.batches));
    counter('sluice_queries_refused_total', 'Event searches refused ' +
      'because too many were running.', c.global(GlobalCounter.queriesRefused));
    counter('sluice_stored_bytes_total', 'Compressed bytes written to ' +
      'segment files.', c.global(GlobalCounter.storedBytes));
    gauge('sluice_connections', 'Open TCP and TLS connections.',
      g.connections);
    gauge('sluice_ring_used_bytes', 'Ring bytes held by unprocessed frames.',
      g.ringUsedBytes);
    gauge('sluice_ring_capacity_bytes', 'Ring data capacity.',
      g.ringCapacityBytes);
    gauge('sluice_ring_fill_ratio', 'Used share of the ring.',
      round(g.ringUsedBytes / g.ringCapacityBytes, 4));
    gauge('sluice_ring_batches_in_flight', 'Sealed batches not yet ' +
      'reclaimed.', g.batchesInFlight);
    gauge('sluice_pool_utilization', 'Share of worker time spent on tasks.',
      round(g.poolUtilization, 4));
    gauge('sluice_pool_threads', 'Worker threads.', g.poolThreads);
    gauge('sluice_pool_queue', 'Tasks waiting for a worker.', g.poolQueue);
    gauge('sluice_storage_open_segments', 'Segment files open for append.',
      g.openSegments);
    counter('sluice_storage_write_errors_total', 'Failed segment writes.',
      g.storageWriteErrors);
    counter('sluice_storage_blocks_lost_total', 'Encoded blocks a failed ' +
      'write lost.', g.storageBlocksLost);
    const probe = c.global(GlobalCounter.probeSeenMs);
    gauge('sluice_health_probe_age_seconds', 'Seconds since a probe ' +
      'passed through ring and worker.',
      probe === 0 ? -1 : round((Date.now() - probe) / 1000, 3));
    return out.join('\n') + '\n';
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
