/**
 * Syslog parse throughput over a corpus of mixed RFC 3164 / RFC 5424
 * lines, against two baselines: the bare cost of turning each frame
 * into a string (what the worker must pay before parsing) and a
 * straightforward regex parser doing less work than ours.
 *
 *   npx tsx native-bench/parse.bench.ts
 *
 * SLUICE_PARSE_CORPUS names the corpus (default .tmp/corpus-50k.log);
 * when the file is missing a small synthetic one is written there.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Bench } from 'tinybench';

import {
  ParseStatus,
  createMessage,
  type ParsedMessage,
} from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';

const kCorpusPath = process.env.SLUICE_PARSE_CORPUS ?? '.tmp/corpus-50k.log';
const kSyntheticLines = 50_000;
const kBatch = 1000;
const kBenchMs = Number(process.env.SLUICE_BENCH_MS ?? 3000);
const kLf = 0x0a;

/** Vendor fixtures: the hard variants, counted for parse coverage. */
const kFixtureDir = new URL('../test/fixtures/', import.meta.url).pathname;

/** The receive time the year of BSD timestamps is inferred from. */
const kReceivedMs = Date.UTC(2024, 4, 14, 12);

function loadCorpus(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, syntheticCorpus(kSyntheticLines));
    console.log(`wrote ${kSyntheticLines} synthetic lines to ${path}`);
  }
  return readFileSync(path);
}

/** A deterministic mix in the shapes the parser meets most. */
function syntheticCorpus(count: number): string {
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const sec = String(n % 60).padStart(2, '0');
    const pid = 1000 + (n % 5000);
    switch (n % 5) {
      case 0:
        lines.push(`<85>May 14 00:00:${sec} web-${n % 60}.example.com ` +
          `sshd[${pid}]: Failed password for root from 192.0.2.${n % 250} ` +
          `port ${pid * 7} ssh2`);
        break;
      case 1:
        lines.push(`<166>May 14 2024 00:00:${sec} asa-fw01 : %ASA-4-106023: ` +
          `Deny tcp src outside:198.51.100.${n % 250}/${pid} dst ` +
          `inside:10.0.0.5/22 by access-group "OUTSIDE_IN"`);
        break;
      case 2:
        lines.push(`<109>1 2024-05-14T00:00:${sec}.${pid}Z WS0${n % 9}.corp.` +
          `example.com Microsoft-Windows-Security-Auditing ${pid} 4624 ` +
          `[win@32473 EventID="4624" Channel="Security"] EventID=4624 ` +
          `TargetUserName=user${n % 20} IpAddress=10.1.2.${n % 250}`);
        break;
      case 3:
        lines.push(`<133>May 14 00:00:${sec} fgt-dc-01 fortigate: ` +
          `date=2024-05-14 time=00:00:${sec} devname="fgt-dc-01" ` +
          `srcip=10.0.3.${n % 250} dstip=203.0.113.${n % 250} action="deny"`);
        break;
      default:
        lines.push(`<14>1 2024-05-14T00:00:${sec}.123456+02:00 app-1 ` +
          `orders-svc ${pid} app - {"level":"info","msg":"request ` +
          `completed","latency_ms":${n % 400}}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Start offsets of each line, with one extra entry past the last. */
function lineStarts(buf: Buffer): Uint32Array {
  const starts: number[] = [0];
  let i = buf.indexOf(kLf);
  while (i >= 0) {
    starts.push(i + 1);
    i = buf.indexOf(kLf, i + 1);
  }
  if (starts[starts.length - 1] !== buf.length) starts.push(buf.length + 1);
  return Uint32Array.from(starts);
}

const kRe5424 = new RegExp(
  '^<(\\d{1,3})>(\\d{1,2}) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) ' +
  '(-|(?:\\[(?:[^\\]"]|"(?:\\\\.|[^"\\\\])*")*\\])+)(?: (.*))?$', 's');
const kRe3164 = new RegExp(
  '^<(\\d{1,3})>([A-Z][a-z]{2} [ \\d]\\d(?: \\d{4})? \\d\\d:\\d\\d:\\d\\d)' +
  ' (\\S+) (?:([^:\\[\\s]+)(?:\\[([^\\]]*)\\])?: )?(.*)$', 's');

/** The baseline: one regex per grammar and `Date.parse`, as often written. */
function parseWithRegex(text: string, out: ParsedMessage): void {
  let m = kRe5424.exec(text);
  if (m !== null) {
    out.priority = Number(m[1]);
    out.timestamp = m[3] === '-' ? NaN : Date.parse(m[3]);
    out.hostname = m[4];
    out.appname = m[5];
    out.procid = m[6];
    out.msgid = m[7];
    out.structuredData = m[8];
    out.message = m[9] ?? '';
    out.status = ParseStatus.ok;
    return;
  }

  m = kRe3164.exec(text);
  if (m !== null) {
    out.priority = Number(m[1]);
    out.timestamp = Date.parse(`${m[2]} 2024 UTC`);
    out.hostname = m[3];
    out.appname = m[4];
    out.procid = m[5];
    out.message = m[6];
    out.status = ParseStatus.ok;
    return;
  }
  out.status = ParseStatus.error;
  out.message = text;
}

function okShare(
  lines: string[],
  parse: (text: string, out: ParsedMessage) => void,
): number {
  const out = createMessage();
  let ok = 0;
  for (const line of lines) {
    parse(line, out);
    if (out.status === ParseStatus.ok) ok++;
  }
  return ok / lines.length;
}

const corpus = loadCorpus(kCorpusPath);
const starts = lineStarts(corpus);
const count = starts.length - 1;
const lines: string[] = [];
for (let n = 0; n < count; n++) {
  lines.push(corpus.toString('utf8', starts[n], starts[n + 1] - 1));
}
console.log(`corpus ${kCorpusPath}: ${count} lines, ` +
  `${(corpus.length / count).toFixed(1)} bytes per line`);

const out = createMessage();
const outRegex = createMessage();
let cursor = 0;
let sink = 0;

/** Advances through the corpus one batch at a time, wrapping around. */
function nextBatch(): number {
  const first = cursor;
  cursor = cursor + kBatch >= count ? 0 : cursor + kBatch;
  return first;
}

const bench = new Bench({ time: kBenchMs, warmupTime: 500 });
bench
  .add('baseline: decode frame to string', () => {
    const first = nextBatch();
    for (let n = first; n < first + kBatch && n < count; n++) {
      sink += corpus.toString('utf8', starts[n], starts[n + 1] - 1).length;
    }
  })
  .add('baseline: regex parser on strings', () => {
    const first = nextBatch();
    for (let n = first; n < first + kBatch && n < count; n++) {
      parseWithRegex(lines[n], outRegex);
      sink += outRegex.priority;
    }
  })
  .add('parseSyslog on strings', () => {
    const first = nextBatch();
    for (let n = first; n < first + kBatch && n < count; n++) {
      parseSyslog(lines[n], kReceivedMs, out);
      sink += out.priority;
    }
  })
  .add('decode + parseSyslog', () => {
    const first = nextBatch();
    for (let n = first; n < first + kBatch && n < count; n++) {
      const text = corpus.toString('utf8', starts[n], starts[n + 1] - 1);
      parseSyslog(text, kReceivedMs, out);
      sink += out.priority;
    }
  });

await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result;
  if (!('period' in result)) return { task: task.name, state: result.state };
  // The median batch is less swayed by GC pauses and other processes.
  const messagesPerSecond = (kBatch / result.period) * 1000;
  const medianPerSecond = (kBatch / result.latency.p50) * 1000;
  return {
    task: task.name,
    'ops/s': Math.round(1000 / result.period),
    'messages/s': Math.round(messagesPerSecond),
    'median messages/s': Math.round(medianPerSecond),
    'ns/message': Math.round(1e9 / messagesPerSecond),
    'rme %': Number(result.throughput.rme.toFixed(2)),
  };
});
console.log(`1 op = ${kBatch} messages`);
console.table(rows);

const received = (text: string, o: ParsedMessage) =>
  parseSyslog(text, kReceivedMs, o);
const okOurs = (okShare(lines, received) * 100).toFixed(2);
console.log(`status ok: parseSyslog ${okOurs}%, ` +
  `regex ${(okShare(lines, parseWithRegex) * 100).toFixed(2)}%` +
  ` (checksum ${sink % 997})`);

/** Every fixture line, for a coverage figure beside the speed ones. */
function fixtureLines(): string[] {
  const all: string[] = [];
  for (const vendor of readdirSync(kFixtureDir)) {
    for (const file of readdirSync(join(kFixtureDir, vendor))) {
      const text = readFileSync(join(kFixtureDir, vendor, file), 'utf8');
      for (const line of text.split('\n')) if (line.length > 0) all.push(line);
    }
  }
  return all;
}

const hard = fixtureLines();
const regexOk = okShare(hard, parseWithRegex) * hard.length;
console.log(`vendor fixtures (${hard.length} lines) with status ok: ` +
  `parseSyslog ${okShare(hard, received) * hard.length}, ` +
  `regex ${Math.round(regexOk)}`);
