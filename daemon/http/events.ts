import type { Piscina } from 'piscina';
import type { ResolvedConfig } from '../config.js';
import { Counters, GlobalCounter } from '../counters.js';
import { codes, SluiceError } from '../errors.js';
import type { QueryOptions } from '../storage/query.js';

/**
 * Searches run in the worker pool; more than this many at once would
 * take the workers from ingestion, so further ones get 429.
 */
const kMaxConcurrentQueries = 2;
/** The HTTP API returns at most this many events per request. */
const kMaxHttpLimit = 10_000;
let queriesRunning = 0;

/** GET /api/v1/events: validates, then searches in the worker pool. */
export async function searchEvents(
  params: URLSearchParams, config: ResolvedConfig, pool: Piscina,
  counters: Counters,
): Promise<{ status: number; body: string }> {
  if (queriesRunning >= kMaxConcurrentQueries) {
    counters.addGlobal(GlobalCounter.queriesRefused, 1);
    return {
      status: 429,
      body: JSON.stringify({ error: { code: codes.queryBusy, message:
        `${kMaxConcurrentQueries} searches are running; retry shortly` } }),
    };
  }
  let q;
  try {
    q = eventQuery(params, config);
  } catch (err) {
    const e = err as SluiceError;
    return {
      status: 400,
      body: JSON.stringify({ error: { code: e.code, message: e.message } }),
    };
  }
  queriesRunning++;
  let body: string;
  try {
    body = await pool.run(q, { name: 'query' }) as string;
  } finally {
    queriesRunning--;
  }
  const status = body.startsWith('{"error"') ?
    (body.includes(codes.queryInvalid) ? 400 : 500) : 200;
  return { status, body };
}

/** Query parameters of GET /api/v1/events; others are refused. */
const kEventParams = new Set(['tenant', 'from', 'to', 'host', 'app',
  'category', 'min_score', 'contains', 'limit']);

function eventQuery(
  params: URLSearchParams, config: ResolvedConfig,
): QueryOptions {
  for (const key of params.keys()) {
    if (!kEventParams.has(key)) {
      throw new SluiceError(codes.queryInvalid, `${key}: unknown ` +
        `parameter; known: ${[...kEventParams].join(', ')}`);
    }
    if (params.getAll(key).length > 1) {
      throw new SluiceError(codes.queryInvalid,
        `${key}: given more than once`);
    }
  }
  const tenant = params.get('tenant');
  if (tenant === null || !config.tenants.some((t) => t.name === tenant)) {
    throw new SluiceError(codes.queryInvalid,
      `tenant: "${tenant ?? ''}" is not a configured tenant`);
  }
  const num = (key: string, max: number): number | undefined => {
    const v = params.get(key);
    if (v === null || v === '') return undefined;
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    if (!(n <= max)) {
      throw new SluiceError(codes.queryInvalid,
        `${key}: "${v}" is not a whole number from 0 to ${max}`);
    }
    return n;
  };
  const time = (key: string): number | undefined => {
    const v = params.get(key);
    if (v === null || v === '') return undefined;
    // A time without a zone would be read as the server's local time.
    const zoned = /^\d{4}-\d\d-\d\d(T.*(Z|[+-]\d\d:?\d\d))?$/i.test(v);
    const n = /^\d+$/.test(v) ? Number(v) : zoned ? Date.parse(v) : NaN;
    if (Number.isNaN(n)) {
      throw new SluiceError(codes.queryInvalid, `${key}: "${v}" is not ` +
        'an ISO 8601 time with a zone (Z or +hh:mm) or ms since the epoch');
    }
    return n;
  };
  const str = (key: string): string | undefined =>
    params.get(key) ?? undefined;

  return {
    dataDir: config.dataDir,
    tenant,
    from: time('from'),
    to: time('to'),
    host: str('host'),
    app: str('app'),
    category: str('category'),
    minScore: num('min_score', 100),
    contains: str('contains'),
    limit: num('limit', kMaxHttpLimit),
  };
}
