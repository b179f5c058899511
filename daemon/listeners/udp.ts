import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ResolvedListener } from '../config.js';
import { GlobalCounter } from '../counters.js';
import { codes, SluiceError } from '../errors.js';
import { Transport } from '../../workers/encode/row.js';
import {
  addressBytes, newOriginId, RecordFlag, type Origin,
} from '../ring.js';
import {
  plainAddress, type Listener, type ListenerContext,
} from './context.js';
import { trimEnd } from './framing.js';

interface Source {
  tenant: number;
  address: Buffer;
  id: number;
}

/** UDP sources remembered; cleared when full, as scanners are many. */
const kSourceCacheLimit = 65536;

/**
 * Syslog over UDP (RFC 5426): one message per datagram. UDP has no flow
 * control, so when the ring is full a datagram is dropped and counted;
 * it is never held in memory.
 */
export async function startUdpListener(
  config: ResolvedListener, index: number, ctx: ListenerContext,
): Promise<Listener> {
  const socket = createSocket({
    type: isIPv6(config.host) ? 'udp6' : 'udp4',
    recvBufferSize: config.receiveBufferBytes,
  });
  const origin: Origin = {
    tenant: 0, listener: index, transport: Transport.udp,
    address: Buffer.alloc(0), port: 0, id: 0,
  };
  const max = ctx.maxMessageBytes;
  const sources = new Map<string, Source>();

  const sourceOf = (address: string): Source => {
    let source = sources.get(address);
    if (source !== undefined) return source;
    const plain = plainAddress(address);
    source = {
      tenant: config.tenant >= 0 ? config.tenant :
        ctx.tenants.bySource(plain),
      address: addressBytes(plain),
      id: newOriginId(),
    };
    if (sources.size >= kSourceCacheLimit) sources.clear();
    sources.set(address, source);
    return source;
  };

  let lastInputMs = 0;
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    lastInputMs = Date.now();
    const source = sourceOf(rinfo.address);
    const tenant = source.tenant;
    if (tenant < 0) {
      ctx.counters.addGlobal(GlobalCounter.dropNoTenant, 1);
      return;
    }

    // RFC 5426 3.1: one message per datagram; trailing LF or NUL that
    // some senders add is framing noise, not message content.
    let end = trimEnd(msg, 0, msg.length);
    if (end === 0) {
      ctx.counters.addGlobal(GlobalCounter.dropEmpty, 1);
      return;
    }
    let flags = 0;
    if (end > max) {
      end = max;
      flags = RecordFlag.truncated;
    }

    origin.tenant = tenant;
    origin.address = source.address;
    origin.id = source.id;
    origin.port = rinfo.port;
    if (!ctx.ingest.accept(origin, msg, 0, end, flags)) {
      ctx.counters.addGlobal(GlobalCounter.dropRingFull, 1);
    }
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', (err) => reject(new SluiceError(codes.listen,
      `listener ${config.name}: cannot bind ${config.host}:${config.port}: ` +
      err.message)));
    socket.bind(config.port, config.host, () => resolve());
  });
  const port = socket.address().port;
  ctx.log.info({ listener: config.name, protocol: 'udp', host: config.host,
    port, receiveBuffer: socket.getRecvBufferSize() }, 'listening');

  return {
    name: config.name,
    protocol: 'udp',
    port,
    stopAccepting() {},
    lastInputMs: () => lastInputMs,
    async pause() {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
    settled: () => true,
    finish() {},
    connections: () => 0,
  };
}
