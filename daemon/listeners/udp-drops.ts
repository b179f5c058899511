import { readFileSync } from 'node:fs';

/** Linux lists every UDP socket here, with a per-socket drop count. */
const kTables = ['/proc/net/udp', '/proc/net/udp6'];
const kLocalColumn = 1;
const kDropsColumn = 12;

/**
 * Datagrams the kernel dropped for sockets bound to `ports`, because
 * their receive buffer was full: they never reach the daemon, so only
 * the kernel can count them. Returns undefined where /proc/net/udp is
 * not there (not Linux).
 */
export function kernelUdpDrops(ports: ReadonlySet<number>): number | undefined {
  let found = false;
  let drops = 0;
  for (const table of kTables) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    found = true;
    drops += sumDrops(text, ports);
  }
  return found ? drops : undefined;
}

/** Sums the drops column of the rows whose local port is in `ports`. */
export function sumDrops(text: string, ports: ReadonlySet<number>): number {
  let drops = 0;
  const rows = text.split('\n');
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!.trim().split(/\s+/);
    if (cells.length <= kDropsColumn) continue;

    // local_address is ADDRESS:PORT in hex, the port big-endian.
    const local = cells[kLocalColumn]!;
    const port = parseInt(local.slice(local.indexOf(':') + 1), 16);
    if (!ports.has(port)) continue;
    drops += Number(cells[kDropsColumn]) || 0;
  }
  return drops;
}
