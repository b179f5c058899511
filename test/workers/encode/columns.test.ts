import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { BlockBuilder, blockCrc } from '../../../workers/encode/columns.js';
import { crc32, crc32Table } from '../../../workers/encode/crc32.js';
import {
  ColumnId,
  kAbsent,
  kBlockCrcOffset,
  kBlockHeaderBytes,
  kBlockMagic,
} from '../../../workers/encode/format.js';
import {
  createMessage,
  Format,
  ParseStatus,
} from '../../../workers/parse/message.js';
import { Transport, type EventRow } from '../../../workers/encode/row.js';
import { DecodedBlock } from '../../../daemon/storage/segment-reader.js';

const kReceived = Date.UTC(2024, 4, 1, 10, 15, 0, 250);

function row(): EventRow {
  const original = Buffer.from(
    '<34>1 2024-05-01T10:15:00.000Z fw-01 sshd 4021 AUTH - Failed password',
  );
  const parsed = createMessage();
  parsed.format = Format.rfc5424;
  parsed.timestamp = Date.UTC(2024, 4, 1, 10, 15);
  parsed.priority = 34;
  parsed.version = 1;
  parsed.hostname = 'fw-01';
  parsed.appname = 'sshd';
  parsed.procid = '4021';
  parsed.msgid = 'AUTH';
  parsed.message = 'Failed password';
  return {
    received: kReceived,
    original,
    hash: createHash('sha256').update(original).digest(),
    parsed,
    sourceAddress: '192.0.2.10',
    sourcePort: 51514,
    transport: Transport.tcp,
    listener: 'tcp-main',
    category: 'authentication',
    eventType: 'start',
    riskScore: 47,
    flags: 0,
  };
}

test('a block starts with its magic, length and row count', () => {
  const b = new BlockBuilder();
  b.append(row());
  b.append(row());
  const block = b.encode();

  assert.is(block.readUInt32LE(0), kBlockMagic);
  assert.is(block.readUInt32LE(4), block.length);
  assert.is(block.readUInt32LE(8), 2);
  assert.is(block.readUInt16LE(12), 22);
  assert.is(block.byteOffset, 0);
  assert.is(block.buffer.byteLength, block.length);
  assert.is(block.readUInt32LE(kBlockCrcOffset), blockCrc(block));
});

test('every column reads back as written', () => {
  const b = new BlockBuilder();
  const r = row();
  b.append(r);
  const d = DecodedBlock.from(b.encode());

  assert.is(d.rowCount, 1);
  assert.is(d.f64(ColumnId.eventTime)[0], Date.UTC(2024, 4, 1, 10, 15));
  assert.is(d.f64(ColumnId.received)[0], kReceived);
  assert.is(d.string(ColumnId.original, 0), r.original.toString());
  assert.is(d.bytes32(ColumnId.hash).toString('hex'),
    Buffer.from(r.hash).toString('hex'));
  assert.is(d.string(ColumnId.message, 0), 'Failed password');
  assert.is(d.i16(ColumnId.priority)[0], 34);
  assert.is(d.i16(ColumnId.version)[0], 1);
  assert.is(d.string(ColumnId.hostname, 0), 'fw-01');
  assert.is(d.string(ColumnId.appname, 0), 'sshd');
  assert.is(d.string(ColumnId.procid, 0), '4021');
  assert.is(d.string(ColumnId.msgid, 0), 'AUTH');
  assert.is(d.string(ColumnId.structuredData, 0), undefined);
  assert.is(d.string(ColumnId.sourceAddress, 0), '192.0.2.10');
  assert.is(d.u16(ColumnId.sourcePort)[0], 51514);
  assert.is(d.u8(ColumnId.transport)[0], Transport.tcp);
  assert.is(d.string(ColumnId.listener, 0), 'tcp-main');
  assert.is(d.string(ColumnId.category, 0), 'authentication');
  assert.is(d.string(ColumnId.eventType, 0), 'start');
  assert.is(d.u8(ColumnId.riskScore)[0], 47);
  assert.is(d.u8(ColumnId.parseStatus)[0], ParseStatus.ok);
  assert.is(d.u8(ColumnId.format)[0], Format.rfc5424);
  assert.is(d.u8(ColumnId.flags)[0], 0);
});

test('absent and empty strings stay distinct', () => {
  const b = new BlockBuilder();
  const r = row();
  r.parsed.hostname = '';
  r.parsed.appname = undefined;
  r.parsed.structuredData = '';
  b.append(r);
  r.parsed.hostname = undefined;
  r.parsed.appname = '';
  r.parsed.structuredData = undefined;
  b.append(r);
  const d = DecodedBlock.from(b.encode());

  assert.is(d.string(ColumnId.hostname, 0), '');
  assert.is(d.string(ColumnId.hostname, 1), undefined);
  assert.is(d.string(ColumnId.appname, 0), undefined);
  assert.is(d.string(ColumnId.appname, 1), '');
  assert.is(d.varBytes(ColumnId.structuredData).lengths[0], 0);
  assert.is(d.varBytes(ColumnId.structuredData).lengths[1], kAbsent);
});

test('non-ASCII text, long text and an absent time survive', () => {
  const b = new BlockBuilder();
  const r = row();
  r.parsed.timestamp = NaN;
  r.parsed.hostname = 'hôte-é';
  r.parsed.message = 'Zugriff verweigert für Benutzer » ' + 'x'.repeat(5000);
  r.parsed.priority = -1;
  r.parsed.version = -1;
  b.append(r);
  const d = DecodedBlock.from(b.encode());

  assert.ok(Number.isNaN(d.f64(ColumnId.eventTime)[0]));
  assert.is(d.string(ColumnId.hostname, 0), 'hôte-é');
  assert.is(d.string(ColumnId.message, 0), r.parsed.message);
  assert.is(d.i16(ColumnId.priority)[0], -1);
  assert.is(d.i16(ColumnId.version)[0], -1);
  assert.is(d.minTime, kReceived);
  assert.is(d.maxTime, kReceived);
});

test('buffers grow past their first size and reset keeps nothing', () => {
  const b = new BlockBuilder();
  const r = row();
  for (let i = 0; i < 3000; i++) {
    r.parsed.procid = String(i);
    r.parsed.timestamp = Date.UTC(2024, 4, 1, 10) + i;
    b.append(r);
  }
  assert.is(b.rowCount, 3000);
  const d = DecodedBlock.from(b.encode());

  assert.is(d.rowCount, 3000);
  assert.is(d.string(ColumnId.procid, 0), '0');
  assert.is(d.string(ColumnId.procid, 2999), '2999');
  assert.is(d.string(ColumnId.original, 2999), r.original.toString());
  assert.is(d.minTime, Date.UTC(2024, 4, 1, 10));
  assert.is(d.maxTime, Date.UTC(2024, 4, 1, 10) + 2999);

  b.reset();
  assert.is(b.rowCount, 0);
  assert.is(b.byteLength, 0);
  b.append(row());
  const again = DecodedBlock.from(b.encode());
  assert.is(again.rowCount, 1);
  assert.is(again.string(ColumnId.procid, 0), '4021');
});

test('a message that ends the frame is stored as a reference', () => {
  const b = new BlockBuilder();
  const r = row();
  b.append(r);
  r.parsed.message = 'not the tail';
  b.append(r);
  r.original = Buffer.from('<13>Jan  1 00:00:00 h app: caf\u00e9 \u00fcber');
  r.parsed.message = 'caf\u00e9 \u00fcber';
  b.append(r);
  const block = b.encode();
  const d = DecodedBlock.from(block);

  assert.is(d.string(ColumnId.message, 0), 'Failed password');
  assert.is(d.string(ColumnId.message, 1), 'not the tail');
  assert.is(d.string(ColumnId.message, 2), 'caf\u00e9 \u00fcber');
  const raw = d.varBytes(ColumnId.message);
  assert.equal([...raw.lengths], [15, 12, 11]);
  assert.is(raw.data.toString(), 'Failed passwordnot the tailcaf\u00e9 \u00fcber');

  // Stored: three u32 lengths and only the 12 bytes that are no tail.
  const dirAt = kBlockHeaderBytes + 4 * 12;
  assert.is(block[dirAt], ColumnId.message);
  assert.is(block.readUInt32LE(dirAt + 4), 3 * 4 + 12);
});

test('an empty builder refuses to encode', () => {
  assert.throws(() => new BlockBuilder().encode(), /empty block/);
});

test('a flipped payload byte fails the block CRC', () => {
  const b = new BlockBuilder();
  b.append(row());
  const block = b.encode();
  block[block.length - 3] ^= 0xff;

  try {
    DecodedBlock.from(block);
    assert.unreachable('decoded a damaged block');
  } catch (err) {
    assert.is((err as { code: string }).code, 'SLUICE_ERR_STORAGE_CORRUPT');
    assert.match((err as Error).message, /bad block CRC/);
  }
});

test('the CRC-32 matches the standard check value both ways', () => {
  const check = Buffer.from('123456789');
  assert.is(crc32(check), 0xcbf43926);
  assert.is(crc32Table(check), 0xcbf43926);

  const data = Buffer.from(row().original);
  const split = crc32Table(data.subarray(10), crc32Table(data.subarray(0, 10)));
  assert.is(split, crc32(data));
  assert.is(kBlockHeaderBytes, 36);
});

test('a message tail given by the caller encodes the same block', () => {
  const r = row();
  const tail = Buffer.byteLength(r.parsed.message);
  const plain = new BlockBuilder();
  const hinted = new BlockBuilder();
  for (let i = 0; i < 300; i++) {
    plain.append(r);
    hinted.append(r, tail);
  }
  assert.is(hinted.byteLength, plain.byteLength);
  assert.equal(hinted.encode(), plain.encode());
});

test.run();
