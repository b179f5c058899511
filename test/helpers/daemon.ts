import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, type Test } from 'uvu';
import { stringify } from 'yaml';
import { packageRoot } from '../../daemon/paths.js';
import { freePorts } from './ports.js';

export const root = packageRoot();
export const cliPath = join(root, 'dist', 'daemon', 'cli.js');
export const devDir = join(root, '.dev');
export const devCert = {
  ca: join(devDir, 'ca.pem'),
  serverCert: join(devDir, 'server.pem'),
  serverKey: join(devDir, 'server-key.pem'),
  collectorCert: join(devDir, 'collector.pem'),
  collectorKey: join(devDir, 'collector-key.pem'),
};

const kStartTimeoutMs = 20_000;
const kStopTimeoutMs = 20_000;
const kPollIntervalMs = 100;
const kCliTimeoutMs = 20_000;
const kLogTailBytes = 4_000;

export interface DaemonOptions {
  /** Replaces the `tenants` list; default: one tenant for 127.0.0.0/8. */
  tenants?: unknown[];
  /** Extra top-level keys merged over the generated config. */
  config?: Record<string, unknown>;
}

export interface DaemonPorts {
  udp: number;
  tcp: number;
  tls: number;
  http: number;
}

/** An ECS event as `sluice query` prints it: nested plain objects. */
export type EcsEvent = Record<string, any>;

/**
 * Prometheus samples keyed by series, labels sorted by name:
 * `sluice_messages_stored_total{tenant="default"}`.
 */
export type Metrics = Map<string, number>;

/** Every daemon still running, killed when the test process exits. */
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The built daemon running on free loopback ports with a temp data dir. */
export class Daemon {
  readonly ports: DaemonPorts;
  readonly dir: string;
  readonly dataDir: string;
  readonly configPath: string;
  private readonly child: ChildProcess;
  private output = '';
  /** Settles with the exit code once the process is gone. */
  readonly exited: Promise<number | null>;

  constructor(
    child: ChildProcess, ports: DaemonPorts, dir: string, configPath: string,
  ) {
    this.child = child;
    this.ports = ports;
    this.dir = dir;
    this.dataDir = join(dir, 'data');
    this.configPath = configPath;

    child.stdout!.on('data', (chunk) => { this.output += chunk; });
    child.stderr!.on('data', (chunk) => { this.output += chunk; });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve(signal === null ? code : null);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the daemon printed so far (pino JSON lines). */
  log(): string {
    return this.output;
  }

  logTail(): string {
    return this.output.slice(-kLogTailBytes);
  }

  async get(path: string): Promise<HttpAnswer> {
    return httpGet(this.ports.http, path);
  }

  async metrics(): Promise<Metrics> {
    const answer = await this.get('/metrics');
    if (answer.status !== 200) {
      throw new Error(`GET /metrics answered ${answer.status}: ${answer.body}`);
    }
    return parseMetrics(answer.body);
  }

  /** Polls /metrics until `sluice_messages_stored_total` reaches `n`. */
  async waitForStored(
    n: number, tenant = 'default', timeoutMs = 15_000,
  ): Promise<number> {
    let stored = 0;
    await waitFor(async () => {
      const m = await this.metrics();
      stored = metric(m, 'sluice_messages_stored_total', { tenant });
      return stored >= n;
    }, timeoutMs, () => `stored ${stored} of ${n} messages for ${tenant}` +
      `\n--- daemon log ---\n${this.logTail()}`);
    return stored;
  }

  /**
   * Runs `sluice query` on this daemon's data dir; `args` are extra flags
   * such as ['--contains', 'abc']. The tenant defaults to "default".
   */
  async query(args: string[] = [], tenant = 'default'): Promise<EcsEvent[]> {
    const result = await runCli(
      ['query', '--data-dir', this.dataDir, '--tenant', tenant, ...args]);
    return result.stdout.split('\n').filter((l) => l !== '')
      .map((l) => JSON.parse(l) as EcsEvent);
  }

  /**
   * Queries until at least `n` events come back: storage makes events
   * readable shortly after the stored counter moves, not in the same
   * instant.
   */
  async queryUntil(
    n: number, args: string[] = [], tenant = 'default', timeoutMs = 15_000,
  ): Promise<EcsEvent[]> {
    let events: EcsEvent[] = [];
    await waitFor(async () => {
      events = await this.query(args, tenant);
      return events.length >= n;
    }, timeoutMs, () => `query ${args.join(' ')} returned ${events.length} ` +
      `of ${n} events\n--- daemon log ---\n${this.logTail()}`);
    return events;
  }

  async count(): Promise<number> {
    const result = await runCli(['count', '--data-dir', this.dataDir]);
    return Number(result.stdout.trim());
  }

  /** SIGTERM, then expects a clean exit 0 within the timeout. */
  async stop(): Promise<void> {
    if (!this.running) {
      throw new Error(`daemon already exited with ${this.child.exitCode}` +
        `\n--- daemon log ---\n${this.logTail()}`);
    }
    this.child.kill('SIGTERM');

    const code = await within(this.exited, kStopTimeoutMs, 'timeout');
    if (code === 0) return;

    this.kill();
    throw new Error(`daemon did not exit 0 after SIGTERM: ${code}` +
      `\n--- daemon log ---\n${this.logTail()}`);
  }

  /** SIGKILL if still running; for cleanup after a failed test. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Kills leftovers and deletes the temp folder. */
  async dispose(): Promise<void> {
    this.kill();
    await this.exited;
    if (process.env.SLUICE_TEST_KEEP === undefined) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts `node dist/daemon/cli.js run --config <tmp>/sluice.yaml` on free
 * ports with the dev TLS material and waits until GET /health is 200.
 */
export async function startDaemon(options: DaemonOptions = {}):
  Promise<Daemon> {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: run \`make build\` first`);
  }

  const [udp, tcp, tls, http] = await freePorts(4);
  const ports = { udp, tcp, tls, http };
  const dir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
  const configPath = join(dir, 'sluice.yaml');
  writeFileSync(configPath, stringify(daemonConfig(ports, options)));

  const child = spawn(process.execPath,
    [cliPath, 'run', '--config', configPath],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const daemon = new Daemon(child, ports, dir, configPath);

  try {
    await waitFor(async () => {
      if (!daemon.running) {
        throw new Error(`daemon exited with ${child.exitCode} during start`);
      }
      const answer = await daemon.get('/health').catch(() => undefined);
      return answer?.status === 200;
    }, kStartTimeoutMs, () => 'GET /health did not answer 200');
  } catch (err) {
    await daemon.dispose();
    throw new Error(`${(err as Error).message}` +
      `\n--- daemon log ---\n${daemon.logTail()}`);
  }
  return daemon;
}

function daemonConfig(
  ports: DaemonPorts, options: DaemonOptions,
): Record<string, unknown> {
  return {
    data_dir: './data',
    log_level: 'info',
    listeners: [
      { name: 'test-udp', protocol: 'udp', host: '127.0.0.1', port: ports.udp },
      { name: 'test-tcp', protocol: 'tcp', host: '127.0.0.1', port: ports.tcp },
      {
        name: 'test-tls', protocol: 'tls', host: '127.0.0.1', port: ports.tls,
        tls: {
          cert: devCert.serverCert, key: devCert.serverKey, ca: devCert.ca,
        },
      },
    ],
    http: { host: '127.0.0.1', port: ports.http },
    tenants: options.tenants ?? [{
      name: 'default',
      sources: ['127.0.0.0/8'],
      certificate_subjects: ['CN=sluice-dev-collector'],
    }],
    // Short intervals so tests see stored events quickly.
    storage: { fsync_interval_ms: 100 },
    pipeline: { workers: 2, ring_bytes: 16 * 1024 * 1024 },
    ...options.config,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; throws unless it exits 0. */
/**
 * A uvu suite sharing one daemon: started before the first test, stopped
 * with SIGTERM (asserting exit 0) after the last, removed in any case.
 */
export function daemonSuite(
  name: string, options?: DaemonOptions,
): Test<{ daemon: Daemon }> {
  const test = suite<{ daemon: Daemon }>(name, {} as { daemon: Daemon });
  test.before(async (ctx) => {
    ctx.daemon = await startDaemon(options);
  });
  test.after(async (ctx) => {
    if (ctx.daemon === undefined) return;
    try {
      await ctx.daemon.stop();
    } finally {
      await ctx.daemon.dispose();
    }
  });
  return test;
}

export async function runCli(args: string[]): Promise<CliResult> {
  const result = await runCliRaw(args);
  if (result.code !== 0) {
    throw new Error(`sluice ${args.join(' ')} exited ${result.code}: ` +
      `${result.stderr}${result.stdout.slice(0, kLogTailBytes)}`);
  }
  return result;
}

/** Runs the built CLI and reports whatever happened. */
export function runCliRaw(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: kCliTimeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, path: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { body += chunk; });
        res.on('end', () => resolve(
          { status: res.statusCode ?? 0, headers: res.headers, body }));
      });
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

const kSample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const kLabel = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text exposition format 0.0.4 into a series map. */
export function parseMetrics(text: string): Metrics {
  const metrics: Metrics = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = kSample.exec(line);
    if (match === null) throw new Error(`not a metrics sample: ${line}`);

    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(kLabel)) labels[l[1]] = l[2];
    metrics.set(seriesKey(match[1], labels), Number(match[3]));
  }
  return metrics;
}

export function seriesKey(
  name: string, labels: Record<string, string> = {},
): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((n) => `${n}="${labels[n]}"`).join(',')}}`;
}

/**
 * Sum of every series of `name` whose labels include all of `labels`;
 * 0 when none does, as Prometheus treats an absent counter.
 */
export function metric(
  metrics: Metrics, name: string, labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const [key, value] of metrics) {
    const brace = key.indexOf('{');
    const keyName = brace < 0 ? key : key.slice(0, brace);
    if (keyName !== name) continue;
    const wanted = Object.entries(labels).every(([k, v]) =>
      key.includes(`{${k}="${v}"`) || key.includes(`,${k}="${v}"`));
    if (wanted) sum += value;
  }
  return sum;
}

/** Polls `check` until it returns true; throws `describe()` on timeout. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    }
    await delay(kPollIntervalMs);
  }
}

/**
 * `promise`, or `fallback` once `ms` pass. The timer is cleared either
 * way so it cannot hold the test process open after the last test.
 */
export async function within<T, F>(
  promise: Promise<T>, ms: number, fallback: F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A marker no earlier run can have stored: tests filter on it. */
export function uniqueText(label: string): string {
  const random = Math.random().toString(36).slice(2, 10);
  return `${label}-${process.pid}-${Date.now().toString(36)}-${random}`;
}
