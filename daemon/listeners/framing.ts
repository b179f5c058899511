import { RecordFlag } from '../ring.js';

/**
 * Receives one frame. Returns false when it cannot take the frame now
 * (the ring is full): the decoder then keeps the frame and everything
 * after it until `drain()` is called again.
 */
export type FrameSink =
  (buf: Buffer, start: number, end: number, flags: number) => boolean;

const kLF = 0x0a;
const kCR = 0x0d;
const kNUL = 0x00;
const kSP = 0x20;
const kZero = 0x30;
const kNine = 0x39;
/** RFC 6587 MSG-LEN digits we accept: up to 999,999,999 octets. */
const kMaxLengthDigits = 9;

/**
 * Splits a TCP or TLS byte stream into syslog frames, deciding per frame
 * between RFC 6587 octet counting and LF-terminated framing, as rsyslog
 * does: senders are known to switch after a reconnect or a relay change.
 * Frames longer than `maxBytes` are cut and flagged, never dropped.
 */
export class FrameDecoder {
  private pending: Buffer | null = null;
  /** Octets of an over-long counted frame still to be skipped. */
  private skip = 0;
  /** An over-long LF frame was cut: discard through its LF. */
  private discardLine = false;

  constructor(
    private readonly maxBytes: number,
    private readonly sink: FrameSink,
  ) {}

  /** Bytes held for a frame not yet complete or not yet accepted. */
  get pendingBytes(): number {
    return this.pending === null ? 0 : this.pending.length;
  }

  /** Adds bytes read from the socket; false if the sink pushed back. */
  push(chunk: Buffer): boolean {
    const held = this.pending;
    if (held === null) {
      this.pending = chunk;
      return this.drain();
    }

    // A frame straddling two reads is the common case at high rates.
    // Only that frame is copied together; the rest of the read is
    // decoded where it lies. When the frame's end cannot be told yet
    // (a split MSG-LEN, no LF in this read), everything is joined.
    const k = this.straddleEnd(held, chunk);
    if (k < 0) {
      this.pending = Buffer.concat([held, chunk]);
      return this.drain();
    }

    this.pending = Buffer.concat([held, chunk.subarray(0, k)]);
    const ok = this.drain();
    const rest = chunk.subarray(k);
    this.pending = this.pending === null ? rest :
      Buffer.concat([this.pending, rest]);
    return ok && this.drain();
  }

  /**
   * Bytes of `chunk` that complete the frame `held` starts with, or -1
   * when that is not known or is the whole chunk. `held` always starts
   * at a frame: `decode` keeps bytes from a frame's first byte on.
   */
  private straddleEnd(held: Buffer, chunk: Buffer): number {
    if (this.skip > 0 || this.discardLine) return -1;

    const header = countedHeader(held, 0);
    let k: number;
    if (header > 0) {
      // RFC 6587 3.4.1: the frame ends MSG-LEN octets after the SP; an
      // over-long one is taken up to the size limit, the rest skipped.
      const body = digitsOf(held, 0) + 1;
      k = body + Math.min(header, this.maxBytes) - held.length;
    } else if (header === 0) {
      k = chunk.indexOf(kLF) + 1;
    } else {
      return -1;
    }
    return k > 0 && k < chunk.length ? k : -1;
  }

  /** Re-offers held frames to the sink; false if it pushed back again. */
  drain(): boolean {
    const buf = this.pending;
    if (buf === null) return true;

    const consumed = this.decode(buf);
    if (consumed < 0) {
      return false;
    }
    this.pending = consumed < buf.length ? buf.subarray(consumed) : null;
    return true;
  }

  /**
   * The peer closed the stream: a last LF frame without its trailer is
   * complete (many senders omit the final LF); a counted frame that is
   * short of its MSG-LEN is kept and flagged incomplete. `closing` adds
   * flags, e.g. incomplete when the daemon itself stops mid-stream.
   */
  end(closing = 0): boolean {
    const buf = this.pending;
    if (buf === null || this.skip > 0 || this.discardLine) return true;

    let start = 0;
    while (start < buf.length && isSeparator(buf[start]!)) start++;
    if (start === buf.length) {
      this.pending = null;
      return true;
    }

    const header = countedHeader(buf, start);
    let flags = closing;
    let bodyStart = start;
    if (header > 0) {
      bodyStart = start + digitsOf(buf, start) + 1;
      flags = RecordFlag.incomplete;
    }
    let end = trimEnd(buf, bodyStart, buf.length);
    if (end - bodyStart > this.maxBytes) {
      end = bodyStart + this.maxBytes;
      flags |= RecordFlag.truncated;
    }
    if (!this.sink(buf, bodyStart, end, flags)) return false;
    this.pending = null;
    return true;
  }

  /** Returns bytes consumed, or -1 after the sink pushed back. */
  private decode(buf: Buffer): number {
    let pos = 0;
    const len = buf.length;

    while (pos < len) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, len - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      if (this.discardLine) {
        const lf = buf.indexOf(kLF, pos);
        if (lf < 0) return len;
        this.discardLine = false;
        pos = lf + 1;
        continue;
      }
      if (isSeparator(buf[pos]!)) {
        pos++;
        continue;
      }

      const header = countedHeader(buf, pos);
      const next = header === -2 ? pos :
        header > 0 ? this.counted(buf, pos, header) : this.line(buf, pos);
      if (next === -1) {
        this.pending = buf.subarray(pos);
        return -1;
      }
      if (next === pos) break;
      pos = next;
    }
    return pos;
  }

  /** RFC 6587 3.4.1: octet counting, "MSG-LEN SP SYSLOG-MSG". */
  private counted(buf: Buffer, pos: number, length: number): number {
    const start = pos + digitsOf(buf, pos) + 1;
    const available = buf.length - start;

    if (length <= this.maxBytes) {
      if (available < length) return pos;
      // rsyslog and others count a template's trailing LF into MSG-LEN;
      // it is framing noise, as in the LF framing below.
      const end = trimEnd(buf, start, start + length);
      if (!this.sink(buf, start, end, 0)) return -1;
      return start + length;
    }

    if (available < this.maxBytes) return pos;
    const end = start + this.maxBytes;
    if (!this.sink(buf, start, end, RecordFlag.truncated)) return -1;
    this.skip = length - this.maxBytes;
    return end;
  }

  /** RFC 6587 3.4.2: non-transparent framing with an LF trailer. */
  private line(buf: Buffer, pos: number): number {
    const lf = buf.indexOf(kLF, pos);
    if (lf < 0) {
      if (buf.length - pos <= this.maxBytes) return pos;
      const end = pos + this.maxBytes;
      if (!this.sink(buf, pos, end, RecordFlag.truncated)) return -1;
      this.discardLine = true;
      return end;
    }

    let end = trimEnd(buf, pos, lf);
    let flags = 0;
    if (end - pos > this.maxBytes) {
      end = pos + this.maxBytes;
      flags = RecordFlag.truncated;
    }
    if (!this.sink(buf, pos, end, flags)) return -1;
    return lf + 1;
  }
}

/** Separators tolerated between frames: stray LF, CR and NUL. */
function isSeparator(c: number): boolean {
  return c === kLF || c === kCR || c === kNUL;
}

/**
 * MSG-LEN of an octet-counted frame at `pos`, 0 when the frame is not
 * octet-counted, -2 when more bytes are needed to tell. RFC 6587 3.4.1:
 * MSG-LEN = NONZERO-DIGIT *DIGIT, followed by one SP.
 */
function countedHeader(buf: Buffer, pos: number): number {
  const first = buf[pos]!;
  if (first <= kZero || first > kNine) return 0;

  let length = 0;
  for (let i = pos; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === kSP) return length;
    if (c < kZero || c > kNine || i - pos >= kMaxLengthDigits) return 0;
    length = length * 10 + (c - kZero);
  }
  return -2;
}

function digitsOf(buf: Buffer, pos: number): number {
  let i = pos;
  while (i < buf.length && buf[i]! >= kZero && buf[i]! <= kNine) i++;
  return i - pos;
}

/** Drops trailing CR and NUL that some senders put before the LF. */
export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start) {
    const c = buf[end - 1]!;
    if (c !== kCR && c !== kNUL && c !== kLF) break;
    end--;
  }
  return end;
}
