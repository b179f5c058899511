/**
 * Syslog parse throughput over a corpus of mixed RFC 3164 / RFC 5424
 * lines, against two baselines: the bare cost of turning each frame
 * into a string (what the worker must pay before parsing) and a
 * straightforward regex parser doing less work than ours.
 *
 *   npx tsx native-bench/parse.bench.ts [corpus.log]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  ParseStatus,
  createMessage,
  type ParsedMessage,
} from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';
import { loadCorpus } from './corpus.js';
import { newBench, printContext } from './report.js';

const kBatch = 1000;

/** Vendor fixtures: the hard variants, counted for parse coverage. */
const kFixtureDir = new URL('../test/fixtures/', import.meta.url).pathname;

/** The receive time the year of BSD timestamps is inferred from. */
const kReceivedMs = Date.UTC(2024, 4, 14, 12);

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

const corpus = loadCorpus();
const { buffer, lines, starts, ends } = corpus;
const count = lines.length;

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

const bench = newBench();
bench
  .add('baseline: decode frame to string', () => {
    const first = nextBatch();
    for (let n = first; n < first + kBatch && n < count; n++) {
      sink += buffer.toString('utf8', starts[n], ends[n]).length;
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
      const text = buffer.toString('utf8', starts[n], ends[n]);
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
printContext('parse: RFC 3164 / RFC 5424 per message', corpus);
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
