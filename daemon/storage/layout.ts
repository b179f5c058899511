import { join } from 'node:path';
import { codes, SluiceError } from '../errors.js';
import { kMaxTenantBytes } from '../../workers/encode/format.js';

/**
 * Where segments live: `<dataDir>/<tenant>/<YYYY-MM-DD>/<HH>/<name>.seg`,
 * the date and hour being the UTC hour bucket of the events' time.
 */

export const kHourMs = 3_600_000;
export const kSegmentSuffix = '.seg';

const kDayName = /^(\d{4})-(\d{2})-(\d{2})$/;
const kHourName = /^(\d{2})$/;

/**
 * Why a tenant name cannot be a directory name, or undefined when it
 * can: the name becomes one path segment, so separators, dot names and
 * control characters would let it escape or confuse the data dir.
 */
export function tenantProblem(tenant: string): string | undefined {
  if (tenant.length === 0) return 'is empty';
  if (tenant === '.' || tenant === '..') return 'is a dot name';
  if (Buffer.byteLength(tenant) > kMaxTenantBytes) {
    return `is longer than ${kMaxTenantBytes} bytes`;
  }

  for (let i = 0; i < tenant.length; i++) {
    const c = tenant.charCodeAt(i);
    if (c === 0x2f || c === 0x5c) return 'contains a path separator';
    if (c < 0x20 || c === 0x7f) return 'contains a control character';
  }
  return undefined;
}

/** Throws queryInvalid unless the tenant name is a safe path segment. */
export function checkTenant(tenant: string): void {
  const problem = tenantProblem(tenant);
  if (problem === undefined) return;

  throw new SluiceError(
    codes.queryInvalid,
    `tenant ${JSON.stringify(tenant)} ${problem}; ` +
      'expected one path segment without "/", "\\" or ".."',
    { tenant },
  );
}

export function dayName(hourStartMs: number): string {
  return new Date(hourStartMs).toISOString().slice(0, 10);
}

export function hourName(hourStartMs: number): string {
  return new Date(hourStartMs).toISOString().slice(11, 13);
}

export function hourDir(
  dataDir: string,
  tenant: string,
  hourStartMs: number,
): string {
  return join(dataDir, tenant, dayName(hourStartMs), hourName(hourStartMs));
}

/** Start of a day directory in ms, or undefined for foreign names. */
export function parseDayName(name: string): number | undefined {
  const m = kDayName.exec(name);
  if (m === null) return undefined;

  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not, and
  // RFC 5424 allows any four-digit year.
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const ms = date.getTime();
  return dayName(ms) === name ? ms : undefined;
}

/** Hour 0..23 of an hour directory, or undefined for foreign names. */
export function parseHourName(name: string): number | undefined {
  if (!kHourName.test(name)) return undefined;

  const h = Number(name);
  return h < 24 ? h : undefined;
}
