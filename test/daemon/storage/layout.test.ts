import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  dayName, parseDayName, parseHourName,
} from '../../../daemon/storage/layout.js';

function day(year: number, month: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, d);
  return date.getTime();
}

test('day folders round-trip for every four-digit year', () => {
  for (const [y, m, d] of [[2026, 12, 4], [0, 1, 1], [99, 6, 1],
    [1900, 2, 28], [2024, 2, 29], [9999, 12, 31]]) {
    const ms = day(y!, m!, d!);
    assert.is(parseDayName(dayName(ms)), ms, dayName(ms));
  }
  assert.is(dayName(day(0, 1, 1)), '0000-01-01');
});

test('names that are not days or hours are ignored', () => {
  assert.is(parseDayName('2023-02-29'), undefined);
  assert.is(parseDayName('2026-13-01'), undefined);
  assert.is(parseDayName('notes'), undefined);
  assert.is(parseHourName('24'), undefined);
  assert.is(parseHourName('07'), 7);
});

test.run();
