import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ListenerContext } from '../../../daemon/listeners/context.js';
import { StreamConnection } from '../../../daemon/listeners/stream.js';
import type { Origin } from '../../../daemon/ring.js';

/** The parts of a socket a connection uses, recording what it does. */
class FakeSocket extends EventEmitter {
  paused = false;
  destroyed = false;
  /** What Node would hand out through read(), as a paused stream. */
  held: Buffer[] = [];
  pause(): this { this.paused = true; return this; }
  resume(): this { this.paused = false; return this; }
  read(): Buffer | null {
    const chunk = this.held.shift() ?? null;
    // Like Node: read() also emits 'data' for what it returns.
    if (chunk !== null) this.emit('data', chunk);
    return chunk;
  }
  destroy(): this { this.destroyed = true; return this; }
}

function connection(room: { frames: number }) {
  const socket = new FakeSocket();
  const frames: Array<[string, number]> = [];
  let wake: (() => void) | undefined;
  const ctx = {
    maxMessageBytes: 1024,
    counters: { addGlobal() {} },
    ingest: {
      accept(_o: Origin, buf: Buffer, start: number, end: number,
        flags: number) {
        if (room.frames === 0) return false;
        room.frames--;
        frames.push([buf.toString('latin1', start, end), flags]);
        return true;
      },
      waitForSpace(resume: () => void) { wake = resume; },
    },
  } as unknown as ListenerContext;
  const origin = {} as Origin;
  const conn = new StreamConnection(socket as unknown as Socket, origin, ctx);
  return { socket, frames, conn, wake: () => wake?.() };
}

test('a reset keeps the partial frame, flagged incomplete', () => {
  const { socket, frames } = connection({ frames: 10 });
  socket.emit('data', Buffer.from('<13>whole\n<13>half of a'));
  socket.emit('close');
  assert.equal(frames, [['<13>whole', 0], ['<13>half of a', 2]]);
});

test('a clean end keeps a last line without LF as complete', () => {
  const { socket, frames } = connection({ frames: 10 });
  socket.emit('data', Buffer.from('<13>last'));
  socket.emit('end');
  socket.emit('close');
  assert.equal(frames, [['<13>last', 0]]);
});

test('a full ring pauses the socket until space is freed', () => {
  const room = { frames: 1 };
  const { socket, frames, wake } = connection(room);
  socket.emit('data', Buffer.from('<13>a\n<13>b\n<13>c\n'));
  assert.ok(socket.paused);
  assert.equal(frames.map((f) => f[0]), ['<13>a']);

  room.frames = 10;
  wake();
  assert.not.ok(socket.paused);
  assert.equal(frames.map((f) => f[0]), ['<13>a', '<13>b', '<13>c']);
});

test('a reset while paused still hands the rest in once there is room',
  () => {
    const room = { frames: 0 };
    const { socket, frames, wake } = connection(room);
    socket.emit('data', Buffer.from('<13>a\n<13>cut'));
    socket.emit('close');
    assert.equal(frames, []);
    room.frames = 10;
    wake();
    assert.equal(frames, [['<13>a', 0], ['<13>cut', 2]]);
  });

test('stopping while held back: what Node read still goes in, once',
  () => {
    const room = { frames: 1 };
    const { socket, frames, conn, wake } = connection(room);
    socket.emit('data', Buffer.from('<13>a\n<13>b\n'));
    assert.ok(conn.blockedNow);

    conn.pause();
    socket.held.push(Buffer.from('<13>c\n<13>d'));
    room.frames = 10;
    wake();
    assert.ok(socket.paused, 'never flows again without a listener');
    assert.not.ok(conn.blockedNow);

    conn.finish();
    assert.equal(frames, [['<13>a', 0], ['<13>b', 0], ['<13>c', 0],
      ['<13>d', 2]]);
    assert.ok(socket.destroyed);
  });

test('a reset connection settles only after its held frames are in', () => {
  const room = { frames: 0 };
  const { socket, conn, wake } = connection(room);
  socket.emit('data', Buffer.from('<13>a\n'));
  let settled = false;
  socket.emit('close');
  conn.whenSettled(() => { settled = true; });
  assert.not.ok(settled);
  room.frames = 1;
  wake();
  assert.ok(settled);
});

test.run();
