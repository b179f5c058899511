import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  daysFromCivil,
  daysInMonth,
  nearestYearMs,
  scanBsdTimestamp,
  scanIsoTimestamp,
  timeScan,
  yearOfMs,
} from '../../../workers/parse/time.js';

const kDay = 86_400_000;

test('daysFromCivil agrees with Date.UTC across eras', () => {
  for (const [y, m, d] of [[1970, 1, 1], [1969, 12, 31], [2000, 2, 29],
    [2024, 3, 1], [1600, 1, 1], [2100, 12, 31], [1987, 8, 24]]) {
    assert.is(daysFromCivil(y, m, d) * kDay, Date.UTC(y, m - 1, d), `${y}`);
  }
});

test('daysInMonth knows leap years', () => {
  assert.is(daysInMonth(2024, 2), 29);
  assert.is(daysInMonth(2023, 2), 28);
  assert.is(daysInMonth(1900, 2), 28);
  assert.is(daysInMonth(2000, 2), 29);
  assert.is(daysInMonth(2024, 4), 30);
  assert.is(daysInMonth(2024, 12), 31);
});

test('yearOfMs at year edges', () => {
  assert.is(yearOfMs(Date.UTC(2024, 0, 1)), 2024);
  assert.is(yearOfMs(Date.UTC(2024, 0, 1) - 1), 2023);
  assert.is(yearOfMs(Date.UTC(2024, 11, 31, 23, 59, 59, 999)), 2024);
  assert.is(yearOfMs(0), 1970);
});

test('nearestYearMs: the latest year not in the future', () => {
  assert.is(nearestYearMs(12, 31, 0, Date.UTC(2025, 0, 1)),
    Date.UTC(2024, 11, 31));
  assert.is(nearestYearMs(1, 1, 0, Date.UTC(2024, 11, 31)),
    Date.UTC(2025, 0, 1), 'a clock a little ahead at the new year');
  assert.is(nearestYearMs(6, 1, 0, Date.UTC(2024, 4, 1)),
    Date.UTC(2023, 5, 1), 'June received in May is last June');
  assert.is(nearestYearMs(3, 1, 0, Date.UTC(2026, 11, 4)),
    Date.UTC(2026, 2, 1), 'March received in December is this March');
  assert.is(nearestYearMs(12, 5, 0, Date.UTC(2026, 11, 4)),
    Date.UTC(2026, 11, 5), 'a day ahead: clock skew or a local zone');
  assert.is(nearestYearMs(12, 7, 0, Date.UTC(2026, 11, 4)),
    Date.UTC(2025, 11, 7), 'three days ahead is last year');
});

test('nearestYearMs puts Feb 29 in the last leap year', () => {
  assert.is(nearestYearMs(2, 29, 43_200_000, Date.UTC(2026, 11, 4)),
    Date.UTC(2024, 1, 29, 12));
  assert.is(nearestYearMs(2, 29, 0, Date.UTC(2024, 2, 1)),
    Date.UTC(2024, 1, 29));
});

test('scanIsoTimestamp stops where the timestamp ends', () => {
  const text = 'x 2024-05-14T10:11:12.5+01:00 host';
  assert.is(scanIsoTimestamp(text, 2, false),
    Date.UTC(2024, 4, 14, 9, 11, 12, 500));
  assert.is(timeScan.end, 29);
  assert.ok(Number.isNaN(scanIsoTimestamp('2024-05-14 10:11:12', 0, false)));
  assert.is(scanIsoTimestamp('2024-05-14 10:11:12', 0, true),
    Date.UTC(2024, 4, 14, 10, 11, 12));
});

test('scanBsdTimestamp stops before the HOSTNAME', () => {
  const text = 'Aug 24 05:34:00 CST 1987 mymachine';
  assert.is(scanBsdTimestamp(text, 0, 0), Date.UTC(1987, 7, 24, 11, 34));
  assert.is(timeScan.end, 24);
  assert.ok(Number.isNaN(scanBsdTimestamp('Foo 24 05:34:00', 0, 0)));
  assert.ok(Number.isNaN(scanBsdTimestamp('Aug 24 5:34', 0, 0)));
});

test.run();
