import type { Socket } from 'node:net';
import { GlobalCounter } from '../counters.js';
import { RecordFlag, type Origin } from '../ring.js';
import type { ListenerContext } from './context.js';
import { FrameDecoder } from './framing.js';

/**
 * One TCP or TLS connection: decodes frames into the ring and pauses the
 * socket while the ring is full, so a fast sender is slowed by TCP flow
 * control instead of growing the daemon's memory.
 */
export class StreamConnection {
  private readonly decoder: FrameDecoder;
  private blocked = false;
  private ended = false;
  /** The daemon is stopping: read what Node holds, never resume flow. */
  private stopping = false;
  private readonly onSettle: Array<() => void> = [];
  /** Receive time of the last read, for the quiet check at shutdown. */
  lastInputMs = 0;
  private endFlags = 0;

  constructor(
    private readonly socket: Socket,
    private readonly origin: Origin,
    private readonly ctx: ListenerContext,
  ) {
    this.decoder = new FrameDecoder(ctx.maxMessageBytes,
      (buf, start, end, flags) => ctx.ingest.accept(origin, buf, start, end,
        flags, this.lastInputMs));

    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd(0));
    // A reset or error closes without 'end': what was read still counts.
    socket.on('close', () => {
      if (!this.ended) this.onEnd(RecordFlag.incomplete);
    });
    socket.on('error', () =>
      ctx.counters.addGlobal(GlobalCounter.connectionErrors, 1));
  }

  /** Waiting for ring space: input is held back, not over. */
  get blockedNow(): boolean {
    return this.blocked;
  }

  /** Every byte read so far is in the ring (or was a partial frame). */
  get settled(): boolean {
    return !this.blocked;
  }

  /** Runs `fn` once nothing is held back waiting for ring space. */
  whenSettled(fn: () => void): void {
    if (this.blocked) this.onSettle.push(fn);
    else fn();
  }

  /**
   * Stops reading. Bytes Node already took from the kernel sit in the
   * stream's buffer: they count as read, so they still go in, pulled
   * with read() from now on. The 'data' listener goes, since read()
   * also emits 'data', and the socket never flows again: flowing with
   * no listener would throw those bytes away.
   */
  pause(): void {
    this.stopping = true;
    this.socket.pause();
    this.socket.removeAllListeners('data');
    this.readHeld();
  }

  /** The daemon stops: keep a partial frame, flagged, then close. */
  finish(): void {
    this.readHeld();
    if (!this.ended && !this.decoder.end(RecordFlag.incomplete)) {
      // Only if the ring is still full after the drain: count the loss.
      this.ctx.counters.addGlobal(GlobalCounter.dropRingFull, 1);
    }
    this.ended = true;
    this.socket.destroy();
  }

  private readHeld(): void {
    let chunk: Buffer | null;
    while (!this.blocked && !this.ended &&
        (chunk = this.socket.read() as Buffer | null)) {
      this.onData(chunk);
    }
  }

  private onData(chunk: Buffer): void {
    this.lastInputMs = Date.now();
    if (this.decoder.push(chunk)) return;
    this.block();
  }

  private onEnd(flags: number): void {
    this.ended = true;
    this.endFlags = flags;
    if (this.blocked) return;
    if (!this.decoder.end(flags)) this.block();
  }

  private block(): void {
    this.blocked = true;
    this.socket.pause();
    this.ctx.ingest.waitForSpace(this.resume);
  }

  private readonly resume = (): void => {
    if (!this.decoder.drain() ||
        (this.ended && !this.decoder.end(this.endFlags))) {
      this.ctx.ingest.waitForSpace(this.resume);
      return;
    }
    this.blocked = false;
    if (this.stopping) this.readHeld();
    else if (!this.ended) this.socket.resume();
    if (!this.blocked) {
      for (const fn of this.onSettle.splice(0)) fn();
    }
  };
}
