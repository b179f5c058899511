import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { SluiceError } from '../../../daemon/errors.js';
import {
  loadRules,
  parseRules,
  type RuleSet,
} from '../../../workers/classify/rules.js';

function minimal(): Record<string, unknown> {
  return {
    version: 1,
    scoring: { severity: [30, 25, 20, 10, 5, 0, 0, -5], signals: [] },
    fallback: { category: 'host', score: 5, errorSeverity: 3,
      facilities: {} },
    rules: [
      { id: 'sshd-failed', appname: ['sshd'], contains: ['Failed '],
        category: 'authentication', eventType: 'denied', score: 40 },
    ],
  };
}

/** A copy of `minimal()` with `edit` applied. */
function variant(edit: (set: any) => void): unknown {
  const set = minimal();
  edit(set);
  return set;
}

function rejects(data: unknown, message: string): void {
  try {
    parseRules(data, 'test.json');
  } catch (err) {
    assert.instance(err, SluiceError);
    assert.is((err as SluiceError).code, 'SLUICE_ERR_RULES_INVALID');
    assert.is((err as SluiceError).message, message);
    return;
  }
  assert.unreachable('expected SLUICE_ERR_RULES_INVALID');
}

test('the default rule set is valid and keeps its top-level shape', () => {
  const set: RuleSet = loadRules();
  assert.is(set.version, 1);
  assert.equal(set.scoring.severity, [30, 25, 20, 10, 5, 0, 0, -5]);
  assert.equal(set.scoring.signals.map((s) => s.id),
    ['privileged-account', 'failure-word', 'web-probe']);
  assert.is(set.fallback.category, 'host');
});

test('a minimal rule set passes', () => {
  const set = parseRules(minimal());
  assert.is(set.rules.length, 1);
});

test('misspelt key: names the rule and the key', () => {
  rejects(variant((s) => { s.rules[0].conatins = ['x']; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): unknown key " +
    "'conatins'; see schemas/rules.md for the keys allowed here");
});

test('category outside the ECS list: lists what is allowed', () => {
  rejects(variant((s) => { s.rules[0].category = 'auth'; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): key 'category' is " +
    '"auth"; expected one of api, authentication, configuration, ' +
    'database, driver, email, file, host, iam, intrusion_detection, ' +
    'library, malware, network, package, process, registry, session, ' +
    'threat, vulnerability, web');
});

test('severity out of range', () => {
  rejects(variant((s) => { s.rules[0].severity = { max: 9 }; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): key 'severity.max' " +
    'must be <= 7');
});

test('score above 100', () => {
  rejects(variant((s) => { s.rules[0].score = 101; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): key 'score' must be " +
    '<= 100');
});

test('missing score', () => {
  rejects(variant((s) => { delete s.rules[0].score; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): missing required " +
    "key 'score'");
});

test('appname on a group member is refused', () => {
  rejects(variant((s) => {
    s.rules.push({ group: 'web', appname: ['nginx'], rules: [
      { id: 'web-any', appname: ['nginx'], category: 'web',
        eventType: 'access', score: 0 },
    ] });
  }),
  "rules test.json: rule 'web-any' (rules[1].rules[0]): unknown key " +
    "'appname'; see schemas/rules.md for the keys allowed here");
});

test('empty literal list', () => {
  rejects(variant((s) => { s.rules[0].containsAny = []; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): key 'containsAny' " +
    'must NOT have fewer than 1 items');
});

test('unknown facility name in the fallback table', () => {
  rejects(variant((s) => { s.fallback.facilities.security = 'iam'; }),
    "rules test.json: unknown key 'fallback.facilities.security'; " +
    'expected one of kern, user, mail, daemon, auth, syslog, lpr, news, ' +
    'uucp, cron, authpriv, ftp, ntp, audit, alert, clock, local0, local1, ' +
    'local2, local3, local4, local5, local6, local7');
});

test('duplicate rule id', () => {
  rejects(variant((s) => { s.rules.push({ ...s.rules[0] }); }),
    "rules test.json: rule 'sshd-failed' (rules[1]): id is already used " +
    "by rule 'sshd-failed' (rules[0]); rule ids must be unique");
});

test('regex that does not compile', () => {
  rejects(variant((s) => { s.rules[0].regex = 'port (\\d+'; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): regex is not a " +
    'valid regular expression (Invalid regular expression: /port (\\d+/: ' +
    'Unterminated group)');
});

test('severity range upside down', () => {
  rejects(variant((s) => { s.rules[0].severity = { min: 5, max: 2 }; }),
    "rules test.json: rule 'sshd-failed' (rules[0]): severity.min 5 is " +
    'above severity.max 2; expected min <= max (0 emerg .. 7 debug)');
});

test('wrong version', () => {
  rejects(variant((s) => { s.version = 2; }),
    "rules test.json: key 'version' is 2; expected 1");
});

test('loadRules: missing file and broken JSON carry the same code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-rules-'));
  try {
    const missing = join(dir, 'absent.json');
    assert.throws(() => loadRules(missing), (err: unknown) =>
      err instanceof SluiceError && err.code === 'SLUICE_ERR_RULES_INVALID' &&
      err.message.startsWith(`rules ${missing}: cannot be read (ENOENT`));

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version": 1,');
    assert.throws(() => loadRules(broken), (err: unknown) =>
      err instanceof SluiceError && err.code === 'SLUICE_ERR_RULES_INVALID' &&
      err.message.startsWith(`rules ${broken}: is not valid JSON (`));

    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(minimal()));
    assert.is(loadRules(good).rules.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
