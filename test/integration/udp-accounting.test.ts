import { createSocket } from 'node:dgram';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { metric, startDaemon, waitFor } from '../helpers/daemon.js';
import { freePorts } from '../helpers/ports.js';

// UDP has no flow control: under a burst larger than the daemon can take,
// datagrams are lost in the kernel's socket buffer or at a full ring. The
// rule is that each one is either received or counted as dropped.

const kDatagrams = 100_000;

function burst(port: number, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const frame = Buffer.from('<13>1 2026-12-04T10:00:00Z burst app - - - ' +
      'x'.repeat(400));
    let sent = 0;
    let done = 0;
    socket.once('error', reject);
    const more = (): void => {
      for (let i = 0; i < 500 && sent < n; i++, sent++) {
        socket.send(frame, port, '127.0.0.1', () => {
          if (++done === n) socket.close(() => resolve());
        });
      }
      if (sent < n) setImmediate(more);
    };
    more();
  });
}

test('every datagram of a burst is received or counted as dropped',
  async () => {
    const [udp] = await freePorts(1);
    const daemon = await startDaemon({
      config: {
        listeners: [{ name: 'burst', protocol: 'udp', host: '127.0.0.1',
          port: udp, receive_buffer_bytes: 65536 }],
        pipeline: { workers: 1, ring_bytes: 1 << 20 },
      },
    });
    try {
      await burst(udp!, kDatagrams);

      let accounted = 0;
      await waitFor(async () => {
        const m = await daemon.metrics();
        accounted = metric(m, 'sluice_messages_received_total') +
          metric(m, 'sluice_messages_dropped_total',
            { reason: 'ring_full' }) +
          metric(m, 'sluice_messages_dropped_total',
            { reason: 'udp_receive_buffer' });
        return accounted >= kDatagrams;
      }, 20_000, () => `accounted for ${accounted} of ${kDatagrams}`);
      assert.is(accounted, kDatagrams);

      const m = await daemon.metrics();
      const received = metric(m, 'sluice_messages_received_total');
      await daemon.waitForStored(received);
      await daemon.stop();
      assert.is(await daemon.count(), received);
    } finally {
      await daemon.dispose();
    }
  });

test.run();
