import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CorpusGenerator, corpusStats, generateCorpus, kSourceNames, Prng,
  readCorpusFile, writeCorpus,
} from '../../loadtest/corpus.js';

// Pinned so a change to the generator, which would make figures measured
// before and after it incomparable, cannot go unnoticed.
const kFirstLine = '<4>Mar 11 08:00:00 cache-a.prod.example.com kernel: ' +
  '[9172350.845245] [UFW BLOCK] IN=ens18 OUT= ' +
  'MAC=50:1c:20:9f:05:9b:ab:7f:25:05:0f:b8:da:6c SRC=192.0.2.192 ' +
  'DST=10.22.106.3 LEN=1193 TOS=0x00 PREC=0x00 TTL=69 ID=12347 DF ' +
  'PROTO=TCP SPT=10988 DPT=161 WINDOW=25887 RES=0x00 SYN URGP=0';
const kFirst1000Sha256 =
  'c190b315c585374c9a7ad8d7149c32ca488828095c99c6b35ca2364449d43e8a';

const kRfc5424Line =
  /^<\d{1,3}>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ \S+ \S+ \S+ /;
const kRfc3164Line = /^<\d{1,3}>[A-Z][a-z]{2} [ \d]\d (\d{4} )?\d\d:\d\d:\d\d /;

test('Prng yields the pinned sequence for a seed', () => {
  const rng = new Prng(1);
  assert.equal(
    [rng.next(), rng.next(), rng.next()],
    [0.5883937727194279, 0.07318899407982826, 0.59031065646559]);
});

test('Prng.int stays within its inclusive bounds and reaches both', () => {
  const rng = new Prng(42);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(rng.int(3, 6));
  assert.equal([...seen].sort(), [3, 4, 5, 6]);
});

test('the default corpus starts with the pinned lines', () => {
  const lines = generateCorpus(1000);
  assert.is(lines[0], kFirstLine);
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex');
  assert.is(digest, kFirst1000Sha256);
});

test('the same seed gives the same lines, another seed others', () => {
  assert.equal(
    generateCorpus(500, { seed: 9 }), generateCorpus(500, { seed: 9 }));
  const a = generateCorpus(50, { seed: 9 });
  const b = generateCorpus(50, { seed: 10 });
  assert.is(a.filter((line, i) => line === b[i]).length, 0);
});

test('a corpus mixes every source, ~30% RFC 5424, ~500 bytes a line', () => {
  const gen = new CorpusGenerator();
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(gen.next());
  const stats = corpusStats(lines);
  assert.ok(stats.rfc5424Share > 0.28 && stats.rfc5424Share < 0.32,
    `RFC 5424 share ${stats.rfc5424Share}`);
  assert.ok(stats.averageBytes > 470 && stats.averageBytes < 530,
    `average ${stats.averageBytes}`);
  assert.equal(Object.keys(gen.counts), [...kSourceNames]);
  for (const name of kSourceNames) {
    assert.ok(gen.counts[name] > 200, `${name}: ${gen.counts[name]}`);
  }
  assert.is(Object.values(gen.counts).reduce((a, b) => a + b, 0), 20_000);
});

test('every line has a header of one of the two formats and no LF', () => {
  for (const line of generateCorpus(5000, { seed: 3 })) {
    assert.ok(kRfc5424Line.test(line) || kRfc3164Line.test(line), line);
    assert.not.ok(/[\r\n]/.test(line), line);
    const pri = Number(line.slice(1, line.indexOf('>')));
    assert.ok(pri >= 0 && pri <= 191, line);
  }
});

test('rfc5424Share 0 and 1 give only one format', () => {
  assert.is(corpusStats(generateCorpus(300, { rfc5424Share: 0 }))
    .rfc5424Share, 0);
  assert.is(corpusStats(generateCorpus(300, { rfc5424Share: 1 }))
    .rfc5424Share, 1);
});

test('corpusStats counts bytes with one LF per line', () => {
  const stats = corpusStats([
    '<13>1 2024-03-11T08:00:00.000Z h a - - - hi',
    Buffer.from('<13>Mar 11 08:00:00 h a: é'),
    '<13>10 not a version',
  ]);
  assert.equal(stats, {
    lines: 3,
    bytes: 43 + 27 + 20 + 3,
    averageBytes: 31,
    minBytes: 20,
    maxBytes: 43,
    rfc5424Share: 1 / 3,
  });
});

test('readCorpusFile splits on LF, drops CR and empty lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-corpus-'));
  try {
    const file = join(dir, 'c.log');
    writeFileSync(file, 'one\r\ntwo\n\n\nthree');
    const lines = readCorpusFile(file).map((b) => b.toString());
    assert.equal(lines, ['one', 'two', 'three']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeCorpus writes the generated lines and their stats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-corpus-'));
  try {
    const file = join(dir, 'c.log');
    const stats = writeCorpus(file, 12_345, { seed: 5 });
    const lines = generateCorpus(12_345, { seed: 5 });
    assert.is(readFileSync(file, 'utf8'), lines.join('\n') + '\n');
    const { sources, ...rest } = stats;
    assert.equal(rest, corpusStats(lines));
    assert.is(Object.values(sources).reduce((a, b) => a + b, 0), 12_345);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
