import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { codes, SluiceError } from '../errors.js';
import { ColumnId, kAbsent } from '../../workers/encode/format.js';
import { toEcs, type EcsEvent } from './ecs.js';
import {
  checkTenant,
  kHourMs,
  kSegmentSuffix,
  parseDayName,
  parseHourName,
} from './layout.js';
import {
  SegmentReader,
  type BlockInfo,
  type DecodedBlock,
  type VarValues,
} from './segment-reader.js';

export interface QueryOptions {
  dataDir: string;
  tenant: string;
  /** Earliest @timestamp, ms since the epoch, inclusive. */
  from?: number;
  /** Latest @timestamp, ms since the epoch, exclusive. */
  to?: number;
  /** Exact `log.syslog.hostname`. */
  host?: string;
  /** Exact `log.syslog.appname`. */
  app?: string;
  /** Exact `event.category`. */
  category?: string;
  /** Lowest `event.risk_score`, inclusive. */
  minScore?: number;
  /** Case-sensitive substring of `message`. */
  contains?: string;
  /** Most events returned; default 100. */
  limit?: number;
}

interface ResolvedQuery {
  dataDir: string;
  tenant: string;
  from: number;
  to: number;
  host: Buffer | undefined;
  app: Buffer | undefined;
  category: Buffer | undefined;
  minScore: number;
  contains: Buffer | undefined;
  limit: number;
}

export const kDefaultLimit = 100;
export const kMaxLimit = 100_000;
const kDayMs = 24 * kHourMs;

/** A matching row, kept small until the final sort. */
interface Candidate {
  time: number;
  received: number;
  seq: number;
  path: string;
  block: BlockInfo;
  row: number;
}

/**
 * The earliest `limit` events of a tenant that match every given filter,
 * sorted by @timestamp, then receive time. Hour directories and blocks
 * whose time range cannot hold a match are skipped unopened, and of a
 * block only the columns a filter needs are decompressed; the rest are
 * decoded only for the rows returned.
 */
export async function queryEvents(q: QueryOptions): Promise<EcsEvent[]> {
  const r = resolveQuery(q);
  const hours = await listHours(r);
  const found = new Candidates(r.limit);

  for (const hour of hours) {
    // Every row under an hour directory has a time inside that hour.
    if (hour.start > found.bound()) break;
    await scanHour(r, hour.dir, found);
  }

  return render(r, found.best());
}

class Candidates {
  private list: Candidate[] = [];
  private limitTime = Infinity;
  private seq = 0;

  constructor(private readonly limit: number) {}

  /** Rows later than this cannot make the result any more. */
  bound(): number {
    this.compact();
    return this.limitTime;
  }

  /** The cheap check, between compactions. */
  looseBound(): number {
    return this.limitTime;
  }

  add(time: number, received: number, path: string, block: BlockInfo,
    row: number): void {
    this.list.push({ time, received, seq: this.seq++, path, block, row });
    if (this.list.length >= 2 * this.limit + 1024) this.compact();
  }

  best(): Candidate[] {
    this.compact();
    return this.list;
  }

  private compact(): void {
    this.list.sort(byTime);
    if (this.list.length < this.limit) return;

    this.list.length = this.limit;
    this.limitTime = this.list[this.limit - 1].time;
  }
}

function byTime(a: Candidate, b: Candidate): number {
  return a.time - b.time || a.received - b.received || a.seq - b.seq;
}

async function scanHour(
  r: ResolvedQuery,
  dir: string,
  found: Candidates,
): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(kSegmentSuffix));
  names.sort();

  for (const name of names) {
    const path = join(dir, name);
    const reader = await SegmentReader.open(path);
    try {
      for (const block of reader.info.blocks) {
        if (block.maxTime < r.from || block.minTime >= r.to) continue;
        if (block.minTime > found.looseBound()) continue;
        const decoded = await reader.readBlock(block);
        filterBlock(r, decoded, path, block, found);
      }
    } finally {
      await reader.close();
    }
  }
}

function filterBlock(
  r: ResolvedQuery,
  b: DecodedBlock,
  path: string,
  info: BlockInfo,
  found: Candidates,
): void {
  const eventTime = b.f64(ColumnId.eventTime);
  const received = b.f64(ColumnId.received);
  const host = r.host && b.varBytes(ColumnId.hostname);
  const app = r.app && b.varBytes(ColumnId.appname);
  const category = r.category && b.varBytes(ColumnId.category);
  const score = r.minScore > 0 ? b.u8(ColumnId.riskScore) : undefined;
  const message = r.contains && b.varBytes(ColumnId.message);
  const search = { next: -1 };

  for (let i = 0; i < b.rowCount; i++) {
    const t = Number.isNaN(eventTime[i]) ? received[i] : eventTime[i];
    if (t < r.from || t >= r.to || t > found.looseBound()) continue;
    if (score !== undefined && score[i] < r.minScore) continue;
    if (host && !sameBytes(host, i, r.host as Buffer)) continue;
    if (app && !sameBytes(app, i, r.app as Buffer)) continue;
    if (category && !sameBytes(category, i, r.category as Buffer)) continue;
    if (message && !holds(message, i, r.contains as Buffer, search)) continue;
    found.add(t, received[i], path, info, i);
  }
}

function sameBytes(v: VarValues, row: number, needle: Buffer): boolean {
  const len = v.lengths[row];
  if (len !== needle.length) return false;

  const start = v.starts[row];
  return v.data.compare(needle, 0, len, start, start + len) === 0;
}

/**
 * Whether row `row` contains `needle`. `search.next` remembers the first
 * hit at or after an earlier row's start, so the column is searched once
 * front to back instead of once per row.
 */
function holds(
  v: VarValues,
  row: number,
  needle: Buffer,
  search: { next: number },
): boolean {
  const len = v.lengths[row];
  if (len === kAbsent) return false;

  const start = v.starts[row];
  if (search.next < start) {
    const hit = v.data.indexOf(needle, start);
    search.next = hit < 0 ? Infinity : hit;
  }
  return search.next + needle.length <= start + len;
}

/** Reads each block that holds a result once, then builds the events. */
async function render(
  r: ResolvedQuery,
  rows: Candidate[],
): Promise<EcsEvent[]> {
  const byPath = new Map<string, Map<BlockInfo, number[]>>();
  rows.forEach((c, i) => {
    let blocks = byPath.get(c.path);
    if (blocks === undefined) byPath.set(c.path, (blocks = new Map()));
    const at = blocks.get(c.block);
    if (at === undefined) blocks.set(c.block, [i]);
    else at.push(i);
  });

  const out = new Array<EcsEvent>(rows.length);
  for (const [path, blocks] of byPath) {
    const reader = await SegmentReader.open(path, false);
    try {
      for (const [block, indexes] of blocks) {
        const decoded = await reader.readBlock(block);
        for (const i of indexes) out[i] = toEcs(decoded, rows[i].row, r.tenant);
      }
    } finally {
      await reader.close();
    }
  }
  return out;
}

interface HourDir {
  start: number;
  dir: string;
}

/** Hour directories that overlap [from, to), oldest first. */
async function listHours(r: ResolvedQuery): Promise<HourDir[]> {
  const tenantDir = join(r.dataDir, r.tenant);
  const hours: HourDir[] = [];

  for (const day of await listDir(tenantDir)) {
    const dayStart = parseDayName(day);
    if (dayStart === undefined) continue;
    if (dayStart + kDayMs <= r.from || dayStart >= r.to) continue;

    for (const hour of await listDir(join(tenantDir, day))) {
      const h = parseHourName(hour);
      if (h === undefined) continue;
      const start = dayStart + h * kHourMs;
      if (start + kHourMs <= r.from || start >= r.to) continue;
      hours.push({ start, dir: join(tenantDir, day, hour) });
    }
  }

  hours.sort((a, b) => a.start - b.start);
  return hours;
}

/** Directory entries; a missing directory is an empty one. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new SluiceError(codes.queryInvalid, message, details);
}

function resolveQuery(q: QueryOptions): ResolvedQuery {
  if (typeof q.dataDir !== 'string' || q.dataDir.length === 0) {
    invalid('dataDir must be a non-empty path', { dataDir: q.dataDir });
  }
  if (typeof q.tenant !== 'string') {
    invalid(`tenant ${String(q.tenant)} must be a string`, {
      tenant: q.tenant,
    });
  }
  checkTenant(q.tenant);

  const from = optionalTime('from', q.from, -Infinity);
  const to = optionalTime('to', q.to, Infinity);
  if (!(from < to)) {
    invalid(`from ${from} must be before to ${to}`, { from, to });
  }

  return {
    dataDir: q.dataDir,
    tenant: q.tenant,
    from,
    to,
    host: optionalText('host', q.host, true),
    app: optionalText('app', q.app, true),
    category: optionalText('category', q.category, true),
    minScore: minScoreOf(q.minScore),
    contains: optionalText('contains', q.contains, false),
    limit: limitOf(q.limit),
  };
}

function optionalTime(name: string, v: unknown, unset: number): number {
  if (v === undefined) return unset;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    invalid(`${name} ${String(v)} must be a time in ms since the epoch`, {
      [name]: v,
    });
  }
  return v;
}

function optionalText(
  name: string,
  v: unknown,
  emptyOk: boolean,
): Buffer | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (!emptyOk && v.length === 0)) {
    const what = emptyOk ? 'a string' : 'a non-empty string';
    invalid(`${name} ${JSON.stringify(v)} must be ${what}`, {
      [name]: v,
    });
  }
  return Buffer.from(v, 'utf8');
}

function minScoreOf(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    invalid(`minScore ${String(v)} must be a number >= 0`, { minScore: v });
  }
  return v;
}

function limitOf(v: unknown): number {
  if (v === undefined) return kDefaultLimit;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > kMaxLimit) {
    invalid(`limit ${String(v)} must be an integer from 1 to ${kMaxLimit}`, {
      limit: v,
    });
  }
  return v as number;
}
