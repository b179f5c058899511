import { join } from 'node:path';
import { checkTenant, kSegmentSuffix, parseDayName, parseHourName } from
  './layout.js';
import { listDir } from './query.js';
import { SegmentReader } from './segment-reader.js';

/**
 * Number of stored events, of one tenant or of all. Reads footers, or
 * block headers of files without one; decompresses nothing.
 */
export async function countEvents(
  dataDir: string,
  tenant?: string,
): Promise<number> {
  if (tenant !== undefined) checkTenant(tenant);
  const tenants = tenant === undefined ? await listDir(dataDir) : [tenant];

  let total = 0;
  for (const t of tenants) {
    if (tenant === undefined && !isTenantDir(t)) continue;
    total += await countTenant(join(dataDir, t));
  }
  return total;
}

function isTenantDir(name: string): boolean {
  return !name.startsWith('.');
}

async function countTenant(dir: string): Promise<number> {
  let total = 0;

  for (const day of await listDir(dir)) {
    if (parseDayName(day) === undefined) continue;

    for (const hour of await listDir(join(dir, day))) {
      if (parseHourName(hour) === undefined) continue;
      total += await countHour(join(dir, day, hour));
    }
  }
  return total;
}

async function countHour(dir: string): Promise<number> {
  let total = 0;

  for (const name of await listDir(dir)) {
    if (!name.endsWith(kSegmentSuffix)) continue;
    const reader = await SegmentReader.open(join(dir, name));
    total += reader.info.totalRows;
    await reader.close();
  }
  return total;
}
