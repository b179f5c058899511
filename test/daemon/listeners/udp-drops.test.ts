import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sumDrops } from '../../../daemon/listeners/udp-drops.js';

const table = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when ' +
    'retrnsmt   uid  timeout inode ref pointer drops',
  '  471: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 ' +
    '00000000     0        0 81234 2 0000000000000000 129665',
  '  472: 0200007F:158A 00000000:0000 07 00000000:00000000 00:00000000 ' +
    '00000000     0        0 81235 2 0000000000000000 5',
  '  900: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 ' +
    '00000000     0        0 11111 2 0000000000000000 77',
  '',
].join('\n');

test('drops of the sockets on our ports, from /proc/net/udp rows', () => {
  assert.is(sumDrops(table, new Set([5514])), 129670);
  assert.is(sumDrops(table, new Set([68])), 77);
  assert.is(sumDrops(table, new Set([9999])), 0);
});

test('IPv6 rows have the same shape', () => {
  const v6 = '  sl  local_address remote_address st tx rx tr tm retr uid ' +
    'timeout inode ref pointer drops\n' +
    '   12: 00000000000000000000000001000000:158A ' +
    '00000000000000000000000000000000:0000 07 00000000:00000000 ' +
    '00:00000000 00000000     0        0 555 2 0000000000000000 3\n';
  assert.is(sumDrops(v6, new Set([5514])), 3);
});

test.run();
