import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameDecoder } from '../../../daemon/listeners/framing.js';

interface Seen { text: string; flags: number }

function decoder(max = 64, accept: () => boolean = () => true) {
  const seen: Seen[] = [];
  const d = new FrameDecoder(max, (buf, start, end, flags) => {
    if (!accept()) return false;
    seen.push({ text: buf.toString('latin1', start, end), flags });
    return true;
  });
  return { d, seen, texts: () => seen.map((s) => s.text) };
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('LF framing: many frames in one read, CR and NUL trimmed', () => {
  const { d, texts } = decoder();
  d.push(b('<13>one\n<13>two\r\n<13>three\0\n'));
  assert.equal(texts(), ['<13>one', '<13>two', '<13>three']);
});

test('LF framing: a frame split across reads', () => {
  const { d, texts } = decoder();
  d.push(b('<13>sp'));
  d.push(b('lit across'));
  assert.equal(texts(), []);
  d.push(b(' reads\n<13>n'));
  d.push(b('ext\n'));
  assert.equal(texts(), ['<13>split across reads', '<13>next']);
});

test('octet counting: frames, split header and split body', () => {
  const { d, texts } = decoder();
  d.push(b('9 <13>hello11 <13>wo'));
  d.push(b('rld!!1'));
  d.push(b('0 <13>tenth!'));
  assert.equal(texts(), ['<13>hello', '<13>world!!', '<13>tenth!']);
});

test('octet counting drops a trailing LF counted into MSG-LEN', () => {
  const { d, texts } = decoder();
  d.push(b('10 <13>hello\n8 <13>a\r\n\0'));
  assert.equal(texts(), ['<13>hello', '<13>a']);
});

test('octet counting keeps LF and spaces inside the frame', () => {
  const { d, texts } = decoder();
  d.push(b('14 <13>two\nlines 7 <13>end'));
  assert.equal(texts(), ['<13>two\nlines ', '<13>end']);
});

test('framing is decided per frame: a sender may mix both', () => {
  const { d, texts } = decoder();
  d.push(b('<13>lf one\n9 <13>octet<13>lf two\n'));
  assert.equal(texts(), ['<13>lf one', '<13>octet', '<13>lf two']);
});

test('digits without a following space are LF framing', () => {
  const { d, texts } = decoder();
  d.push(b('2024-01-01 plain line\n'));
  assert.equal(texts(), ['2024-01-01 plain line']);
});

test('an over-long LF frame is cut, flagged, and the rest skipped', () => {
  const { d, seen } = decoder(8);
  d.push(b('<13>abcdefgh'));
  d.push(b('ijkl\n<13>ok\n'));
  assert.equal(seen, [
    { text: '<13>abcd', flags: 1 },
    { text: '<13>ok', flags: 0 },
  ]);
});

test('an over-long counted frame is cut, flagged, and the rest skipped', () => {
  const { d, seen } = decoder(8);
  d.push(b('12 <13>abcdef'));
  d.push(b('gh6 <13>ok'));
  assert.equal(seen, [
    { text: '<13>abcd', flags: 1 },
    { text: '<13>ok', flags: 0 },
  ]);
});

test('end of stream: a last line without LF is a complete frame', () => {
  const { d, seen } = decoder();
  d.push(b('<13>a\n<13>no trailer'));
  assert.ok(d.end());
  assert.equal(seen.map((s) => [s.text, s.flags]),
    [['<13>a', 0], ['<13>no trailer', 0]]);
});

test('end of stream: a short counted frame is kept and flagged', () => {
  const { d, seen } = decoder();
  d.push(b('20 <13>short'));
  assert.ok(d.end());
  assert.equal(seen, [{ text: '<13>short', flags: 2 }]);
});

test('a sink that pushes back keeps the frame until drain', () => {
  let open = false;
  const { d, texts } = decoder(64, () => open);
  assert.is(d.push(b('<13>one\n<13>two\n')), false);
  assert.equal(texts(), []);
  assert.is(d.pendingBytes, 16);
  open = true;
  assert.ok(d.drain());
  assert.equal(texts(), ['<13>one', '<13>two']);
  assert.is(d.pendingBytes, 0);
});

test('push back in the middle of a read resumes at the right frame', () => {
  let budget = 1;
  const { d, texts } = decoder(64, () => budget-- > 0);
  assert.is(d.push(b('<13>one\n5 <13>2<13>three\n')), false);
  assert.equal(texts(), ['<13>one']);
  budget = 10;
  assert.ok(d.drain());
  assert.equal(texts(), ['<13>one', '<13>2', '<13>three']);
});

// A stream mixing both framings, an over-long frame of each kind, stray
// separators and a multi-byte character, split at every pair of points.
const kMixed = b('<13>first\n14 <13>counted\nX\r\n\0\n<13>' + 'x'.repeat(80) +
  '\n90 <13>' + 'y'.repeat(86) + '<13>caf\xc3\xa9\n3 abc<13>last\n');

function whole(max: number): Seen[] {
  const { d, seen } = decoder(max);
  d.push(kMixed);
  return seen;
}

test('a frame straddling reads decodes the same wherever reads split', () => {
  const expected = whole(64);
  assert.is(expected.length, 7);
  for (let i = 1; i < kMixed.length; i++) {
    for (let j = i; j < kMixed.length; j++) {
      const { d, seen } = decoder(64);
      d.push(kMixed.subarray(0, i));
      d.push(kMixed.subarray(i, j));
      d.push(kMixed.subarray(j));
      assert.equal(seen, expected, `split at ${i} and ${j}`);
      assert.is(d.pendingBytes, 0);
    }
  }
});

test('push back on a straddling frame keeps the rest of the read', () => {
  const expected = whole(64);
  for (let i = 1; i < kMixed.length; i++) {
    let budget = 1;
    const { d, seen } = decoder(64, () => budget-- > 0);
    d.push(kMixed.subarray(0, i));
    const took = seen.length;
    budget = 0;
    if (d.push(kMixed.subarray(i))) continue;
    assert.is(seen.length, took);
    budget = 100;
    assert.ok(d.drain(), `drain after split at ${i}`);
    assert.equal(seen, expected, `split at ${i}`);
  }
});

test.run();
