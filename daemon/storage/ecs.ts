import { RowFlag, Transport } from '../../workers/encode/row.js';
import { formatNames, statusNames } from '../../workers/parse/message.js';
import { parseStructuredData } from '../../workers/parse/structured-data.js';
import { ColumnId, kHashBytes } from '../../workers/encode/format.js';
import type { DecodedBlock } from './segment-reader.js';

/**
 * One stored event as an Elastic Common Schema document, nested the way
 * ECS JSON documents are. A field the message did not carry is absent.
 */
/** The ECS release whose field names and types the events follow. */
export const kEcsVersion = '8.11.0';

export interface EcsEvent {
  '@timestamp': string;
  ecs?: { version: string };
  message?: string;
  event: {
    created: string;
    original: string;
    hash: string;
    category?: string[];
    type?: string[];
    risk_score: number;
  };
  log?: {
    syslog?: EcsSyslog;
    source?: { address: string };
  };
  network?: { transport: 'udp' | 'tcp' };
  tls?: { established: true };
  sluice: {
    tenant: string;
    listener?: string;
    parse_status: 'ok' | 'error' | 'partial';
    /** The raw frame, when it is not valid UTF-8 (see toEcs). */
    original_base64?: string;
    format: 'rfc5424' | 'rfc3164' | 'unknown';
    truncated?: true;
    incomplete?: true;
  };
}

export interface EcsSyslog {
  priority?: number;
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  version?: string;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structured_data?: Record<string, Record<string, string>>;
}

/** RFC 5424 6.2.1 table 1, with the keywords syslog.conf uses. */
export const facilityNames = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console',
  'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4',
  'local5', 'local6', 'local7',
] as const;

/** RFC 5424 6.2.1 table 2, lower case as ECS examples write them. */
export const severityNames = [
  'emergency', 'alert', 'critical', 'error', 'warning', 'notice',
  'informational', 'debug',
] as const;

const kMaxPriority = 191;
const kReplacement = '\ufffd';

/** Builds the ECS document of row `row` of a block of `tenant`. */
export function toEcs(b: DecodedBlock, row: number, tenant: string): EcsEvent {
  const eventTime = b.f64(ColumnId.eventTime)[row];
  const received = b.f64(ColumnId.received)[row];
  const time = Number.isNaN(eventTime) ? received : eventTime;
  const original = b.varBytes(ColumnId.original);
  const start = original.starts[row];

  // Keys go in the order a reader expects: time, message, then groups.
  const ev = { '@timestamp': new Date(time).toISOString() } as EcsEvent;
  const message = b.string(ColumnId.message, row);
  if (message !== undefined && message.length > 0) ev.message = message;

  const raw = original.data.subarray(start, start + original.lengths[row]);
  const text = raw.toString('utf8');
  ev.event = {
    created: new Date(received).toISOString(),
    original: text,
    hash: b.bytes32(ColumnId.hash).toString(
      'hex', row * kHashBytes, (row + 1) * kHashBytes),
    risk_score: b.u8(ColumnId.riskScore)[row],
  };
  addCategory(ev, b, row);

  const syslog = syslogFields(b, row);
  const address = sourceAddress(b, row);
  if (syslog !== undefined || address !== undefined) {
    ev.log = {};
    if (syslog !== undefined) ev.log.syslog = syslog;
    if (address !== undefined) ev.log.source = { address };
  }

  addTransport(ev, b.u8(ColumnId.transport)[row]);
  ev.ecs = { version: kEcsVersion };
  ev.sluice = sluiceFields(b, row, tenant);

  // event.original is text; bytes that are not UTF-8 (Latin-1 senders,
  // binary junk) come out as U+FFFD there. The exact frame, which
  // event.hash covers, is then given as well.
  if (text.includes(kReplacement) && !Buffer.from(text).equals(raw)) {
    ev.sluice.original_base64 = raw.toString('base64');
  }
  return ev;
}

function addCategory(ev: EcsEvent, b: DecodedBlock, row: number): void {
  const category = b.string(ColumnId.category, row);
  if (category) ev.event.category = [category];

  const type = b.string(ColumnId.eventType, row);
  if (type) ev.event.type = [type];
}

function addTransport(ev: EcsEvent, transport: number): void {
  if (transport === Transport.udp) ev.network = { transport: 'udp' };
  else if (transport === Transport.tcp) ev.network = { transport: 'tcp' };
  else if (transport === Transport.tls) {
    ev.network = { transport: 'tcp' };
    ev.tls = { established: true };
  }
}

function sluiceFields(
  b: DecodedBlock,
  row: number,
  tenant: string,
): EcsEvent['sluice'] {
  const out: EcsEvent['sluice'] = {
    tenant,
    parse_status: statusNames[b.u8(ColumnId.parseStatus)[row]!] ?? 'error',
    format: formatNames[b.u8(ColumnId.format)[row]!] ?? 'unknown',
  };

  const listener = b.string(ColumnId.listener, row);
  if (listener) out.listener = listener;

  const flags = b.u8(ColumnId.flags)[row];
  if ((flags & RowFlag.truncated) !== 0) out.truncated = true;
  if ((flags & RowFlag.incomplete) !== 0) out.incomplete = true;
  return out;
}

function syslogFields(b: DecodedBlock, row: number): EcsSyslog | undefined {
  const out: EcsSyslog = {};
  let any = false;

  // RFC 5424 6.2.1: PRI = facility * 8 + severity.
  const priority = b.i16(ColumnId.priority)[row];
  if (priority >= 0 && priority <= kMaxPriority) {
    const facility = priority >> 3;
    const severity = priority & 7;
    out.priority = priority;
    out.facility = { code: facility, name: facilityNames[facility] };
    out.severity = { code: severity, name: severityNames[severity] };
    any = true;
  }

  const version = b.i16(ColumnId.version)[row];
  if (version >= 0) {
    out.version = String(version);
    any = true;
  }

  for (const [key, id] of kSyslogStrings) {
    const v = b.string(id, row);
    if (v === undefined) continue;
    out[key] = v;
    any = true;
  }

  const sd = b.string(ColumnId.structuredData, row);
  const parsed = sd === undefined ? undefined : parseStructuredData(sd);
  if (parsed !== undefined) {
    out.structured_data = parsed;
    any = true;
  }
  return any ? out : undefined;
}

const kSyslogStrings = [
  ['hostname', ColumnId.hostname],
  ['appname', ColumnId.appname],
  ['procid', ColumnId.procid],
  ['msgid', ColumnId.msgid],
] as const;

/** "ip:port" as Filebeat writes it, with IPv6 in brackets. */
function sourceAddress(b: DecodedBlock, row: number): string | undefined {
  const ip = b.string(ColumnId.sourceAddress, row);
  if (!ip) return undefined;

  const port = b.u16(ColumnId.sourcePort)[row];
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
