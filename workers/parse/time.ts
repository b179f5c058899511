/**
 * Timestamp scanners for syslog headers. Every scanner reads a string in
 * place with `charCodeAt`, returns the event time in ms since the epoch
 * (UTC, fractional when the sender gave sub-millisecond digits) or NaN,
 * and leaves the index just past what it consumed in `timeScan.end`.
 * Nothing here allocates, so the parsers can call it once per message.
 */

const kDigit0 = 0x30;
const kSpace = 0x20;
const kColon = 0x3a;
const kDot = 0x2e;
const kComma = 0x2c;
const kMinus = 0x2d;
const kPlus = 0x2b;
const kUpperT = 0x54;
const kLowerT = 0x74;
const kUpperA = 0x41;
const kUpperZ = 0x5a;
const kLowerZ = 0x7a;
const kLowerCaseBit = 0x20;

const kMsPerSecond = 1000;
const kMsPerMinute = 60_000;
const kMsPerHour = 3_600_000;
const kMsPerDay = 86_400_000;
const kMinutesPerHour = 60;

/** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
const kEpochShiftDays = 719_468;
const kDaysPer400Years = 146_097;

/** Sub-second digits kept; beyond nanoseconds a double cannot hold them. */
const kMaxFractionDigits = 9;

/** Years a bare four-digit number may name before it is taken as a year. */
const kMinYear = 1970;
const kMaxYear = 2199;

/** Zone abbreviations longer than this are not looked up. */
const kMaxZoneLetters = 5;

/** Where the last scan stopped; valid only right after a scanner ran. */
export const timeScan = { end: 0 };

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number) {
  // Count years from March so the leap day falls at the end of a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;

  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) + dayOfYear;

  return era * kDaysPer400Years + dayOfEra - kEpochShiftDays;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** UTC year of a time in ms since the epoch. */
export function yearOfMs(ms: number): number {
  // An estimate from the mean year length is off by at most one year.
  const days = Math.floor(ms / kMsPerDay);
  let year = kMinYear + Math.floor(days / 365.2425);
  if (daysFromCivil(year, 1, 1) > days) year--;
  else if (daysFromCivil(year + 1, 1, 1) <= days) year++;
  return year;
}

/** One decimal digit at `i`, or -1 (also past the end, where NaN shows). */
function digitAt(t: string, i: number): number {
  const d = t.charCodeAt(i) - kDigit0;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Exactly two digits at `i`, or -1. */
function twoDigits(t: string, i: number): number {
  const hi = digitAt(t, i);
  const lo = digitAt(t, i + 1);
  return hi < 0 || lo < 0 ? -1 : hi * 10 + lo;
}

/** Exactly four digits at `i`, or -1. */
export function fourDigits(t: string, i: number): number {
  const hi = twoDigits(t, i);
  const lo = twoDigits(t, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/**
 * Sub-second digits after the separator at `i - 1`, as milliseconds with
 * a fraction (".000003" is 0.003 ms). Sets `timeScan.end`.
 */
function fractionMs(t: string, i: number): number {
  let value = 0;
  let digits = 0;
  let d = digitAt(t, i);

  while (d >= 0) {
    if (digits < kMaxFractionDigits) {
      value = value * 10 + d;
      digits++;
    }
    d = digitAt(t, ++i);
  }

  timeScan.end = i;
  if (digits === 0) return NaN;

  // Integer maths as long as the result is whole, so ".123" is 123 exactly.
  return digits <= 3 ? value * 10 ** (3 - digits) : value / 10 ** (digits - 3);
}

/** `hh:mm:ss` (hour may have one digit) as ms of the day; sets end. */
function timeOfDayMs(t: string, i: number): number {
  let hour = digitAt(t, i);
  if (hour < 0) return NaN;
  const second = digitAt(t, i + 1);
  if (second >= 0) {
    hour = hour * 10 + second;
    i++;
  }
  i++;

  if (t.charCodeAt(i) !== kColon) return NaN;
  const minute = twoDigits(t, i + 1);
  if (t.charCodeAt(i + 3) !== kColon) return NaN;
  const sec = twoDigits(t, i + 4);

  // 60 is a leap second; RFC 3339 5.6 allows it and Date folds it forward.
  if (hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 60) {
    return NaN;
  }
  timeScan.end = i + 6;
  return hour * kMsPerHour + minute * kMsPerMinute + sec * kMsPerSecond;
}

/**
 * A numeric zone offset at `i`: `+hh:mm`, `+hhmm`, `+hh` or `+h`, in
 * minutes east of UTC, or NaN. Sets `timeScan.end`.
 */
function numericOffset(t: string, i: number): number {
  const sign = t.charCodeAt(i);
  if (sign !== kPlus && sign !== kMinus) return NaN;

  let hours = twoDigits(t, i + 1);
  let next = i + 3;
  if (hours < 0) {
    hours = digitAt(t, i + 1);
    next = i + 2;
  }
  if (hours < 0 || hours > 23) return NaN;

  let minutes = 0;
  if (t.charCodeAt(next) === kColon) {
    minutes = twoDigits(t, next + 1);
    if (minutes < 0 || minutes > 59) return NaN;
    next += 3;
  } else if (next === i + 3 && twoDigits(t, next) >= 0) {
    minutes = twoDigits(t, next);
    if (minutes > 59) return NaN;
    next += 2;
  }

  timeScan.end = next;
  const total = hours * kMinutesPerHour + minutes;
  return sign === kMinus ? -total : total;
}

/**
 * `hh:mm:ss` with an optional `.frac` or `,frac` at `i`, in ms of the
 * day; `timeScan.end` is left just past it. NaN when it is not a time.
 */
function clockMs(t: string, i: number): number {
  const ms = timeOfDayMs(t, i);
  if (Number.isNaN(ms)) return NaN;

  const at = timeScan.end;
  const mark = t.charCodeAt(at);
  if (mark !== kDot && mark !== kComma) return ms;
  const frac = fractionMs(t, at + 1);
  return Number.isNaN(frac) ? NaN : ms + frac;
}

/**
 * RFC 3339 (RFC 5424 6.2.3) date-time at `start`:
 * `YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)`. Lenient on purpose where real
 * senders differ: `t`/`z` in lower case (RFC 3339 5.6 allows them), a
 * space instead of `T` when `allowSpace`, a missing zone (taken as UTC)
 * and `+hhmm` offsets. Returns NaN for anything that is not a real date.
 */
export function scanIsoTimestamp(
  t: string,
  start: number,
  allowSpace: boolean,
): number {
  const year = fourDigits(t, start);
  if (year < 0 || t.charCodeAt(start + 4) !== kMinus) return NaN;
  const month = twoDigits(t, start + 5);
  if (t.charCodeAt(start + 7) !== kMinus) return NaN;
  const day = twoDigits(t, start + 8);

  if (month < 1 || month > 12 || day < 1) return NaN;
  if (day > daysInMonth(year, month)) return NaN;

  const sep = t.charCodeAt(start + 10);
  const sepOk = sep === kUpperT || sep === kLowerT ||
    (allowSpace && sep === kSpace);
  if (!sepOk) return NaN;

  const ms = clockMs(t, start + 11);
  if (Number.isNaN(ms)) return NaN;
  return applyIsoZone(t, timeScan.end,
    ms + daysFromCivil(year, month, day) * kMsPerDay);
}

function applyIsoZone(t: string, i: number, ms: number): number {
  const zone = t.charCodeAt(i);
  if (zone === kUpperZ || zone === kLowerZ) {
    timeScan.end = i + 1;
    return ms;
  }

  if (zone === kPlus || zone === kMinus) {
    const offset = numericOffset(t, i);
    return Number.isNaN(offset) ? NaN : ms - offset * kMsPerMinute;
  }

  // No zone: the sender's local time, which we cannot know; take it as UTC.
  timeScan.end = i;
  return ms;
}

/**
 * Month number 1..12 for an English three-letter abbreviation at `i`
 * (any letter case), or 0. RFC 3164 4.1.2 names them with an upper-case
 * first letter; devices also send all upper case.
 */
export function monthAt(t: string, i: number): number {
  const a = t.charCodeAt(i) | kLowerCaseBit;
  const b = t.charCodeAt(i + 1) | kLowerCaseBit;
  const c = t.charCodeAt(i + 2) | kLowerCaseBit;

  switch ((a << 16) | (b << 8) | c) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/**
 * Offsets in minutes east of UTC for the zone abbreviations devices put
 * after the time, keyed by `zoneCode`. Ambiguous names take the meaning
 * most common on network gear: CST is US Central, IST is India.
 */
const kZoneNames: Array<[string, number]> = [
  ['Z', 0], ['UT', 0], ['UTC', 0], ['GMT', 0], ['WET', 0],
  ['BST', 60], ['CET', 60], ['MET', 60], ['WEST', 60],
  ['CEST', 120], ['MEST', 120], ['EET', 120],
  ['EEST', 180], ['MSK', 180], ['IST', 330],
  ['HKT', 480], ['SGT', 480], ['AWST', 480], ['JST', 540], ['KST', 540],
  ['AEST', 600], ['AEDT', 660], ['NZST', 720], ['NZDT', 780],
  ['EDT', -240], ['EST', -300], ['CDT', -300], ['CST', -360],
  ['MDT', -360], ['MST', -420], ['PDT', -420], ['PST', -480],
  ['AKDT', -480], ['AKST', -540], ['HST', -600],
];
const kZoneOffsets = new Map<number, number>(
  kZoneNames.map(([name, min]) => [zoneCode(name, 0, name.length), min]),
);

/** `TZ`, which the RFC 3164 5.4 example writes before an offset. */
const kZoneTz = zoneCode('TZ', 0, 2);

/** Packs up to five upper-case letters at `i` into one number. */
function zoneCode(t: string, i: number, len: number): number {
  let code = 0;
  for (let k = 0; k < len && k < t.length - i; k++) {
    code = code * 32 + (t.charCodeAt(i + k) & 31);
  }
  return code;
}

function isUpper(c: number): boolean {
  return c >= kUpperA && c <= kUpperZ;
}

/** True when `c` may follow a header token: space, colon or the end. */
function endsToken(c: number): boolean {
  return c === kSpace || c === kColon || Number.isNaN(c);
}

/**
 * A zone written after a BSD time: ` UTC`, ` CEST`, ` TZ-6`, ` UTC+2`,
 * ` +0200`. Returns the offset in minutes and sets `timeScan.end`, or NaN
 * when what follows is not a zone (usually the HOSTNAME).
 */
function scanBsdZone(t: string, i: number): number {
  let letters = 0;
  while (letters <= kMaxZoneLetters && isUpper(t.charCodeAt(i + letters))) {
    letters++;
  }
  if (letters === 0 || letters > kMaxZoneLetters) {
    const offset = numericOffset(t, i);
    return endsToken(t.charCodeAt(timeScan.end)) ? offset : NaN;
  }

  const code = zoneCode(t, i, letters);
  const known = kZoneOffsets.get(code);
  const after = t.charCodeAt(i + letters);
  if (after === kPlus || after === kMinus) {
    const base = code === kZoneTz ? 0 : known;
    if (base === undefined) return NaN;
    const shift = numericOffset(t, i + letters);
    if (Number.isNaN(shift)) return NaN;
    return endsToken(t.charCodeAt(timeScan.end)) ? base + shift : NaN;
  }

  if (known === undefined || !endsToken(after)) return NaN;
  timeScan.end = i + letters;
  return known;
}

/**
 * A plausible four-digit year at `i` followed by a space or the end, or
 * -1. A colon after it would make it the start of an IPv6 HOSTNAME.
 */
function yearAt(t: string, i: number): number {
  const year = fourDigits(t, i);
  if (year < kMinYear || year > kMaxYear) return -1;
  const after = t.charCodeAt(i + 4);
  return after === kSpace || Number.isNaN(after) ? year : -1;
}

/** The receive day and its year from the last `nearestYearMs` call. */
let cachedDay = NaN;
let cachedYear = 0;

/**
 * How far past the receive time a year-less timestamp may lie and still
 * be taken as this year: clock skew plus a zone-less local time up to
 * UTC+14 read as UTC.
 */
const kFutureSlackMs = 2 * kMsPerDay;
/** Feb 29 needs a leap year; one lies within any eight years. */
const kYearsBack = 8;

/**
 * The latest year that puts month/day/time no later than the receive
 * time (plus a small slack). BSD timestamps carry no year (RFC 3164
 * 4.1.2), and a log line describes the past: `Mar 1` received in
 * December is this March, not next; `Dec 31` received on Jan 1 is last
 * year's; `Jan 1 00:00:03` received at Dec 31 23:59:59 from a clock
 * running ahead is next year's. Feb 29 goes to the last leap year.
 */
export function nearestYearMs(
  month: number,
  day: number,
  msOfDay: number,
  receivedMs: number,
): number {
  const received = Number.isFinite(receivedMs) ? receivedMs : Date.now();

  // Frames arrive in bursts from the same day; skip the calendar maths.
  const receivedDay = Math.floor(received / kMsPerDay);
  if (receivedDay !== cachedDay) {
    cachedDay = receivedDay;
    cachedYear = yearOfMs(received);
  }

  for (let y = cachedYear + 1; y >= cachedYear - kYearsBack; y--) {
    if (day > daysInMonth(y, month)) continue;
    const ms = daysFromCivil(y, month, day) * kMsPerDay + msOfDay;
    if (ms <= received + kFutureSlackMs) return ms;
  }
  return NaN;
}

/**
 * BSD timestamp at `start` (RFC 3164 4.1.2 `Mmm dd hh:mm:ss`, day padded
 * with a space or a zero) and the variants devices send around it:
 * a year before the month (`2024 Mmm dd hh:mm:ss`) or after the day
 * (`Mmm dd 2024 hh:mm:ss`, Cisco ASA), fractional seconds, and after the
 * time a zone (`UTC`, `CEST`, `TZ-6`, `+02:00`) and/or a year. Without a
 * year the latest not after `receivedMs` is used; without a zone, UTC.
 */
export function scanBsdTimestamp(
  t: string,
  start: number,
  receivedMs: number,
): number {
  let i = start;
  let year = yearAt(t, i);
  if (year >= 0) i += 5;

  const month = monthAt(t, i);
  if (month === 0 || t.charCodeAt(i + 3) !== kSpace) return NaN;
  i += 4;
  if (t.charCodeAt(i) === kSpace) i++;

  let day = digitAt(t, i);
  if (day < 0) return NaN;
  if (digitAt(t, i + 1) >= 0) day = day * 10 + digitAt(t, ++i);
  if (day < 1 || day > 31 || t.charCodeAt(i + 1) !== kSpace) return NaN;
  i += 2;

  if (year < 0) {
    year = yearAt(t, i);
    if (year >= 0) i += 5;
  }
  return scanBsdTime(t, i, year, month, day, receivedMs);
}

function scanBsdTime(
  t: string,
  i: number,
  year: number,
  month: number,
  day: number,
  receivedMs: number,
): number {
  const ms = clockMs(t, i);
  if (Number.isNaN(ms)) return NaN;
  i = timeScan.end;

  // Zone and year are optional words after the time: ` CST 1987`.
  let offset = 0;
  if (t.charCodeAt(i) === kSpace) {
    const zoneMinutes = scanBsdZone(t, i + 1);
    if (!Number.isNaN(zoneMinutes)) {
      offset = zoneMinutes;
      i = timeScan.end;
    }
  }
  if (year < 0 && t.charCodeAt(i) === kSpace) {
    year = yearAt(t, i + 1);
    if (year >= 0) i += 5;
  }

  timeScan.end = i;
  return bsdToMs(year, month, day, ms, receivedMs) - offset * kMsPerMinute;
}

function bsdToMs(
  year: number,
  month: number,
  day: number,
  msOfDay: number,
  receivedMs: number,
): number {
  if (year < 0) return nearestYearMs(month, day, msOfDay, receivedMs);
  if (day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day) * kMsPerDay + msOfDay;
}
