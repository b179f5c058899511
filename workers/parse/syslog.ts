import {
  Format,
  ParseStatus,
  resetMessage,
  type ParsedMessage,
} from './message.js';
import { messageExtent } from './extent.js';
import { parseRfc3164 } from './rfc3164.js';
import { parseRfc5424 } from './rfc5424.js';

const kSpace = 0x20;
const kTab = 0x09;
const kLess = 0x3c;
const kGreater = 0x3e;
const kDigit0 = 0x30;
const kDigit9 = 0x39;

/** RFC 5424 6.2.1: PRIVAL is 1 to 3 digits, facility * 8 + severity. */
const kMaxPriDigits = 3;
const kMaxPriority = 191;

/** Where the last `readPri` stopped; valid right after it succeeded. */
let priEnd = 0;

/**
 * PRI at `i` (`<` PRIVAL `>`), or -1 when absent or out of range. Leading
 * zeros, which RFC 3164 4.1.1 and RFC 5424 6.2.1 forbid, are accepted:
 * a sender that pads the number still meant it.
 */
function readPri(t: string, i: number): number {
  if (t.charCodeAt(i) !== kLess) return -1;

  let value = 0;
  let j = i + 1;
  let c = t.charCodeAt(j);
  while (c >= kDigit0 && c <= kDigit9 && j - i <= kMaxPriDigits) {
    value = value * 10 + c - kDigit0;
    c = t.charCodeAt(++j);
  }

  if (j === i + 1 || c !== kGreater || value > kMaxPriority) return -1;
  priEnd = j + 1;
  return value;
}

/**
 * Parses one syslog frame into `out` (reset first). The grammar is
 * chosen per message:
 * - `<PRI>VERSION SP` is RFC 5424 (section 6);
 * - otherwise RFC 3164 and the variants devices send (BSD, Cisco IOS and
 *   ASA, Juniper, rsyslog's RFC 3339 forward format, FortiGate's bare
 *   key=value after the PRI);
 * - a frame with no PRI is still RFC 3164 when a timestamp starts it
 *   (RFC 3164 4.3.3; priority stays -1 rather than the assumed 13);
 * - anything else is kept raw: status error, format unknown, the whole
 *   text as message.
 *
 * A valid PRI followed by no recognisable header is status ok, format
 * rfc3164, with the rest as message: RFC 3164 4.3.2 makes such a frame
 * a message whose relay supplies the missing TIMESTAMP, and the PRI
 * proves it is syslog. Its timestamp stays NaN (readers fall back to
 * the receive time). BSD times without a zone are taken as UTC, and a
 * missing year is the latest that does not put the event after
 * `receivedMs` (see nearestYearMs).
 *
 * @param text - One frame as UTF-8 text, framing and trailing LF/CR/NUL
 *   already removed.
 * @param receivedMs - Receive time, ms since the epoch; used only to
 *   pick the year of a BSD timestamp that has none.
 * @param out - The reused message to fill.
 */
export function parseSyslog(
  text: string,
  receivedMs: number,
  out: ParsedMessage,
): void {
  resetMessage(out);
  messageExtent.start = text.length;

  // Some senders put blanks before the PRI; they carry no meaning.
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === kSpace || c === kTab) c = text.charCodeAt(++i);

  const priority = readPri(text, i);
  if (priority >= 0) {
    out.priority = priority;
    if (!parseRfc5424(text, priEnd, out)) {
      parseRfc3164(text, priEnd, receivedMs, out);
    }
    return;
  }

  if (parseRfc3164(text, i, receivedMs, out)) return;

  resetMessage(out);
  out.format = Format.unknown;
  out.status = ParseStatus.error;
  out.message = text;
  messageExtent.start = 0;
}
