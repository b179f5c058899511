/**
 * The corpus every bench reads, loaded once into one Buffer with the
 * offsets of its lines, as frames lie in ring memory.
 *
 * The path is the bench's first argument, else $SLUICE_CORPUS, else
 * .tmp/corpus-50k.log. `make bench` writes that file with the project's
 * generator (loadtest/corpus.ts); a bench run by hand writes it the same
 * way when it is missing, so the figures never depend on a file that
 * only one machine has.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { packageRoot } from '../daemon/paths.js';
import { writeCorpus } from '../loadtest/corpus.js';

/** Lines in the default corpus: enough for stable rates, quick to make. */
export const kCorpusLines = 50_000;

const kLf = 0x0a;
const kCr = 0x0d;

export interface Corpus {
  /** As given or defaulted; relative to the package when inside it. */
  path: string;
  /** The whole file. */
  buffer: Buffer;
  /** Each non-empty line decoded as UTF-8, without its LF or CRLF. */
  lines: string[];
  /** Byte offset in `buffer` where line i starts. */
  starts: Int32Array;
  /** Byte offset in `buffer` where line i ends (exclusive, no CR/LF). */
  ends: Int32Array;
  /** Sum of the line lengths in bytes, without line ends. */
  frameBytes: number;
}

/** Reads the corpus, writing the default one first if it is missing. */
export function loadCorpus(): Corpus {
  const root = packageRoot();
  const fallback = join(root, '.tmp', `corpus-${kCorpusLines / 1000}k.log`);
  const path = process.argv[2] ?? process.env.SLUICE_CORPUS ?? fallback;

  if (!existsSync(path)) {
    if (path !== fallback) throw new Error(`corpus ${path} not found`);
    mkdirSync(dirname(path), { recursive: true });
    writeCorpus(path, kCorpusLines);
  }

  const buffer = readFileSync(path);
  const { starts, ends } = lineOffsets(buffer);
  const lines = new Array<string>(starts.length);
  let frameBytes = 0;
  for (let i = 0; i < starts.length; i++) {
    lines[i] = buffer.toString('utf8', starts[i], ends[i]);
    frameBytes += ends[i]! - starts[i]!;
  }

  const shown = path.startsWith(root) ? relative(root, path) : path;
  return { path: shown, buffer, lines, starts, ends, frameBytes };
}

/** Start and end of every non-empty line; a CR before the LF is left out. */
function lineOffsets(buf: Buffer): { starts: Int32Array; ends: Int32Array } {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;

  while (start < buf.length) {
    let lf = buf.indexOf(kLf, start);
    if (lf === -1) lf = buf.length;
    const end = lf > start && buf[lf - 1] === kCr ? lf - 1 : lf;
    if (end > start) {
      starts.push(start);
      ends.push(end);
    }
    start = lf + 1;
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
