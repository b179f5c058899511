import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  type Classification,
  Classifier,
} from '../../../workers/classify/engine.js';
import {
  parseRules,
  type RuleSpec,
  type GroupSpec,
} from '../../../workers/classify/rules.js';
import {
  createMessage,
  type ParsedMessage,
} from '../../../workers/parse/message.js';

function ruleSet(rules: Array<RuleSpec | GroupSpec>,
  severity = [0, 0, 0, 0, 0, 0, 0, 0]) {
  return parseRules({
    version: 1,
    scoring: {
      severity,
      signals: [
        { id: 'root', categories: ['authentication'], containsAny: ['root'],
          add: 20 },
        { id: 'boom', categories: ['host'], containsAny: ['boom', 'bang',
          'crash'], add: 7 },
      ],
    },
    fallback: { category: 'host', score: 3, errorSeverity: 3,
      facilities: { auth: 'authentication', mail: 'email' } },
    rules,
  });
}

function msg(priority: number, appname: string | undefined, message: string,
  msgid?: string): ParsedMessage {
  const m = createMessage();
  m.priority = priority;
  m.appname = appname;
  m.message = message;
  m.msgid = msgid;
  return m;
}

function run(c: Classifier, m: ParsedMessage): Classification {
  const out: Classification = {
    category: 'stale', eventType: 'stale', riskScore: -1, ruleId: 'stale',
  };
  c.classify(m, out);
  return out;
}

const info = 14; // user.info
const web = (id: string, score = 1): RuleSpec =>
  ({ id, category: 'web', eventType: 'access', score });

test('first match in file order, across app-less and per-app rules', () => {
  const anyFirst = new Classifier(ruleSet([
    { ...web('any'), contains: ['x'] },
    { ...web('foo'), appname: ['foo'], contains: ['x'] },
  ]));
  assert.is(run(anyFirst, msg(info, 'foo', 'x')).ruleId, 'any');

  const appFirst = new Classifier(ruleSet([
    { ...web('foo'), appname: ['foo'], contains: ['x'] },
    { ...web('any'), contains: ['x'] },
  ]));
  assert.is(run(appFirst, msg(info, 'foo', 'x')).ruleId, 'foo');
  assert.is(run(appFirst, msg(info, 'bar', 'x')).ruleId, 'any');
  assert.is(run(appFirst, msg(info, undefined, 'x')).ruleId, 'any');
});

test('appname is exact and case-sensitive', () => {
  const c = new Classifier(ruleSet([
    { ...web('foo'), appname: ['foo', 'foo2'] },
  ]));
  assert.is(run(c, msg(info, 'foo2', '')).ruleId, 'foo');
  assert.is(run(c, msg(info, 'Foo', '')).ruleId, '');
  assert.is(run(c, msg(info, 'fo', '')).ruleId, '');
});

test('contains needs all literals, containsAny one of them', () => {
  const c = new Classifier(ruleSet([
    { ...web('all'), contains: ['alpha', 'beta'] },
    { ...web('any'), containsAny: ['gamma', 'delta', 'epsilon', 'zeta'] },
  ]));
  assert.is(run(c, msg(info, 'a', 'alpha beta')).ruleId, 'all');
  assert.is(run(c, msg(info, 'a', 'alpha only')).ruleId, '');
  assert.is(run(c, msg(info, 'a', 'x zeta y')).ruleId, 'any');
  assert.is(run(c, msg(info, 'a', 'x d.lta (y')).ruleId, '');
});

test('literals are literal: regex metacharacters match themselves', () => {
  const c = new Classifier(ruleSet([
    { ...web('meta'), containsAny: ['a.b', '(x)', '[1]', 'q|r'] },
  ]));
  assert.is(run(c, msg(info, 'a', 'see (x) here')).ruleId, 'meta');
  assert.is(run(c, msg(info, 'a', 'q|r')).ruleId, 'meta');
  assert.is(run(c, msg(info, 'a', 'axb x 1 q')).ruleId, '');
});

test('severity range, facility list, msgid and regex', () => {
  const c = new Classifier(ruleSet([
    { ...web('crit'), severity: { max: 2 } },
    { ...web('mail'), facility: ['mail'] },
    { ...web('msgid'), msgid: ['4625'] },
    { ...web('port'), regex: 'port [0-9]{2,5}$' },
  ]));
  assert.is(run(c, msg(2, 'a', '')).ruleId, 'crit'); // kern.crit
  assert.is(run(c, msg(19, 'a', '')).ruleId, 'mail'); // mail.err
  assert.is(run(c, msg(info, 'a', '', '4625')).ruleId, 'msgid');
  assert.is(run(c, msg(info, 'a', '', '4624')).ruleId, '');
  assert.is(run(c, msg(info, 'a', 'from h port 22')).ruleId, 'port');
  assert.is(run(c, msg(info, 'a', 'from h port 22 x')).ruleId, '');
});

test('a frame without PRI only matches rules without PRI conditions', () => {
  const c = new Classifier(ruleSet([
    { ...web('sev'), severity: { min: 0, max: 6 } },
    { ...web('fac'), facility: ['user'] },
    { ...web('open'), contains: ['z'] },
  ]));
  assert.is(run(c, msg(-1, undefined, 'z')).ruleId, 'open');
  assert.is(run(c, msg(-1, undefined, 'y')).ruleId, '');
});

test('a group tests its guard once and falls through when no member hits',
  () => {
    const c = new Classifier(ruleSet([
      { group: 'g', appname: ['app'], contains: ['%G-'], rules: [
        { ...web('g-1'), contains: ['-1:'] },
        { ...web('g-2'), contains: ['-2:'] },
      ] },
      { ...web('after'), contains: ['-3:'] },
    ]));
    assert.is(run(c, msg(info, 'app', '%G-2: x')).ruleId, 'g-2');
    assert.is(run(c, msg(info, 'app', 'no guard -1:')).ruleId, '');
    assert.is(run(c, msg(info, 'app', '%G-3: x')).ruleId, 'after');
    assert.is(run(c, msg(info, 'other', '%G-1: x')).ruleId, '');
  });

test('every field of the reused output is overwritten', () => {
  const c = new Classifier(ruleSet([
    { id: 'login', contains: ['login'], category: 'authentication',
      eventType: 'start', score: 10 },
  ]));
  const out: Classification = {
    category: '', eventType: '', riskScore: 0, ruleId: '',
  };
  c.classify(msg(info, 'a', 'login root'), out);
  assert.equal(out, { category: 'authentication', eventType: 'start',
    riskScore: 30, ruleId: 'login' });

  c.classify(msg(35, 'a', 'nothing'), out); // auth.err
  assert.equal(out, { category: 'authentication', eventType: 'error',
    riskScore: 3, ruleId: '' });
});

test('score: base + severity + signals of the category, clamped', () => {
  const severity = [90, 40, 30, 20, 10, 0, 0, -50];
  const c = new Classifier(ruleSet([
    { id: 'auth', contains: ['auth'], category: 'authentication',
      eventType: 'denied', score: 60 },
    { id: 'host', contains: ['host'], category: 'host', eventType: 'error',
      score: 20 },
  ], severity));

  assert.is(run(c, msg(0, 'a', 'auth root')).riskScore, 100); // 170
  assert.is(run(c, msg(4, 'a', 'auth root')).riskScore, 90);
  assert.is(run(c, msg(7, 'a', 'host')).riskScore, 0); // -30
  assert.is(run(c, msg(-1, 'a', 'host crash')).riskScore, 27);
  // 'root' is an authentication signal only.
  assert.is(run(c, msg(6, 'a', 'host root')).riskScore, 20);
  // The fallback uses the same formula with its own base.
  assert.is(run(c, msg(3, 'a', 'boom')).riskScore, 30);
});

test.run();
