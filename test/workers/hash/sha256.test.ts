import { hash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cryptoBatch, hashImplementation, sha256Batch,
} from '../../../workers/hash/sha256.js';

const text = '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ' +
  "ID47 - 'su root' failed for lonvick on /dev/pts/8";

function frames() {
  const data = new Uint8Array(new SharedArrayBuffer(1024));
  const bytes = Buffer.from(text);
  data.set(bytes, 8);
  data.set(bytes.subarray(0, 10), 300);
  return {
    data,
    starts: Int32Array.of(8, 300, 500),
    lengths: Int32Array.of(bytes.length, 10, 0),
  };
}

const expected = [
  hash('sha256', text),
  hash('sha256', text.slice(0, 10)),
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
];

test('the build has the native batch hasher', () => {
  assert.is(hashImplementation, 'native');
});

for (const [name, fn] of [['sha256Batch', sha256Batch],
  ['cryptoBatch', cryptoBatch]] as const) {
  test(`${name} hashes frames of shared memory exactly like node:crypto`,
    () => {
      const { data, starts, lengths } = frames();
      const out = new Uint8Array(3 * 32);
      fn(data, starts, lengths, 3, out);
      const hex = [0, 1, 2].map((i) =>
        Buffer.from(out.subarray(i * 32, i * 32 + 32)).toString('hex'));
      assert.equal(hex, expected);
    });
}

test('sha256Batch refuses ranges outside the data', () => {
  const { data } = frames();
  const out = new Uint8Array(32);
  assert.throws(() => sha256Batch(data, Int32Array.of(1000),
    Int32Array.of(100), 1, out), /outside data/);
  assert.throws(() => sha256Batch(data, Int32Array.of(0),
    Int32Array.of(1), 2, out), /count exceeds/);
});

test.run();
