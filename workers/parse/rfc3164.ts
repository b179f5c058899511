import { messageExtent } from './extent.js';
import { Format, type ParsedMessage } from './message.js';
import {
  fourDigits,
  scanBsdTimestamp,
  scanIsoTimestamp,
  timeScan,
} from './time.js';

const kTab = 0x09;
const kSpace = 0x20;
const kPercent = 0x25;
const kAsterisk = 0x2a;
const kDot = 0x2e;
const kMinus = 0x2d;
const kColon = 0x3a;
const kOpen = 0x5b;
const kClose = 0x5d;
const kDigit0 = 0x30;
const kDigit9 = 0x39;
const kDel = 0x7f;
const kAscii = 0x80;

function isDigit(c: number): boolean {
  return c >= kDigit0 && c <= kDigit9;
}

function isSpace(c: number): boolean {
  return c === kSpace || c === kTab;
}

function skipSpaces(t: string, i: number): number {
  while (isSpace(t.charCodeAt(i))) i++;
  return i;
}

/** Character classes for the header scans, indexed by char code. */
const kHostChar = 1;
const kTagChar = 2;
const kCharClass = buildCharClasses();

/**
 * HOSTNAME characters as devices send them: a name or FQDN, an IPv4 or
 * IPv6 literal (colons, `%` zone index), IDN labels (anything past
 * ASCII). TAG name characters: any visible one but `:` `[` `]`.
 */
function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let c = 0x21; c < table.length; c++) {
    if (c !== kColon && c !== kOpen && c !== kClose && c !== kDel) {
      table[c] |= kTagChar;
    }
  }

  const host = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' +
    '0123456789.-_:%';
  for (let k = 0; k < host.length; k++) table[host.charCodeAt(k)] |= kHostChar;
  for (let c = kAscii; c < table.length; c++) table[c] |= kHostChar;
  return table;
}

/** Also false for NaN, which `charCodeAt` returns past the end. */
function isHostChar(c: number): boolean {
  return c < kCharClass.length && (kCharClass[c] & kHostChar) !== 0;
}

/** End of the HOSTNAME-shaped token at `i`, or -1. */
function hostEnd(t: string, i: number): number {
  const start = i;
  const len = t.length;
  while (i < len && isHostChar(t.charCodeAt(i))) i++;
  if (i === start || !(i === len || t.charCodeAt(i) === kSpace)) return -1;

  // A trailing colon marks a TAG (`su:`), never a host, except in IPv6.
  const last = t.charCodeAt(i - 1);
  if (last === kColon && t.charCodeAt(i - 2) !== kColon) return -1;
  return i;
}

/** What `readTag` found; valid only right after it returned true. */
const tag = { nameEnd: 0, pidStart: -1, pidEnd: -1, contentStart: 0 };

/**
 * RFC 3164 4.1.3 TAG at `i`: a program name ended by `:`, `[pid]` or
 * both (`sshd[42]:`, `su:`, `postfix/smtpd[7]:`, `sshd[42] ...`), or a
 * name ended by a tab (Snare `MSWinEventLog<TAB>`). A bare word ended by
 * a space is not taken: "Use the BFG!" in RFC 3164 5.4 has no TAG.
 * Names starting with `%` are Cisco mnemonics and stay in the content;
 * all-digit names are Cisco sequence numbers.
 */
function readTag(t: string, i: number): boolean {
  const start = i;
  const len = t.length;
  let digitsOnly = true;
  let c = 0;
  if (t.charCodeAt(i) === kPercent) return false;

  for (; i < len; i++) {
    c = t.charCodeAt(i);
    if ((kCharClass[c] & kTagChar) === 0) break;
    if (digitsOnly && !isDigit(c)) digitsOnly = false;
  }
  if (i === len) c = NaN;
  if (i === start || digitsOnly) return false;
  tag.nameEnd = i;
  tag.pidStart = -1;

  if (c === kOpen) {
    tag.pidStart = ++i;
    c = t.charCodeAt(i);
    while (c > kSpace && c !== kClose && c !== kOpen) c = t.charCodeAt(++i);
    if (c !== kClose) return false;
    tag.pidEnd = i;
    c = t.charCodeAt(++i);
  }
  return tagEnd(t, i, c);
}

/** Where the CONTENT starts after the TAG ends at `i` with char `c`. */
function tagEnd(t: string, i: number, c: number): boolean {
  const hasPid = tag.pidStart >= 0;
  const next = t.charCodeAt(i + 1);

  if (c === kColon) {
    // `name:` must be followed by a space or the end, which keeps IPv6
    // literals and `key=10:00` words out; `name[pid]:` may not be.
    if (!hasPid && !(isSpace(next) || i + 1 === t.length)) return false;
    tag.contentStart = next === kSpace ? i + 2 : i + 1;
    return true;
  }

  if (c === kTab || (hasPid && (c === kSpace || i === t.length))) {
    tag.contentStart = i + 1;
    return true;
  }
  return false;
}

/** MSG is the rest of the text from `i`. */
function setMessageFrom(t: string, i: number, out: ParsedMessage): void {
  out.message = t.slice(i);
  messageExtent.start = i;
}

/** Sets appname, procid and message from the TAG at `i`, if there is one. */
function readTagAndContent(t: string, i: number, out: ParsedMessage): void {
  if (!readTag(t, i)) {
    setMessageFrom(t, i, out);
    return;
  }

  out.appname = t.slice(i, tag.nameEnd);
  if (tag.pidStart >= 0 && tag.pidEnd > tag.pidStart) {
    out.procid = t.slice(tag.pidStart, tag.pidEnd);
  }
  setMessageFrom(t, tag.contentStart, out);
}

/**
 * After the TIMESTAMP: RFC 3164 4.1.2 HOSTNAME, then the MSG. Devices
 * often leave the HOSTNAME out (`Oct 11 22:14:15 sshd[42]: ...`), which
 * shows as a first word shaped like a TAG.
 */
function readHostAndContent(t: string, i: number, out: ParsedMessage): void {
  if (i >= t.length) return;

  // A host-shaped word cannot be a TAG: those end in `:`, `]` or a tab.
  const end = hostEnd(t, i);
  if (end < 0) {
    readTagAndContent(t, i, out);
    return;
  }
  out.hostname = t.slice(i, end);
  i = skipSpaces(t, end);

  // Cisco ASA with `logging device-id`: "HOST : %ASA-6-302013: ...".
  if (t.charCodeAt(i) === kColon && isSpace(t.charCodeAt(i + 1))) {
    setMessageFrom(t, skipSpaces(t, i + 1), out);
    return;
  }
  readTagAndContent(t, i, out);
}

/**
 * Any timestamp found in the RFC 3164 TIMESTAMP position at `i`: the BSD
 * form and its variants, or an RFC 3339 one as rsyslog forwards with
 * `RSYSLOG_ForwardFormat`. Cisco IOS marks a clock it does not trust
 * with `*` and one that lost NTP sync with `.`; the time is still the
 * device's best guess, so it is kept. Sets `timeScan.end`.
 */
function scanTimestamp(t: string, i: number, receivedMs: number): number {
  const c = t.charCodeAt(i);
  if (c === kAsterisk || c === kDot) i++;

  let ms: number;
  if (fourDigits(t, i) >= 0 && t.charCodeAt(i + 4) === kMinus) {
    ms = scanIsoTimestamp(t, i, true);
  } else {
    ms = scanBsdTimestamp(t, i, receivedMs);
  }

  // The timestamp must end its word, or it was a word that looked like one.
  const after = t.charCodeAt(timeScan.end);
  if (!(isSpace(after) || after === kColon || timeScan.end === t.length)) {
    return NaN;
  }
  return ms;
}

/** Past `123: ` (Cisco `service sequence-numbers`) at `i`, or -1. */
function sequenceEnd(t: string, i: number): number {
  const start = i;
  while (isDigit(t.charCodeAt(i))) i++;
  if (i === start || t.charCodeAt(i) !== kColon) return -1;
  if (!isSpace(t.charCodeAt(i + 1))) return -1;
  return skipSpaces(t, i + 1);
}

/**
 * Cisco IOS puts a sequence number and, with `logging origin-id`, a host
 * before its timestamp: `123: router1: *Mar  1 18:46:11.123 UTC: %SYS-..`.
 * Returns where the timestamp or mnemonic starts, or -1 when the text
 * does not continue like that (then the digits are ordinary content).
 */
function ciscoPrefixEnd(
  t: string,
  i: number,
  receivedMs: number,
  out: ParsedMessage,
): number {
  i = sequenceEnd(t, i);
  if (i < 0) return -1;

  // The origin host ends at the first colon, so IPv6 origins are not
  // recognised; IOS sends a name there unless told otherwise.
  let host = -1;
  let end = i;
  let c = t.charCodeAt(end);
  while (isHostChar(c) && c !== kColon) c = t.charCodeAt(++end);
  if (end > i && c === kColon && isSpace(t.charCodeAt(end + 1))) {
    host = i;
    i = skipSpaces(t, end + 1);
  }

  const mnemonic = t.charCodeAt(i) === kPercent;
  if (!mnemonic && Number.isNaN(scanTimestamp(t, i, receivedMs))) return -1;
  if (host >= 0) out.hostname = t.slice(host, end);
  return i;
}

/**
 * Parses an RFC 3164 message (4.1.2 HEADER, 4.1.3 MSG) starting at
 * `start`, just past the PRI or at the start of a frame without one.
 * Always fills `message`; returns whether a TIMESTAMP was found, which
 * is what tells a BSD header apart from free text when there is no PRI.
 */
export function parseRfc3164(
  t: string,
  start: number,
  receivedMs: number,
  out: ParsedMessage,
): boolean {
  out.format = Format.rfc3164;
  let i = skipSpaces(t, start);
  const cisco = ciscoPrefixEnd(t, i, receivedMs, out);
  if (cisco >= 0) i = cisco;

  // RFC 3164 4.3.2: with no valid TIMESTAMP the whole rest is CONTENT;
  // a TAG at its start is still worth reading (`<13>sshd[42]: ...`).
  const ms = scanTimestamp(t, i, receivedMs);
  if (Number.isNaN(ms)) {
    readTagAndContent(t, i, out);
    return false;
  }
  out.timestamp = ms;
  i = timeScan.end;

  // Cisco IOS and ASA end the timestamp with a colon and send no host
  // after it: "Jan 12 2024 10:00:00: %ASA-6-302013: ...".
  if (t.charCodeAt(i) === kColon) {
    setMessageFrom(t, skipSpaces(t, i + 1), out);
    return true;
  }
  readHostAndContent(t, skipSpaces(t, i), out);
  return true;
}
