import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { Socket as UdpSocket } from 'node:dgram';

const kLoopback = '127.0.0.1';

// Ports handed out in this process, so two daemons started by one test
// file never get the same port even when the OS would offer it again.
const handedOut = new Set<number>();

/**
 * Asks the OS for `count` distinct ports that are free on 127.0.0.1 for
 * both TCP and UDP at the moment of the call. All probes stay bound
 * until every port is chosen, so the OS cannot offer one twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: Array<Server | UdpSocket> = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const tcp = await listenTcp();
      held.push(tcp);
      const port = (tcp.address() as { port: number }).port;
      if (handedOut.has(port)) continue;

      const udp = await bindUdp(port);
      if (udp === undefined) continue;
      held.push(udp);
      handedOut.add(port);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map(release));
  }
  return ports;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

function listenTcp(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, kLoopback, () => resolve(server));
  });
}

function bindUdp(port: number): Promise<UdpSocket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, kLoopback, () => resolve(socket));
  });
}

function release(handle: Server | UdpSocket): Promise<void> {
  return new Promise((resolve) => handle.close(() => resolve()));
}
