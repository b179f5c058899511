import type { Logger } from 'pino';
import type { Counters } from '../counters.js';
import type { Ingest } from '../ingest.js';
import type { TenantMap } from '../tenants.js';

/** What every listener needs from the daemon. */
export interface ListenerContext {
  ingest: Ingest;
  counters: Counters;
  tenants: TenantMap;
  maxMessageBytes: number;
  log: Logger;
}

/** A running listener; `stop` closes it and settles its connections. */
export interface Listener {
  readonly name: string;
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly port: number;
  /** Refuses new connections; open ones keep being read. */
  stopAccepting(): void;
  /**
   * When input last arrived (ms); now while a connection waits for ring
   * space, since the sender is not idle then, only held back.
   */
  lastInputMs(): number;
  /** Stops accepting and reading; held frames stay until `finish`. */
  pause(): Promise<void>;
  /** True once every frame read from a socket is in the ring. */
  settled(): boolean;
  /** Hands partial frames in as incomplete and closes every socket. */
  finish(): void;
  /** Open connections (0 for UDP). */
  connections(): number;
}

/** IPv4 peers on dual-stack sockets appear as ::ffff:a.b.c.d. */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ?
    address.slice(7) : address;
}
