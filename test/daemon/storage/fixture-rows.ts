import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockBuilder } from '../../../workers/encode/columns.js';
import {
  createMessage,
  Format,
  ParseStatus,
} from '../../../workers/parse/message.js';
import { Transport, type EventRow } from '../../../workers/encode/row.js';
import { SegmentStore } from '../../../daemon/storage/segment-writer.js';

/** Shared rows for the storage tests; not a test file itself. */

export const kHour = 3_600_000;
export const kHour10 = Date.UTC(2024, 4, 1, 10);

export interface RowSpec {
  time?: number;
  received?: number;
  line?: string;
  host?: string | undefined;
  app?: string | undefined;
  message?: string;
  category?: string;
  score?: number;
}

export function makeRow(spec: RowSpec = {}): EventRow {
  const time = 'time' in spec ? spec.time! : kHour10 + 60_000;
  const host = 'host' in spec ? spec.host : 'fw-01';
  const app = 'app' in spec ? spec.app : 'sshd';
  const message = spec.message ?? 'Failed password for root';
  const stamp = Number.isNaN(time) ? '-' : new Date(time).toISOString();
  const line = spec.line ?? `<38>1 ${stamp} ${host} ${app} 77 - - ${message}`;
  const original = Buffer.from(line);

  const parsed = createMessage();
  parsed.format = Format.rfc5424;
  parsed.status = ParseStatus.ok;
  parsed.timestamp = time;
  parsed.priority = 38;
  parsed.version = 1;
  parsed.hostname = host;
  parsed.appname = app;
  parsed.procid = '77';
  parsed.message = message;

  return {
    received: spec.received ?? (Number.isNaN(time) ? kHour10 : time) + 5,
    original,
    hash: createHash('sha256').update(original).digest(),
    parsed,
    sourceAddress: '198.51.100.7',
    sourcePort: 40001,
    transport: Transport.udp,
    listener: 'udp-514',
    category: spec.category ?? 'authentication',
    eventType: 'info',
    riskScore: spec.score ?? 10,
    flags: 0,
  };
}

export function encode(rows: EventRow[]): Buffer {
  const b = new BlockBuilder();
  for (const r of rows) b.append(r);
  return b.encode();
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-storage-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes blocks of rows for one tenant and hour, then closes the store. */
export async function store(
  dataDir: string,
  tenant: string,
  hour: number,
  blocks: EventRow[][],
): Promise<void> {
  const s = new SegmentStore({ dataDir });
  for (const rows of blocks) s.append(tenant, hour, encode(rows));
  await s.close();
}
