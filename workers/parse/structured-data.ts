/**
 * RFC 5424 6.3 STRUCTURED-DATA: a run of SD-ELEMENTs
 * `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`. The parser only finds where
 * the run ends (`scanStructuredData`, no allocation); the reader turns
 * the stored text into objects (`parseStructuredData`) when it writes
 * ECS `log.syslog.structured_data`.
 */

const kSpace = 0x20;
const kEquals = 0x3d;
const kQuote = 0x22;
const kBackslash = 0x5c;
const kOpen = 0x5b;
const kClose = 0x5d;
const kDel = 0x7f;

/** Where a name that `nameEnd` scanned stops; -1 when it is empty. */
function nameEnd(t: string, i: number): number {
  const start = i;
  let c = t.charCodeAt(i);

  // RFC 5424 6.3.2/6.3.3 SD-NAME: printable US-ASCII except = SP ] ".
  // Bytes above ASCII are let through: senders put UTF-8 in names and
  // dropping the whole element would lose more than it protects.
  while (c > kSpace && c !== kEquals && c !== kClose && c !== kQuote &&
    c !== kDel) {
    c = t.charCodeAt(++i);
  }
  return i === start ? -1 : i;
}

/** Index past the closing quote of a PARAM-VALUE opened at `i - 1`. */
function valueEnd(t: string, i: number): number {
  const len = t.length;

  // RFC 5424 6.3.3: inside the quotes only `"` `\` `]` are escaped, and
  // a `]` needs no escape to be data, so quotes alone decide the end.
  while (i < len) {
    const c = t.charCodeAt(i);
    if (c === kQuote) return i + 1;
    i += c === kBackslash ? 2 : 1;
  }
  return -1;
}

/** Index past the `]` of the SD-ELEMENT opening at `i`, or -1. */
function elementEnd(t: string, i: number): number {
  if (t.charCodeAt(i) !== kOpen) return -1;
  i = nameEnd(t, i + 1);
  if (i < 0) return -1;

  for (;;) {
    const c = t.charCodeAt(i);
    if (c === kClose) return i + 1;
    if (c !== kSpace) return -1;

    // Extra spaces between parameters or before `]` are tolerated.
    while (t.charCodeAt(i) === kSpace) i++;
    if (t.charCodeAt(i) === kClose) return i + 1;

    i = nameEnd(t, i);
    if (i < 0 || t.charCodeAt(i) !== kEquals) return -1;
    if (t.charCodeAt(i + 1) !== kQuote) return -1;
    i = valueEnd(t, i + 2);
    if (i < 0) return -1;
  }
}

/**
 * Index just past the last SD-ELEMENT of the run starting at `start`, or
 * -1 when the run is malformed. Does not accept NILVALUE; callers check
 * for `-` first.
 */
export function scanStructuredData(t: string, start: number): number {
  let i = elementEnd(t, start);
  if (i < 0) return -1;

  while (t.charCodeAt(i) === kOpen) {
    const next = elementEnd(t, i);
    if (next < 0) return -1;
    i = next;
  }
  return i;
}

/** PARAM-VALUE between `start` and `end` with RFC 5424 6.3.3 escapes. */
function unescapeValue(t: string, start: number, end: number): string {
  const first = t.indexOf('\\', start);
  if (first < 0 || first >= end) return t.slice(start, end);

  let out = t.slice(start, first);
  let i = first;
  while (i < end) {
    const c = t.charCodeAt(i);
    const next = t.charCodeAt(i + 1);

    // Only \" \\ \] are escapes; any other backslash is kept as data.
    if (c === kBackslash && i + 1 < end &&
      (next === kQuote || next === kBackslash || next === kClose)) {
      out += t[i + 1];
      i += 2;
    } else {
      out += t[i];
      i++;
    }
  }
  return out;
}

/**
 * Parses RFC 5424 STRUCTURED-DATA into `{ sdId: { paramName: value } }`,
 * with the escapes `\"` `\\` `\]` undone. A PARAM-NAME repeated inside
 * one element (allowed, e.g. `ip` in RFC 5424 7.2.1 `origin`) keeps
 * every value, joined with `,` in the order received; an SD-ID repeated
 * in the run merges into one object the same way. The objects have no
 * prototype, so names such as `__proto__` are plain keys.
 *
 * @param sd - The STRUCTURED-DATA text as stored; `-` means none.
 * @returns The elements, or `undefined` for NILVALUE, an empty string or
 *   text that is not well-formed STRUCTURED-DATA.
 */
export function parseStructuredData(
  sd: string,
): Record<string, Record<string, string>> | undefined {
  if (sd.length === 0 || sd === '-') return undefined;
  if (scanStructuredData(sd, 0) !== sd.length) return undefined;

  const result: Record<string, Record<string, string>> = Object.create(null);
  let i = 0;
  while (i < sd.length) i = readElement(sd, i, result);
  return result;
}

/** Adds the well-formed element at `i` to `result`; returns its end. */
function readElement(
  sd: string,
  i: number,
  result: Record<string, Record<string, string>>,
): number {
  const idEnd = nameEnd(sd, i + 1);
  const id = sd.slice(i + 1, idEnd);
  let params = result[id];
  if (params === undefined) {
    params = Object.create(null) as Record<string, string>;
    result[id] = params;
  }

  i = idEnd;
  for (;;) {
    while (sd.charCodeAt(i) === kSpace) i++;
    if (sd.charCodeAt(i) === kClose) return i + 1;

    const keyEnd = nameEnd(sd, i);
    const key = sd.slice(i, keyEnd);
    const end = valueEnd(sd, keyEnd + 2);
    const value = unescapeValue(sd, keyEnd + 2, end - 1);

    const seen = params[key];
    params[key] = seen === undefined ? value : seen + ',' + value;
    i = end;
  }
}
