import { BlockList, isIPv6 } from 'node:net';
import type { ResolvedTenant } from './config.js';

/** Entries kept per cache; UDP sources are few, scanners are many. */
const kCacheLimit = 65536;

/**
 * Maps a sender to a tenant: by source address for plain UDP and TCP, by
 * client certificate subject for TLS. A sender that maps to nothing gets
 * -1 and is refused: a message is never stored under a guessed tenant.
 * When ranges of two tenants overlap, the first tenant in the config wins.
 */
export class TenantMap {
  private readonly lists: BlockList[];
  private readonly cache = new Map<string, number>();

  constructor(private readonly tenants: ResolvedTenant[]) {
    this.lists = tenants.map((t) => {
      const list = new BlockList();
      for (const s of t.sources) {
        list.addSubnet(s.address, s.prefix, s.family === 6 ? 'ipv6' : 'ipv4');
      }
      return list;
    });
  }

  get names(): string[] {
    return this.tenants.map((t) => t.name);
  }

  bySource(address: string): number {
    const hit = this.cache.get(address);
    if (hit !== undefined) return hit;

    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    let tenant = this.lists.findIndex((l) => l.check(address, family));
    if (tenant < 0 && family === 'ipv6' && address.startsWith('::ffff:')) {
      // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
      const v4 = address.slice(7);
      tenant = this.lists.findIndex((l) => l.check(v4, 'ipv4'));
    }

    if (this.cache.size >= kCacheLimit) this.cache.clear();
    this.cache.set(address, tenant);
    return tenant;
  }

  /** First tenant one of whose subjects matches every attribute given. */
  bySubject(subject: Record<string, string | string[]> | undefined): number {
    if (subject === undefined) return -1;
    return this.tenants.findIndex((t) =>
      t.certificateSubjects.some((want) => matches(want, subject)));
  }
}

function matches(
  want: Record<string, string>, have: Record<string, string | string[]>,
): boolean {
  for (const [key, value] of Object.entries(want)) {
    const got = have[key];
    const values = Array.isArray(got) ? got : [got];
    if (!values.includes(value)) return false;
  }
  return true;
}
