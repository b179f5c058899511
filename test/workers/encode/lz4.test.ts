import { uncompressSync } from 'lz4-napi';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compressColumn, compressColumnPortable, lz4Implementation,
} from '../../../workers/encode/lz4.js';

const text = Buffer.from(Array.from({ length: 2000 }, (_, i) =>
  `<134>1 2024-05-14T00:00:${String(i % 60).padStart(2, '0')}Z fw-1 ` +
  `filterlog - - - 5,,,1000000103,igb0,match,block,in,4,0x0\n`).join(''));

test('the build compresses with liblz4', () => {
  assert.is(lz4Implementation, 'liblz4');
});

for (const [name, raw] of [
  ['syslog text', text],
  ['empty', Buffer.alloc(0)],
  ['incompressible', Buffer.from(Array.from({ length: 4096 },
    (_, i) => (i * 2654435761) >>> 24))],
] as const) {
  test(`${name}: lz4-napi reads what compressColumn writes`, () => {
    const stored = compressColumn(raw);
    assert.is(stored.readUInt32LE(0), raw.length, 'raw length prefix');
    assert.ok(uncompressSync(stored).equals(raw));
    assert.ok(uncompressSync(compressColumnPortable(raw)).equals(raw));
  });
}

test('syslog text shrinks about as much with either compressor', () => {
  const native = compressColumn(text).length;
  const portable = compressColumnPortable(text).length;
  assert.ok(native < text.length / 3, `ratio ${text.length / native}`);
  assert.ok(Math.abs(native - portable) / portable < 0.1);
});

test.run();
