import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync }
  from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCert, waitFor, within } from './daemon.js';
import { freePort } from './ports.js';

const kStartTimeoutMs = 10_000;
const kStopTimeoutMs = 10_000;

/** rsyslog's TLS stream drivers: GnuTLS and OpenSSL. */
export type StreamDriver = 'gtls' | 'ossl';

/** How omfwd frames messages on TCP (RFC 6587 3.4.1 or 3.4.2). */
export type TcpFraming = 'octet-counted' | 'traditional';

export interface ForwarderOptions {
  driver: StreamDriver;
  framing: TcpFraming;
  /** The TLS port of sluice to forward to. */
  targetPort: number;
}

const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function rsyslogdPath(): string {
  return existsSync('/usr/sbin/rsyslogd') ? '/usr/sbin/rsyslogd' : 'rsyslogd';
}

/** Whether the driver's module is installed (rsyslog-gnutls, -openssl). */
export function hasDriver(driver: StreamDriver): boolean {
  return existsSync(`/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_${driver}.so`) ||
    existsSync(`/usr/lib/rsyslog/lmnsd_${driver}.so`);
}

/**
 * A private rsyslogd: no system sockets (imuxsock, imklog), its own work
 * folder and pid file. It takes syslog on a local TCP port and forwards
 * every message over TLS to sluice with the dev collector certificate.
 */
export class Forwarder {
  readonly inputPort: number;
  private readonly child: ChildProcess;
  private readonly dir: string;
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(child: ChildProcess, inputPort: number, dir: string) {
    this.child = child;
    this.inputPort = inputPort;
    this.dir = dir;
    child.stdout!.on('data', (chunk) => { this.output += chunk; });
    child.stderr!.on('data', (chunk) => { this.output += chunk; });
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }));
  }

  log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM; rsyslogd exits 0 after flushing its action queue. */
  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    const code = await within(this.exited, kStopTimeoutMs, -1);
    if (code === -1) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    return code;
  }
}

export async function startForwarder(options: ForwarderOptions):
  Promise<Forwarder> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-rsyslog-'));
  const workDir = join(dir, 'work');
  mkdirSync(workDir);
  const inputPort = await freePort();
  const configPath = join(dir, 'rsyslog.conf');
  writeFileSync(configPath, forwarderConfig(options, inputPort, workDir));

  const child = spawn(rsyslogdPath(),
    ['-n', '-f', configPath, '-i', join(dir, 'rsyslogd.pid')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const forwarder = new Forwarder(child, inputPort, dir);

  try {
    await waitFor(async () => {
      if (!forwarder.running) throw new Error('rsyslogd exited during start');
      return accepts(inputPort);
    }, kStartTimeoutMs, () => `rsyslogd did not listen on ${inputPort}`);
  } catch (err) {
    await forwarder.stop();
    throw new Error(`${(err as Error).message}\n--- rsyslogd ---\n` +
      forwarder.log());
  }
  return forwarder;
}

/**
 * The input is bound to its own ruleset so rsyslogd's internal messages
 * (start-up notices), which go to the default ruleset, are not forwarded
 * and the test can count exactly what it sent.
 */
function forwarderConfig(
  o: ForwarderOptions, inputPort: number, workDir: string,
): string {
  return `
global(
  workDirectory="${workDir}"
  defaultNetstreamDriverCAFile="${devCert.ca}"
  defaultNetstreamDriverCertFile="${devCert.collectorCert}"
  defaultNetstreamDriverKeyFile="${devCert.collectorKey}"
)
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${inputPort}" ruleset="forward")
ruleset(name="forward") {
  action(
    type="omfwd" target="127.0.0.1" port="${o.targetPort}" protocol="tcp"
    StreamDriver="${o.driver}" StreamDriverMode="1"
    StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"
    TCP_Framing="${o.framing}"
    template="RSYSLOG_SyslogProtocol23Format"
  )
}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
