/**
 * `make loadtest`: starts the built daemon on free loopback ports with a
 * throw-away data folder, pushes a bounded load through it once per
 * framing, stops it with SIGTERM and checks that what is on disk matches
 * what was sent. Exits 0 only when nothing was lost.
 *
 * `node dist/loadtest/run.js [--count N] [--framings lf,octet]
 * [--connections C] [--corpus FILE] [--profile DIR] [--keep]`
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import {
  closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync,
  rmSync, writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError } from 'commander';
import { corpusStats, generateCorpus, readCorpusFile } from './corpus.js';
import {
  formatResult, frameCorpus, intOption, kLoopbackHost, runSender,
  type Framing, type SenderResult,
} from './sender.js';

/** The whole run, start to clean-up, stays under this. */
const kTimeLimitMs = 170_000;
const kHealthTimeoutMs = 30_000;
const kHealthPollMs = 200;
const kStopTimeoutMs = 30_000;
/** Generated corpus size; longer runs replay it round and round. */
const kCorpusLines = 200_000;
const kDaemonLogTailLines = 20;

const execFileAsync = promisify(execFile);

interface RunOptions {
  count: number;
  framings: Framing[];
  connections: number;
  rate: number;
  corpus: string | undefined;
  profile: string | undefined;
  keep: boolean;
  cli: string;
}

interface Daemon {
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
  httpPort: number;
  tcpPort: number;
  dataDir: string;
}

/** A port the OS calls free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, kLoopbackHost, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

async function writeConfig(dir: string): Promise<{
  file: string; tcpPort: number; httpPort: number; dataDir: string;
}> {
  const tcpPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === tcpPort) httpPort = await freePort();
  const dataDir = join(dir, 'data');

  // Only a TCP listener: the load goes there, and without TLS or UDP the
  // run depends on nothing but the build.
  const config = {
    data_dir: dataDir,
    log_level: 'info',
    listeners: [
      { name: 'loadtest-tcp', protocol: 'tcp', host: kLoopbackHost,
        port: tcpPort },
    ],
    http: { host: kLoopbackHost, port: httpPort },
    tenants: [{ name: 'default', sources: ['127.0.0.0/8'] }],
  };
  const file = join(dir, 'sluice.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { file, tcpPort, httpPort, dataDir };
}

async function startDaemon(o: RunOptions, dir: string): Promise<Daemon> {
  const { file, tcpPort, httpPort, dataDir } = await writeConfig(dir);
  const logFile = join(dir, 'daemon.log');
  const log = openSync(logFile, 'w');
  const nodeArgs = o.profile
    ? ['--cpu-prof', '--cpu-prof-dir', resolve(o.profile)] : [];
  const child = spawn(
    process.execPath, [...nodeArgs, o.cli, 'run', '--config', file],
    { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<number | null>((r) => {
    child.once('exit', (code, signal) => r(signal ? null : code));
  });
  return { child, exited, logFile, httpPort, tcpPort, dataDir };
}

/** Resolves once GET /health answers 200; throws if the daemon dies. */
async function waitHealthy(d: Daemon): Promise<number> {
  const url = `http://${kLoopbackHost}:${d.httpPort}/health`;
  const start = performance.now();
  let dead = false;
  void d.exited.then(() => { dead = true; });
  while (performance.now() - start < kHealthTimeoutMs) {
    if (dead) throw new Error('the daemon exited before it was healthy');
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - start;
    } catch {
      // Not listening yet.
    }
    await sleep(kHealthPollMs);
  }
  throw new Error(`${url} not 200 within ${kHealthTimeoutMs / 1000} s`);
}

/** SIGTERM, then the exit code (null: killed after the grace period). */
async function stopDaemon(d: Daemon): Promise<number | null> {
  if (d.child.exitCode !== null) return d.child.exitCode;
  d.child.kill('SIGTERM');
  const timer = setTimeout(() => d.child.kill('SIGKILL'), kStopTimeoutMs);
  const code = await d.exited;
  clearTimeout(timer);
  return code;
}

async function countStored(o: RunOptions, dataDir: string): Promise<number> {
  const { stdout } = await execFileAsync(
    process.execPath, [o.cli, 'count', '--data-dir', dataDir]);
  const n = Number(stdout.trim().split(/\s+/).pop());
  if (!Number.isSafeInteger(n)) {
    throw new Error(`count printed "${stdout.trim()}", not a number`);
  }
  return n;
}

function table(results: SenderResult[]): string {
  const head = ['framing', 'sent', 'stored', 'msg/s', 'elapsed s', 'loss',
    'loss %', 'dropped'];
  const rows = results.map((r) => [
    r.framing, String(r.sent), String(r.stored ?? 'n/a'),
    String(Math.round(r.messagesPerSecond)), r.elapsedSeconds.toFixed(3),
    String(r.loss ?? 'n/a'), r.lossPercent?.toFixed(3) ?? 'n/a',
    String(Object.values(r.dropped ?? {}).reduce((a, b) => a + b, 0)),
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines)
    .join('\n');
}

function say(text: string): void {
  process.stdout.write(text + '\n');
}

async function run(o: RunOptions): Promise<boolean> {
  if (!existsSync(o.cli)) {
    throw new Error(
      `${o.cli} not found: build first (npx tsc -p tsconfig.json)`);
  }
  const lines = o.corpus ? readCorpusFile(o.corpus)
    : generateCorpus(Math.min(o.count, kCorpusLines));
  const stats = corpusStats(lines);
  say(`corpus: ${stats.lines} lines, ${stats.averageBytes.toFixed(1)} B/line,` +
    ` ${(stats.rfc5424Share * 100).toFixed(1)}% RFC 5424`);

  const dir = mkdtempSync(join(tmpdir(), 'sluice-loadtest-'));
  if (o.profile) mkdirSync(o.profile, { recursive: true });
  let daemon: Daemon | undefined;
  const limit = setTimeout(() => {
    process.stderr.write(`time limit of ${kTimeLimitMs / 1000} s reached\n`);
    daemon?.child.kill('SIGKILL');
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }, kTimeLimitMs);
  limit.unref();

  try {
    daemon = await startDaemon(o, dir);
    const ready = await waitHealthy(daemon);
    say(`daemon pid ${daemon.child.pid} healthy after ${Math.round(ready)} ms` +
      ` (tcp ${daemon.tcpPort}, http ${daemon.httpPort}, data ${dir})`);
    return await measure(o, daemon, lines);
  } catch (err) {
    process.stderr.write(`loadtest: ${(err as Error).message}\n`);
    if (daemon) {
      await stopDaemon(daemon);
      process.stderr.write(`daemon log tail:\n${tail(daemon.logFile,
        kDaemonLogTailLines)}\n`);
    }
    return false;
  } finally {
    clearTimeout(limit);
    if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    if (o.keep) say(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  o: RunOptions, daemon: Daemon, lines: readonly (string | Buffer)[],
): Promise<boolean> {
  const metricsUrl = `http://${kLoopbackHost}:${daemon.httpPort}/metrics`;
  const results: SenderResult[] = [];
  for (const framing of o.framings) {
    const result = await runSender({
      port: daemon.tcpPort,
      corpus: frameCorpus(lines, framing),
      count: o.count,
      connections: o.connections,
      rate: o.rate,
      maxSeconds: 60,
      metricsUrl,
      settleSeconds: 5,
      maxWaitSeconds: 60,
      onProgress: (line) => process.stderr.write(`  ${framing}: ${line}\n`),
    });
    say(`\n${formatResult(result)}`);
    results.push(result);
  }

  const stopStart = performance.now();
  const code = await stopDaemon(daemon);
  const stopMs = performance.now() - stopStart;
  const onDisk = await countStored(o, daemon.dataDir);
  const sent = results.reduce((a, r) => a + r.sent, 0);

  say(`\n${table(results)}\n`);
  say(`daemon exit code: ${code} after SIGTERM (${Math.round(stopMs)} ms)`);
  say(`stored on disk (cli count): ${onDisk} of ${sent} sent`);
  const ok = code === 0 && onDisk === sent &&
    results.every((r) => r.loss === 0 && r.errors.length === 0);
  if (!ok) {
    say(`daemon log tail:\n${tail(daemon.logFile, kDaemonLogTailLines)}`);
  }
  say(ok ? 'PASS' : 'FAIL');
  return ok;
}


function framingsOption(text: string): Framing[] {
  const list = text.split(',').map((s) => s.trim());
  for (const f of list) {
    if (f !== 'lf' && f !== 'octet') {
      throw new InvalidArgumentError(`unknown framing "${f}" (lf, octet)`);
    }
  }
  return list as Framing[];
}

function main(argv: string[]): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const program = new Command('loadtest')
    .description('load the built daemon on loopback and check nothing is lost')
    .option('--count <n>', 'messages per framing', intOption(1), 300_000)
    .option('--framings <list>', 'lf, octet or both', framingsOption,
      ['lf', 'octet'])
    .option('--connections <n>', 'TCP connections', intOption(1), 1)
    .option('--rate <n>', 'total msg/s, 0 = full speed', intOption(0), 0)
    .option('--corpus <file>', 'replay this file instead of generating')
    .option('--profile <dir>', 'run the daemon with --cpu-prof into DIR')
    .option('--keep', 'keep the temporary config, data and log')
    .option('--cli <file>', 'daemon entry point',
      resolve(here, '..', 'daemon', 'cli.js'))
    .parse(argv);
  const o = program.opts<RunOptions>();
  run({ ...o, keep: Boolean(o.keep) }).then((ok) => {
    process.exitCode = ok ? 0 : 1;
  }, (err: Error) => {
    process.stderr.write(`loadtest: ${err.message}\n`);
    process.exitCode = 2;
  });
}

main(process.argv);
