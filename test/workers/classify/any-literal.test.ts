import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { anchorsOf, AnyLiteral } from '../../../workers/classify/score.js';

const kRules = new URL('../../../schemas/rules/default.json', import.meta.url);

/** Every containsAny list of the default rules and its signals. */
function literalSets(): string[][] {
  const rules = JSON.parse(readFileSync(kRules, 'utf8')) as {
    scoring: { signals: Array<{ containsAny: string[] }> };
    rules: Array<{ containsAny?: string[]; rules?: unknown[] }>;
  };
  const sets = rules.scoring.signals.map((s) => s.containsAny);
  const walk = (list: Array<{ containsAny?: string[]; rules?: unknown[] }>) => {
    for (const r of list) {
      if (r.containsAny) sets.push(r.containsAny);
      if (r.rules) walk(r.rules as typeof list);
    }
  };
  walk(rules.rules);
  return sets;
}

test('anchors: every literal contains one, and they are fewer', () => {
  const privileged = [' root ', 'user=root', 'USER=root', 'user root',
    '(to root)', ' admin ', 'user=admin', 'UserName=admin ',
    'UserName=root ', 'UserName=Administrator', 'user = root',
    'user = admin', "group 'sudo'", "group 'wheel'", "group 'admin'",
    'to group sudo'];
  assert.equal(anchorsOf(privileged, 4), ['root', 'dmin', 'grou']);
  assert.equal(anchorsOf(['ab', 'abc', 'xabcd'], 4), ['ab']);
  assert.equal(anchorsOf(['x', ''], 4), ['x', '']);

  for (const set of literalSets()) {
    const anchors = anchorsOf(set, 4);
    assert.ok(anchors.length <= set.length);
    for (const l of set) assert.ok(anchors.some((a) => l.includes(a)), l);
  }
});

test('test() answers as one indexOf per literal would', () => {
  const sets = literalSets().concat([['a.b', '(x)', '[y]'], ['', 'zz', 'q']]);
  const texts = [
    '', 'nothing to see', 'Accepted password for root from 192.0.2.1',
    'session opened for user root by (uid=0)', 'su: (to root) ops on pts/0',
    "usermod[1]: add 'ops' to group 'sudo'", 'UserName=Administrator x',
    'ROOT user=roo', 'action=deny', 'action="blocked" policy',
    'GET /wp-login.php HTTP/1.1', 'a.b', 'axb (x) [y]', 'rooted admins',
    'disk error on sda', 'Failed to start', 'permission denied',
  ];
  for (const set of sets) {
    const any = new AnyLiteral(set);
    for (const text of texts) {
      const expected = set.some((l) => text.includes(l));
      assert.is(any.test(text), expected, `${JSON.stringify(set)} ${text}`);
    }
  }
});

test.run();
