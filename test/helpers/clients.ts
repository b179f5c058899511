import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { devCert } from './daemon.js';

const kClientTimeoutMs = 15_000;

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion with an optional stdin text; throws with
 * its stderr unless it exits 0.
 */
export function run(
  command: string, args: string[], input?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args,
      { stdio: ['pipe', 'pipe', 'pipe'], timeout: kClientTimeoutMs, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ code, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ` +
        stderr));
    });
    child.stdin.end(input);
  });
}

/**
 * util-linux logger aimed at 127.0.0.1:`port`. Its RFC 3164 timestamps
 * are local time without a zone, so it runs in UTC to make them exact.
 */
export function logger(
  port: number, args: string[], input?: string,
): Promise<ProcessResult> {
  return run('logger', ['-n', '127.0.0.1', '-P', String(port), ...args],
    input, { ...process.env, TZ: 'UTC' });
}

export interface SendOptions {
  /** Source address to send from, e.g. a second loopback 127.0.0.2. */
  localAddress?: string;
}

/** Sends each item as one datagram and closes the socket. */
export function sendUdp(
  port: number, datagrams: Array<string | Buffer>,
  options: SendOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, options.localAddress ?? '127.0.0.1', async () => {
      try {
        for (const d of datagrams) {
          await new Promise<void>((done, fail) => socket.send(
            d, port, '127.0.0.1', (err) => err ? fail(err) : done()));
        }
        socket.close(() => resolve());
      } catch (err) {
        socket.close();
        reject(err);
      }
    });
  });
}

/**
 * Writes `data` on one TCP connection, half-closes it and waits until the
 * peer closes too. Resolves with how the connection ended: 'closed' after
 * a normal end, or the error code when the peer reset it.
 */
export function sendTcp(
  port: number, data: string | Buffer, options: SendOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({
      host: '127.0.0.1', port, localAddress: options.localAddress,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`tcp connection to ${port} did not close`));
    }, kClientTimeoutMs);

    let outcome = 'closed';
    socket.once('error', (err: NodeJS.ErrnoException) => {
      outcome = err.code ?? err.message;
    });
    socket.once('connect', () => socket.end(data));
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

export interface TlsOutcome {
  /** The handshake finished from the client's side. */
  secureConnected: boolean;
  /** The error the client saw, e.g. ECONNRESET or a TLS alert. */
  error: string | undefined;
}

/** Paths of a client certificate and its key (PEM). */
export interface ClientIdentity {
  cert: string;
  key: string;
}

/**
 * Writes `data` over TLS to 127.0.0.1:`port`, trusting the dev CA, and
 * waits until the connection closes. The client presents the dev
 * collector certificate by default, `identity` instead when given, and
 * none when `identity` is false.
 */
export function sendTls(
  port: number, data: string | Buffer,
  identity: ClientIdentity | boolean = true,
): Promise<TlsOutcome> {
  const paths = identity === true ?
    { cert: devCert.collectorCert, key: devCert.collectorKey } :
    identity === false ? undefined : identity;
  const credentials = paths === undefined ? {} :
    { cert: readFileSync(paths.cert), key: readFileSync(paths.key) };

  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: '127.0.0.1', port, servername: 'localhost',
      ca: readFileSync(devCert.ca), ...credentials,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`tls connection to ${port} did not close`));
    }, kClientTimeoutMs);

    const outcome: TlsOutcome = { secureConnected: false, error: undefined };
    socket.once('secureConnect', () => {
      outcome.secureConnected = true;
      socket.end(data);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      outcome.error = err.code ?? err.message;
    });
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

/** RFC 6587 3.4.1 octet counting: "LEN SP MSG" per message. */
export function octetCounted(messages: string[]): string {
  return messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
}
