import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { codes, SluiceError } from './errors.js';
import { schemaPath } from './paths.js';
import { kRecordHeaderBytes } from './ring.js';

/** The configuration as a user writes it (YAML or JSON, snake_case). */
export interface Options {
  data_dir?: string;
  max_message_bytes?: number;
  log_level?: LogLevel;
  listeners?: ListenerOptions[];
  http?: { host?: string; port?: number };
  tenants?: TenantOptions[];
  storage?: {
    fsync_interval_ms?: number;
    idle_close_ms?: number;
    max_open_segments?: number;
  };
  pipeline?: {
    workers?: number;
    ring_bytes?: number;
    batch_max_messages?: number;
    batch_max_delay_ms?: number;
  };
  rules?: string;
}

export type LogLevel =
  'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ListenerOptions {
  name: string;
  protocol: 'udp' | 'tcp' | 'tls';
  host?: string;
  port: number;
  tenant?: string;
  tls?: { cert: string; key: string; ca: string; min_version?: TlsVersion };
  receive_buffer_bytes?: number;
  max_connections?: number;
}

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface TenantOptions {
  name: string;
  sources?: string[];
  certificate_subjects?: string[];
}

export interface ResolvedListener {
  name: string;
  protocol: 'udp' | 'tcp' | 'tls';
  host: string;
  port: number;
  /** Index into `ResolvedConfig.tenants`, or -1 to map by source. */
  tenant: number;
  tls: {
    cert: string; key: string; ca: string; minVersion: TlsVersion;
  } | undefined;
  receiveBufferBytes: number;
  /** TCP and TLS: connections beyond this are closed and counted. */
  maxConnections: number;
}

export interface ResolvedTenant {
  name: string;
  sources: Array<{ address: string; prefix: number; family: 4 | 6 }>;
  /** Each subject is a set of attribute=value pairs that must all match. */
  certificateSubjects: Array<Record<string, string>>;
}

export interface ResolvedConfig {
  dataDir: string;
  maxMessageBytes: number;
  logLevel: LogLevel;
  listeners: ResolvedListener[];
  http: { host: string; port: number };
  tenants: ResolvedTenant[];
  storage: {
    fsyncIntervalMs: number;
    idleCloseMs: number;
    maxOpenSegments: number;
  };
  pipeline: {
    workers: number;
    ringBytes: number;
    batchMaxMessages: number;
    batchMaxDelayMs: number;
  };
  rulesPath: string | undefined;
}

const kDefaults = {
  data_dir: './data',
  max_message_bytes: 64 * 1024,
  log_level: 'info',
  listeners: [
    { name: 'syslog-udp', protocol: 'udp', host: '127.0.0.1', port: 5514 },
    { name: 'syslog-tcp', protocol: 'tcp', host: '127.0.0.1', port: 5514 },
    {
      name: 'syslog-tls', protocol: 'tls', host: '127.0.0.1', port: 6514,
      tls: {
        cert: '.dev/server.pem', key: '.dev/server-key.pem', ca: '.dev/ca.pem',
      },
    },
  ],
  http: { host: '127.0.0.1', port: 9514 },
  tenants: [{
    name: 'default',
    sources: ['127.0.0.0/8', '::1/128'],
    certificate_subjects: ['CN=sluice-dev-collector'],
  }],
  storage: {
    fsync_interval_ms: 1000,
    idle_close_ms: 5 * 60 * 1000,
    max_open_segments: 128,
  },
  pipeline: {
    workers: 2,
    ring_bytes: 64 * 1024 * 1024,
    batch_max_messages: 16384,
    batch_max_delay_ms: 20,
  },
} as const satisfies Options;

/** A UDP socket's default receive buffer is too small for bursts. */
const kDefaultReceiveBuffer = 8 * 1024 * 1024;
/**
 * Open connections per TCP or TLS listener. Collectors hold few long
 * connections each; the bound keeps a misbehaving client from taking all
 * of the process's descriptors.
 */
const kDefaultMaxConnections = 1000;

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(options: unknown): void {
  if (validator === undefined) {
    const schema = JSON.parse(
      readFileSync(schemaPath('config.schema.json'), 'utf8'));
    validator = new Ajv({ allErrors: true }).compile(schema);
  }
  if (validator(options)) return;

  const problems = (validator.errors ?? []).map(describe);
  throw new SluiceError(codes.configInvalid,
    `invalid configuration: ${problems.join('; ')}`, { problems });
}

function describe(e: ErrorObject): string {
  const key = e.instancePath === '' ? '(top level)' :
    e.instancePath.slice(1).replaceAll('/', '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string })
      .additionalProperty;
    return `${key === '(top level)' ? '' : key + '.'}${extra}: unknown key`;
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return `${key}: must be one of ${allowed.join(', ')}`;
  }
  return `${key}: ${e.message ?? 'is invalid'}`;
}

/**
 * Reads, validates and resolves a configuration file; without a path the
 * built-in defaults apply with paths relative to the current directory.
 * Throws SluiceError(SLUICE_ERR_CONFIG_*) naming the bad key.
 */
export function loadConfig(path?: string): ResolvedConfig {
  if (path === undefined) return resolveConfig({}, process.cwd());

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SluiceError(codes.configRead,
      `cannot read config file ${path}: ${(err as Error).message}`);
  }

  let options: unknown;
  try {
    options = parseYaml(text) ?? {};
  } catch (err) {
    throw new SluiceError(codes.configInvalid,
      `config file ${path} is not valid YAML or JSON: ` +
      (err as Error).message);
  }
  return resolveConfig(options, dirname(resolve(path)));
}

/**
 * Validates options and fills defaults. Relative paths the user wrote are
 * anchored at `base` (the config file's folder); built-in defaults such
 * as `.dev/server.pem` at `defaultsBase`, the current folder, as when no
 * file is given.
 */
export function resolveConfig(
  options: unknown, base: string, defaultsBase = process.cwd(),
): ResolvedConfig {
  validate(options);
  const o = options as Options;

  const tenants = (o.tenants ?? kDefaults.tenants).map(resolveTenant);
  const names = tenants.map((t) => t.name);
  // Tenants name folders; "Acme" and "acme" would share one on some disks.
  unique(names.map((n) => n.toLowerCase()), 'tenants');

  const listeners = o.listeners === undefined ?
    kDefaults.listeners.map((l, i) =>
      resolveListener(l, i, names, defaultsBase)) :
    o.listeners.map((l, i) => resolveListener(l, i, names, base));
  unique(listeners.map((l) => l.name), 'listeners');
  const http = { ...kDefaults.http, ...o.http };
  checkPorts(listeners, http);

  const storage = { ...kDefaults.storage, ...o.storage };
  const pipeline = { ...kDefaults.pipeline, ...o.pipeline };
  const maxMessageBytes = o.max_message_bytes ?? kDefaults.max_message_bytes;
  checkRingFits(maxMessageBytes, pipeline.ring_bytes);
  return {
    dataDir: o.data_dir === undefined ?
      resolve(defaultsBase, kDefaults.data_dir) : resolve(base, o.data_dir),
    maxMessageBytes,
    logLevel: o.log_level ?? kDefaults.log_level,
    listeners,
    http,
    tenants,
    storage: {
      fsyncIntervalMs: storage.fsync_interval_ms,
      idleCloseMs: storage.idle_close_ms,
      maxOpenSegments: storage.max_open_segments,
    },
    pipeline: {
      workers: pipeline.workers,
      ringBytes: pipeline.ring_bytes,
      batchMaxMessages: pipeline.batch_max_messages,
      batchMaxDelayMs: pipeline.batch_max_delay_ms,
    },
    rulesPath: o.rules === undefined ? undefined : resolve(base, o.rules),
  };
}

function unique(names: string[], key: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new SluiceError(codes.configInvalid,
        `${key}: the name "${name}" is used twice; names must be unique`);
    }
    seen.add(name);
  }
}

/** Share of the ring one batch may take, hence the largest record. */
const kRingShare = 8;

/** A frame the ring cannot hold would stall its connection forever. */
function checkRingFits(maxMessageBytes: number, ringBytes: number): void {
  const most = Math.floor(ringBytes / kRingShare) - kRecordHeaderBytes;
  if (maxMessageBytes <= most) return;
  throw new SluiceError(codes.configInvalid, `max_message_bytes: ` +
    `${maxMessageBytes} does not fit pipeline.ring_bytes ${ringBytes}: at ` +
    `most ring_bytes / ${kRingShare} - ${kRecordHeaderBytes} = ${most}; ` +
    'raise pipeline.ring_bytes or lower max_message_bytes');
}

const kWildcards = new Set(['0.0.0.0', '::', '']);

/**
 * Two sockets on one port fail at bind time, after other listeners have
 * opened; this finds the clash first. TCP and TLS listeners and the HTTP
 * endpoint share the TCP port space, UDP has its own.
 */
function checkPorts(
  listeners: ResolvedListener[], http: { host: string; port: number },
): void {
  const bound = listeners.map((l) => ({
    what: `listeners ${l.name}`, udp: l.protocol === 'udp', host: l.host,
    port: l.port,
  }));
  bound.push({ what: 'http', udp: false, host: http.host, port: http.port });

  for (let i = 0; i < bound.length; i++) {
    for (let j = i + 1; j < bound.length; j++) {
      const a = bound[i]!;
      const b = bound[j]!;
      if (a.port === 0 || a.port !== b.port || a.udp !== b.udp) continue;
      if (a.host !== b.host && !kWildcards.has(a.host) &&
          !kWildcards.has(b.host)) continue;
      throw new SluiceError(codes.configInvalid, `${b.what}: port ` +
        `${b.port} is already taken by ${a.what}; each needs its own`);
    }
  }
}

function resolveListener(
  l: ListenerOptions, i: number, tenants: string[], base: string,
): ResolvedListener {
  const key = `listeners.${i}`;
  if (l.protocol === 'tls' && l.tls === undefined) {
    throw new SluiceError(codes.configInvalid,
      `${key}.tls: a tls listener needs tls.cert, tls.key and tls.ca`);
  }
  if (l.protocol !== 'tls' && l.tls !== undefined) {
    throw new SluiceError(codes.configInvalid,
      `${key}.tls: only a listener with protocol tls takes a tls block`);
  }
  if (l.protocol !== 'udp' && l.receive_buffer_bytes !== undefined) {
    throw new SluiceError(codes.configInvalid, `${key}.receive_buffer_bytes:` +
      ' only a udp listener takes it (TCP has flow control)');
  }
  if (l.protocol === 'udp' && l.max_connections !== undefined) {
    throw new SluiceError(codes.configInvalid,
      `${key}.max_connections: a udp listener has no connections`);
  }

  let tenant = -1;
  if (l.tenant !== undefined) {
    tenant = tenants.indexOf(l.tenant);
    if (tenant < 0) {
      throw new SluiceError(codes.configInvalid,
        `${key}.tenant: "${l.tenant}" is not a configured tenant ` +
        `(known: ${tenants.join(', ') || 'none'})`);
    }
  }

  return {
    name: l.name,
    protocol: l.protocol,
    host: l.host ?? '127.0.0.1',
    port: l.port,
    tenant,
    tls: l.tls === undefined ? undefined : {
      cert: resolve(base, l.tls.cert),
      key: resolve(base, l.tls.key),
      ca: resolve(base, l.tls.ca),
      minVersion: l.tls.min_version ?? 'TLSv1.2',
    },
    receiveBufferBytes: l.receive_buffer_bytes ?? kDefaultReceiveBuffer,
    maxConnections: l.max_connections ?? kDefaultMaxConnections,
  };
}

function resolveTenant(t: TenantOptions, i: number): ResolvedTenant {
  const sources = (t.sources ?? []).map((cidr, j) =>
    parseCidr(cidr, `tenants.${i}.sources.${j}`));
  const certificateSubjects = (t.certificate_subjects ?? []).map((s, j) =>
    parseSubject(s, `tenants.${i}.certificate_subjects.${j}`));
  return { name: t.name, sources, certificateSubjects };
}

function parseCidr(
  cidr: string, key: string,
): { address: string; prefix: number; family: 4 | 6 } {
  const slash = cidr.indexOf('/');
  const address = slash < 0 ? cidr : cidr.slice(0, slash);
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = slash < 0 ? max : Number(cidr.slice(slash + 1));

  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 ||
      prefix > max) {
    throw new SluiceError(codes.configInvalid,
      `${key}: "${cidr}" is not a CIDR block such as 10.0.0.0/8 or ` +
      'fd00::/8');
  }
  return { address, prefix, family: family as 4 | 6 };
}

/** "CN=collector-1, O=Example" -> { CN: 'collector-1', O: 'Example' } */
function parseSubject(text: string, key: string): Record<string, string> {
  const subject: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || value === '') {
      throw new SluiceError(codes.configInvalid,
        `${key}: "${text}" is not a subject such as "CN=collector-1,O=Acme"`);
    }
    subject[name] = value;
  }
  return subject;
}
