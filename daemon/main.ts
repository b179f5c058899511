import { accessSync, constants, mkdirSync } from 'node:fs';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { loadRules } from '../workers/classify/rules.js';
import type { BatchResult, PipelineSetup } from '../workers/pipeline.js';
import {
  loadConfig, type ResolvedConfig, type ResolvedListener,
} from './config.js';
import {
  Counters, createCounterBuffer, dropReasons, GlobalCounter, TenantCounter,
} from './counters.js';
import { codes, SluiceError } from './errors.js';
import { searchEvents } from './http/events.js';
import { startHttp, type HttpServer } from './http/server.js';
import { Ingest } from './ingest.js';
import type { Listener, ListenerContext } from './listeners/context.js';
import {
  readTlsMaterial, startStreamListener, type TlsMaterial,
} from './listeners/tcp.js';
import { kernelUdpDrops } from './listeners/udp-drops.js';
import { startUdpListener } from './listeners/udp.js';
import { createLogger } from './log.js';
import { Metrics } from './metrics.js';
import { createRingBuffer, kDefaultSlots, RingWriter } from './ring.js';
import { SegmentStore } from './storage/segment-writer.js';
import type { BlockSink } from './storage/sink.js';
import { TenantMap } from './tenants.js';

export interface DaemonOptions {
  configPath?: string;
}

/** A probe goes through ring and worker this often; /health reads it. */
const kProbeIntervalMs = 1000;
/**
 * At shutdown, open connections are read until no input has come for
 * this long, so what a client sent just before the signal is not left
 * in the kernel's buffers...
 */
const kDrainQuietMs = 250;
/** ... but a sender that never pauses cannot hold the daemon up longer. */
const kDrainTimeoutMs = 10_000;

/**
 * Starts sluice: validates the configuration before any socket opens,
 * then storage, the worker pool, the listeners and the HTTP endpoint.
 * SIGTERM and SIGINT stop it gracefully: nothing read is lost.
 */
export async function startDaemon(options: DaemonOptions = {}): Promise<void> {
  const bootLog = createLogger();
  const tls = new Map<ResolvedListener, TlsMaterial>();
  let config: ResolvedConfig;
  try {
    config = loadConfig(options.configPath);
    if (config.tenants.length === 0) {
      throw new SluiceError(codes.configInvalid,
        'tenants: at least one tenant is needed to store anything');
    }
    loadRules(config.rulesPath);
    for (const l of config.listeners) {
      if (l.tls !== undefined) tls.set(l, readTlsMaterial(l));
    }
    prepareDataDir(config.dataDir);
  } catch (err) {
    bootLog.fatal({ err }, 'cannot start');
    fail(err, 2);
  }

  const log = createLogger(config.logLevel);
  try {
    await run(config, tls, log);
  } catch (err) {
    log.fatal({ err }, 'cannot start');
    fail(err, 1);
  }
}

function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new SluiceError(codes.configInvalid, `data_dir: ${dir} cannot ` +
      `be used as a writable folder: ${(err as Error).message}`);
  }
}

/** Start-up errors also go to stderr as one plain line for people. */
function fail(err: unknown, status: number): never {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`sluice: ${e.code ?? 'error'}: ${e.message}\n`);
  process.exit(status);
}

async function run(
  config: ResolvedConfig, tls: Map<ResolvedListener, TlsMaterial>,
  log: Logger,
): Promise<void> {
  if (config.listeners.length === 0) {
    log.warn({}, 'no listeners configured: nothing will be received');
  }
  const tenantNames = config.tenants.map((t) => t.name);
  const tenants = new TenantMap(config.tenants);

  const ringSab = createRingBuffer({ dataBytes: config.pipeline.ringBytes });
  const countersSab = createCounterBuffer(tenantNames.length);
  const counters = new Counters(countersSab);
  const ring = new RingWriter(ringSab, kDefaultSlots,
    config.pipeline.batchMaxMessages, config.pipeline.ringBytes >> 3);

  const setup: PipelineSetup = {
    ring: ringSab,
    slots: kDefaultSlots,
    counters: countersSab,
    tenants: tenantNames,
    listeners: config.listeners.map((l) => l.name),
    rulesPath: config.rulesPath,
  };
  const pool = new Piscina({
    filename: new URL('../workers/pipeline-worker.js', import.meta.url).href,
    minThreads: config.pipeline.workers,
    maxThreads: config.pipeline.workers,
    idleTimeout: 60_000,
    workerData: setup,
  });

  const tenantIndex = new Map(tenantNames.map((name, i) => [name, i]));
  const store = new SegmentStore({
    dataDir: config.dataDir,
    fsyncIntervalMs: config.storage.fsyncIntervalMs,
    idleCloseMs: config.storage.idleCloseMs,
    maxOpenSegments: config.storage.maxOpenSegments,
    onError: (err) => log.error({ err }, 'segment write failed'),
    // Stored means in the file: counted when the write lands, not queued.
    onWritten: (tenant, rows) => counters.addTenant(
      tenantIndex.get(tenant)!, TenantCounter.stored, rows),
    onLost: (_tenant, rows) =>
      counters.addGlobal(GlobalCounter.dropStorageError, rows),
  });

  // Every block goes to each sink; more outputs join this list.
  const sinks: BlockSink[] = [store];

  let tasks = 0;
  let taskDone: (() => void) | undefined;
  const store1 = (result: BatchResult): void => {
    counters.addGlobal(GlobalCounter.batches, 1);
    if (result.error !== undefined) {
      log.error({ error: result.error }, 'batch failed in worker');
    }
    for (const b of result.blocks) {
      try {
        for (const sink of sinks) {
          sink.append(tenantNames[b.tenant]!, b.hourStartMs, b.block);
        }
        counters.addGlobal(GlobalCounter.storedBytes, b.block.length);
      } catch (err) {
        log.error({ err, rows: b.rows }, 'block refused by storage');
        counters.addGlobal(GlobalCounter.dropStorageError, b.rows);
      }
    }
  };
  const ingest: Ingest = new Ingest(ring, counters, () => {
    tasks++;
    pool.run(null).then(store1, (err: unknown) => {
      log.error({ err }, 'worker task failed');
      ingest.abandonClaims(liveThreads(pool));
    }).finally(() => {
      tasks--;
      ingest.batchDone();
      taskDone?.();
    });
  }, config.pipeline.batchMaxDelayMs);
  ingest.start();

  const ctx: ListenerContext = {
    ingest, counters, tenants,
    maxMessageBytes: config.maxMessageBytes, log,
  };
  const listeners: Listener[] = [];
  for (const [i, l] of config.listeners.entries()) {
    listeners.push(l.protocol === 'udp' ?
      await startUdpListener(l, i, ctx) :
      await startStreamListener(l, i, ctx, tls.get(l)));
  }

  const udpPorts = new Set(listeners.filter((l) => l.protocol === 'udp')
    .map((l) => l.port));

  ingest.probe();
  const probeTimer = setInterval(() => {
    ingest.probe();
    ingest.abandonClaims(liveThreads(pool));
  }, kProbeIntervalMs);
  const metrics = new Metrics(counters, tenantNames);
  metrics.start();

  const http = await startHttp(config.http.host, config.http.port, {
    probeSeenMs: () => counters.global(GlobalCounter.probeSeenMs),
    metrics: () => metrics.render({
      ringUsedBytes: ingest.usedBytes,
      ringCapacityBytes: ingest.capacity,
      batchesInFlight: ingest.batchesInFlight,
      poolUtilization: pool.utilization,
      poolThreads: pool.threads.length,
      poolQueue: pool.queueSize,
      ...storageGauges(store),
      connections: listeners.reduce((n, l) => n + l.connections(), 0),
      udpKernelDrops: udpPorts.size === 0 ? undefined :
        kernelUdpDrops(udpPorts),
    }),
    events: (params) => searchEvents(params, config, pool, counters),
  }, log);
  log.info({ dataDir: config.dataDir, workers: config.pipeline.workers,
    tenants: tenantNames }, 'ready');

  const waitForTasks = async (): Promise<void> => {
    for (;;) {
      ingest.flush();
      if (tasks === 0 && listeners.every((l) => l.settled())) return;
      await new Promise<void>((resolve) => {
        taskDone = resolve;
        setTimeout(resolve, 10);
      });
      taskDone = undefined;
    }
  };

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(probeTimer);
    http.close();

    for (const l of listeners) l.stopAccepting();
    await quiet(listeners);
    await Promise.all(listeners.map((l) => l.pause()));
    await waitForTasks();
    for (const l of listeners) l.finish();
    await waitForTasks();

    ingest.stop();
    metrics.stop();
    await Promise.all(sinks.map((sink) => sink.close()));
    await pool.destroy();
    log.info(totals(counters, tenantNames.length), 'stopped');
    process.exit(0);
  };
  const onSignal = (signal: string): void => {
    shutdown(signal).catch((err: unknown) => {
      log.fatal({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  void (http as HttpServer);
}

/** Resolves once no listener has had input for kDrainQuietMs. */
async function quiet(listeners: Listener[]): Promise<void> {
  const deadline = Date.now() + kDrainTimeoutMs;
  for (;;) {
    const last = Math.max(0, ...listeners.map((l) => l.lastInputMs()));
    const wait = last + kDrainQuietMs - Date.now();
    if (wait <= 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  }
}

/** Whole-run totals for the last log line, as /metrics has closed. */
function totals(counters: Counters, tenants: number) {
  let received = 0;
  let stored = 0;
  for (let t = 0; t < tenants; t++) {
    received += counters.received(t);
    stored += counters.tenant(t, TenantCounter.stored);
  }
  const dropped = dropReasons.reduce((n, [w]) => n + counters.global(w), 0);
  return { received, stored, dropped };
}

function liveThreads(pool: Piscina): Set<number> {
  return new Set(pool.threads.map((t) => t.threadId));
}

function storageGauges(store: SegmentStore) {
  const s = store.stats();
  return {
    openSegments: s.openSegments,
    storageWriteErrors: s.writeErrors,
    storageBlocksLost: s.blocksLost,
  };
}
