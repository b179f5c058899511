import { messageExtent } from './extent.js';
import { Format, ParseStatus, type ParsedMessage } from './message.js';
import { scanStructuredData } from './structured-data.js';
import { fourDigits, scanIsoTimestamp, timeScan } from './time.js';

const kSpace = 0x20;
const kMinus = 0x2d;
const kOpen = 0x5b;
const kDigit0 = 0x30;
const kDigit1 = 0x31;
const kDigit9 = 0x39;
const kBom = 0xfeff;
/** YYYY-MM-DD */
const kFullDateLength = 10;

/** RFC 5424 6.2.2: VERSION is one non-zero digit and at most two more. */
const kMaxVersionDigits = 3;

/** Index of the next space at or after `i`, or the end of the text. */
function fieldEnd(t: string, i: number): number {
  const end = t.indexOf(' ', i);
  return end < 0 ? t.length : end;
}

/** The field `[start, end)`, or undefined for NILVALUE `-`. */
function field(t: string, start: number, end: number): string | undefined {
  if (end - start === 1 && t.charCodeAt(start) === kMinus) return undefined;
  return t.slice(start, end);
}

/** Past one or more separating spaces; header fields never start blank. */
function skipSpaces(t: string, i: number): number {
  while (t.charCodeAt(i) === kSpace) i++;
  return i;
}

/**
 * Parses an RFC 5424 6 HEADER, STRUCTURED-DATA and MSG starting at
 * `start`, just past the PRI. Returns false, leaving `out` untouched,
 * when the text does not start with `VERSION SP` followed by a
 * NILVALUE or a date, so the caller can try RFC 3164 instead.
 *
 * Once committed it never gives up a field it has read:
 * - a TIMESTAMP that starts like a date but is not a valid one (bad
 *   day, missing seconds) leaves `timestamp` NaN; the rest is parsed;
 * - a header cut short leaves the missing fields undefined and MSG empty;
 * - malformed STRUCTURED-DATA leaves `structuredData` undefined and
 *   keeps everything from its first byte on as MSG, so nothing is lost.
 * An impossible TIMESTAMP makes the status partial; the other cases
 * stay ok, as their fields are all there or plainly absent.
 */
export function parseRfc5424(
  t: string,
  start: number,
  out: ParsedMessage,
): boolean {
  // RFC 5424 6.2.2: VERSION = NONZERO-DIGIT 0*2DIGIT, then SP.
  let i = start;
  let c = t.charCodeAt(i);
  if (c < kDigit1 || c > kDigit9) return false;
  let version = 0;
  while (c >= kDigit0 && c <= kDigit9 && i - start < kMaxVersionDigits) {
    version = version * 10 + c - kDigit0;
    c = t.charCodeAt(++i);
  }
  if (c !== kSpace) return false;
  i = skipSpaces(t, i);

  // RFC 5424 6.2.3: TIMESTAMP is NILVALUE or an RFC 3339 FULL-DATE "T"
  // FULL-TIME; anything not even shaped like a date is not this grammar.
  const end = fieldEnd(t, i);
  let timestamp = NaN;
  const nil = end - i === 1 && t.charCodeAt(i) === kMinus;
  let fieldsAt = end;
  if (!nil) {
    if (fourDigits(t, i) < 0 || t.charCodeAt(i + 4) !== kMinus) return false;
    timestamp = scanIsoTimestamp(t, i, false);
    if (timeScan.end !== end) timestamp = NaN;

    // Some senders put a space where RFC 3339 has "T" (RFC 3339 5.6
    // allows it in other protocols); then the time is the next word.
    if (Number.isNaN(timestamp) && end - i === kFullDateLength) {
      const spaced = scanIsoTimestamp(t, i, true);
      if (!Number.isNaN(spaced)) {
        timestamp = spaced;
        fieldsAt = timeScan.end;
      }
    }
    if (Number.isNaN(timestamp)) out.status = ParseStatus.partial;
  }

  out.format = Format.rfc5424;
  out.version = version;
  out.timestamp = timestamp;
  readFields(t, skipSpaces(t, fieldsAt), out);
  return true;
}

/** HOSTNAME APP-NAME PROCID MSGID (RFC 5424 6.2.4-6.2.7), then the rest. */
function readFields(t: string, i: number, out: ParsedMessage): void {
  const len = t.length;
  if (i >= len) return;
  let end = fieldEnd(t, i);
  out.hostname = field(t, i, end);

  i = skipSpaces(t, end);
  if (i >= len) return;
  end = fieldEnd(t, i);
  out.appname = field(t, i, end);

  i = skipSpaces(t, end);
  if (i >= len) return;
  end = fieldEnd(t, i);
  out.procid = field(t, i, end);

  i = skipSpaces(t, end);
  if (i >= len) return;
  end = fieldEnd(t, i);
  out.msgid = field(t, i, end);

  readStructuredData(t, skipSpaces(t, end), out);
}

function readStructuredData(t: string, i: number, out: ParsedMessage): void {
  if (i >= t.length) return;
  const c = t.charCodeAt(i);

  // RFC 5424 6.3: NILVALUE or one or more SD-ELEMENTs.
  let msgStart = i;
  if (c === kMinus) {
    const next = t.charCodeAt(i + 1);
    if (next === kSpace || i + 1 === t.length) msgStart = i + 1;
  } else if (c === kOpen) {
    const end = scanStructuredData(t, i);
    if (end >= 0) {
      out.structuredData = t.slice(i, end);
      msgStart = end;
    }
  }

  // RFC 5424 6: MSG follows one SP; further spaces belong to the MSG.
  if (t.charCodeAt(msgStart) === kSpace) msgStart++;
  out.message = readMsg(t, msgStart);
}

/** RFC 5424 6.4: MSG, without the UTF-8 BOM that marks MSG-UTF8. */
function readMsg(t: string, i: number): string {
  if (t.charCodeAt(i) === kBom) i++;
  messageExtent.start = i;
  return i === 0 ? t : t.slice(i);
}
