import { createServer, type Server, type Socket } from 'node:net';
import {
  createSecureContext, createServer as createTlsServer, type TLSSocket,
} from 'node:tls';
import { readFileSync } from 'node:fs';
import type { ResolvedListener } from '../config.js';
import { GlobalCounter } from '../counters.js';
import { codes, SluiceError } from '../errors.js';
import { Transport } from '../../workers/encode/row.js';
import { addressBytes, newOriginId, type Origin } from '../ring.js';
import {
  plainAddress, type Listener, type ListenerContext,
} from './context.js';
import { StreamConnection } from './stream.js';

/**
 * Syslog over TCP (RFC 6587) or over TLS (RFC 5425). Plain TCP maps a
 * connection to a tenant by listener or source address; TLS requires a
 * client certificate signed by the configured CA and maps its subject.
 */
export async function startStreamListener(
  config: ResolvedListener, index: number, ctx: ListenerContext,
  material?: TlsMaterial,
): Promise<Listener> {
  const connections = new Set<StreamConnection>();
  const tls = config.protocol === 'tls';

  const accept = (socket: Socket, tenant: number): void => {
    if (tenant < 0) {
      ctx.counters.addGlobal(GlobalCounter.refusedNoTenant, 1);
      ctx.log.debug({ listener: config.name, peer: socket.remoteAddress },
        'connection refused: source maps to no tenant');
      socket.destroy();
      return;
    }
    ctx.counters.addGlobal(GlobalCounter.connectionsOpened, 1);
    socket.setNoDelay(true);
    const origin: Origin = {
      tenant,
      listener: index,
      transport: tls ? Transport.tls : Transport.tcp,
      address: addressBytes(plainAddress(socket.remoteAddress)),
      port: socket.remotePort ?? 0,
      id: newOriginId(),
    };
    const conn = new StreamConnection(socket, origin, ctx);
    connections.add(conn);
    // A connection reset while held back still owns frames: it leaves
    // the set, which shutdown waits on, only once they are in the ring.
    socket.on('close', () =>
      conn.whenSettled(() => connections.delete(conn)));
  };

  const bySource = (socket: Socket): number => config.tenant >= 0 ?
    config.tenant : ctx.tenants.bySource(plainAddress(socket.remoteAddress));
  const server = tls ?
    tlsServer(config, material ?? readTlsMaterial(config), ctx, accept) :
    createServer((socket) => accept(socket, bySource(socket)));

  // Beyond the limit Node closes new connections and emits 'drop'.
  server.maxConnections = config.maxConnections;
  server.on('drop', () =>
    ctx.counters.addGlobal(GlobalCounter.refusedLimit, 1));
  await listen(server, config);
  // After listening, accept errors must not crash the daemon.
  server.on('error', (err) => ctx.log.error({ listener: config.name, err },
    'listener error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  ctx.log.info({ listener: config.name, protocol: config.protocol,
    host: config.host, port }, 'listening');

  return {
    name: config.name,
    protocol: config.protocol,
    port,
    stopAccepting() {
      // Open connections keep the server alive until they end: no wait.
      server.close();
    },
    lastInputMs() {
      let last = 0;
      for (const conn of connections) {
        if (conn.blockedNow) return Date.now();
        last = Math.max(last, conn.lastInputMs);
      }
      return last;
    },
    async pause() {
      if (server.listening) server.close();
      for (const conn of connections) conn.pause();
    },
    settled() {
      for (const conn of connections) if (!conn.settled) return false;
      return true;
    },
    finish() {
      for (const conn of connections) conn.finish();
    },
    connections: () => connections.size,
  };
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

/**
 * Reads a TLS listener's certificate, key and CA. The daemon calls it for
 * every TLS listener before any socket opens, so a missing file stops the
 * start without half the listeners bound.
 */
export function readTlsMaterial(config: ResolvedListener): TlsMaterial {
  const t = config.tls!;
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new SluiceError(codes.tlsMaterial,
        `listeners ${config.name}: cannot read tls.${what} ${path}: ` +
        `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` +
        '; the development material comes from "make certs" (.dev/)');
    }
  };
  const material = {
    cert: read('cert', t.cert), key: read('key', t.key), ca: read('ca', t.ca),
  };
  try {
    createSecureContext(material);
  } catch (err) {
    throw new SluiceError(codes.tlsMaterial,
      `listeners ${config.name}: tls.cert ${t.cert}, tls.key ${t.key} ` +
      `and tls.ca ${t.ca} do not make a usable TLS setup: ` +
      (err as Error).message);
  }
  return material;
}

function tlsServer(
  config: ResolvedListener, material: TlsMaterial, ctx: ListenerContext,
  accept: (socket: Socket, tenant: number) => void,
): Server {
  const t = config.tls!;
  const server = createTlsServer({
    ...material,
    // RFC 5425 5.1 and 5.2: mutual authentication, the certificate
    // identifies the collector and so the tenant.
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: t.minVersion,
  }, (socket: TLSSocket) => {
    const subject = socket.getPeerCertificate().subject as
      unknown as Record<string, string | string[]> | undefined;
    const tenant = config.tenant >= 0 ? config.tenant :
      ctx.tenants.bySubject(subject);
    accept(socket, tenant);
  });

  server.on('tlsClientError', (err, socket) => {
    ctx.counters.addGlobal(GlobalCounter.refusedTls, 1);
    ctx.log.debug({ listener: config.name, peer: socket.remoteAddress,
      err: err.message }, 'tls handshake refused');
  });
  return server;
}

function listen(server: Server, config: ResolvedListener): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new SluiceError(codes.listen,
      `listener ${config.name}: cannot listen on ${config.host}:` +
      `${config.port}: ${err.message}`)));
    server.listen(config.port, config.host, () => resolve());
  });
}
