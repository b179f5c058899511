import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  parseStructuredData,
  scanStructuredData,
} from '../../../workers/parse/structured-data.js';

/** Plain objects, so `equal` compares contents and not prototypes. */
function plain(sd: string): unknown {
  const parsed = parseStructuredData(sd);
  return parsed === undefined ? undefined : JSON.parse(JSON.stringify(parsed));
}

test('RFC 5424 6.5 examples 3 and 4', () => {
  assert.equal(plain('[exampleSDID@32473 iut="3" eventSource="Application" ' +
    'eventID="1011"][examplePriority@32473 class="high"]'), {
    'exampleSDID@32473': {
      iut: '3',
      eventSource: 'Application',
      eventID: '1011',
    },
    'examplePriority@32473': { class: 'high' },
  });
});

test('RFC 5424 6.3.3 escapes are undone; other backslashes stay', () => {
  assert.equal(plain('[id@1 q="a\\"b" s="c\\\\d" c="e\\]f" n="g\\nh"]'), {
    'id@1': { q: 'a"b', s: 'c\\d', c: 'e]f', n: 'g\\nh' },
  });
});

test('an unescaped `]` inside a quoted value is data', () => {
  assert.equal(plain('[id@1 a="x]y" b="[z]"]'), {
    'id@1': { a: 'x]y', b: '[z]' },
  });
});

test('element without parameters, empty value, UTF-8 value', () => {
  assert.equal(plain('[timeQuality][meta@1 e="" u="Grüße ✓"]'), {
    timeQuality: {},
    'meta@1': { e: '', u: 'Grüße ✓' },
  });
});

test('repeated PARAM-NAME and SD-ID keep every value, joined by commas', () => {
  assert.equal(plain('[origin ip="192.0.2.1" ip="2001:db8::1" ' +
    'software="sluice"][origin ip="198.51.100.7"]'), {
    origin: {
      ip: '192.0.2.1,2001:db8::1,198.51.100.7',
      software: 'sluice',
    },
  });
});

test('names such as __proto__ are plain keys', () => {
  const parsed = parseStructuredData('[__proto__ polluted="yes"]');
  assert.ok(parsed !== undefined);
  assert.is(Object.getPrototypeOf(parsed), null);
  assert.is(parsed?.['__proto__']?.polluted, 'yes');
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('NILVALUE, empty and malformed text give undefined', () => {
  for (const sd of ['-', '', '[', '[]', '[id', '[id a="b"', '[id a=b]',
    '[id a="b]', '[id ="b"]', '[id a="b"]x', 'x[id a="b"]', '[id a"b"]',
    '[i=d a="b"]', '[id a="b"] [id2 c="d"]']) {
    assert.is(parseStructuredData(sd), undefined, sd);
  }
});

test('scanStructuredData finds the end of the run', () => {
  const text = 'x [a@1 k="v"][b@2] msg';
  assert.is(scanStructuredData(text, 2), 18);
  assert.is(scanStructuredData(text, 0), -1);
  assert.is(scanStructuredData('[a k="unterminated', 0), -1);
});

test.run();
