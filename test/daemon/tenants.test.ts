import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../daemon/config.js';
import { TenantMap } from '../../daemon/tenants.js';

const config = resolveConfig({
  tenants: [
    { name: 'acme', sources: ['10.1.0.0/16', '2001:db8::/32'],
      certificate_subjects: ['CN=fw-1,O=Acme'] },
    { name: 'globex', sources: ['10.0.0.0/8'],
      certificate_subjects: ['CN=collector-9'] },
  ],
}, '/');
const map = new TenantMap(config.tenants);

test('source addresses map by CIDR, first tenant wins on overlap', () => {
  assert.is(map.bySource('10.1.2.3'), 0);
  assert.is(map.bySource('10.2.0.1'), 1);
  assert.is(map.bySource('2001:db8::5'), 0);
  assert.is(map.bySource('::ffff:10.2.0.1'), 1);
  assert.is(map.bySource('192.0.2.1'), -1);
  assert.is(map.bySource('192.0.2.1'), -1, 'cached answer is the same');
});

test('certificate subjects must match every configured attribute', () => {
  assert.is(map.bySubject({ CN: 'fw-1', O: 'Acme', C: 'US' }), 0);
  assert.is(map.bySubject({ CN: 'fw-1', O: 'Other' }), -1);
  assert.is(map.bySubject({ CN: 'collector-9' }), 1);
  assert.is(map.bySubject({ CN: ['x', 'collector-9'] }), 1);
  assert.is(map.bySubject(undefined), -1);
});

test.run();
