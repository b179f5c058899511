/**
 * Classification throughput over a syslog corpus: the indexed engine
 * against a naive baseline that tests every rule, in file order, as one
 * regular expression per rule. The risk score (workers/classify/
 * score.ts) is computed inside `Classifier.classify`, so both figures
 * include scoring; there is no separate score bench.
 *
 *   npx tsx native-bench/classify.bench.ts [corpus.log]
 */
import {
  type Classification,
  Classifier,
} from '../workers/classify/engine.js';
import {
  type Conditions,
  facilityNames,
  isGroup,
  loadRules,
  type MemberSpec,
  type RuleSet,
} from '../workers/classify/rules.js';
import {
  createMessage,
  type ParsedMessage,
} from '../workers/parse/message.js';
import { parseSyslog } from '../workers/parse/syslog.js';
import { loadCorpus } from './corpus.js';
import {
  fmt, newBench, printContext, rmePercent, secondsPerRun,
} from './report.js';

const kSeverityMask = 0b111;
const kSeverityBits = 3;
/** The receive time the year of BSD timestamps is inferred from. */
const kReceivedMs = Date.UTC(2024, 4, 14, 12);

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const messages = corpus.lines.map((line) => {
    const m = createMessage();
    parseSyslog(line, kReceivedMs, m);
    return m;
  });

  const rules = loadRules();
  const classifier = new Classifier(rules);
  const naive = new NaiveClassifier(rules);
  const out: Classification = {
    category: '', eventType: '', riskScore: 0, ruleId: '',
  };

  checkAgreement(messages, classifier, naive, out);

  const bench = newBench();
  bench.add('indexed engine (indexOf) + score', () => {
    for (let i = 0; i < messages.length; i++) {
      classifier.classify(messages[i]!, out);
    }
  });
  bench.add('naive baseline (every rule, regex) + score', () => {
    for (let i = 0; i < messages.length; i++) naive.classify(messages[i]!);
  });
  await bench.run();

  printContext('classify: rule match and risk score per message', corpus);
  console.log('messages parsed beforehand by parseSyslog; the risk score ' +
    'is part of classify (score.ts), timed with it');
  const rates = bench.tasks.map((task) => {
    const perSecond = messages.length / secondsPerRun(task);
    console.log(`${task.name.padEnd(44)} ${fmt(perSecond)} msg/s ` +
      `(${(1e9 / perSecond).toFixed(0)} ns/msg, ${rmePercent(task)})`);
    return perSecond;
  });
  console.log(`engine / baseline: ${(rates[0]! / rates[1]!).toFixed(1)}x`);
}

/** Both classifiers must give the same rule for every message. */
function checkAgreement(messages: ParsedMessage[], classifier: Classifier,
  naive: NaiveClassifier, out: Classification): void {
  for (const m of messages) {
    classifier.classify(m, out);
    const naiveId = naive.classify(m);
    if (naiveId !== out.ruleId ||
      (naiveId !== '' && naive.score !== out.riskScore)) {
      throw new Error(`engine says '${out.ruleId}', baseline ` +
        `'${naiveId}' for: ${m.message.slice(0, 120)}`);
    }
  }
}

interface NaiveRule {
  id: string;
  base: number;
  signals: Array<{ pattern: RegExp; add: number }>;
  app: RegExp | null;
  facilities: number[] | null;
  severityMin: number;
  severityMax: number;
  msgids: string[] | null;
  body: RegExp;
}

/**
 * The approach the engine replaces: a flat list, no APP-NAME index, and
 * one regular expression per rule built from its literals (lookaheads
 * for "all of", an alternation for "any of"); the score is computed the
 * same way, one expression per signal.
 */
class NaiveClassifier {
  private readonly rules: NaiveRule[] = [];
  private readonly severity: number[];
  score = 0;

  constructor(set: RuleSet) {
    this.severity = set.scoring.severity;
    const add = (r: NaiveRule) => {
      const spec = findOutcome(set, r.id);
      for (const s of set.scoring.signals) {
        if (!s.categories.includes(spec.category)) continue;
        const pattern = new RegExp(s.containsAny.map(esc).join('|'));
        r.signals.push({ pattern, add: s.add });
      }
      this.rules.push(r);
    };
    for (const entry of set.rules) {
      if (!isGroup(entry)) {
        add(naiveRule(entry, entry.appname, [entry]));
        continue;
      }
      for (const member of entry.rules) {
        add(naiveRule(member, entry.appname, [entry, member]));
      }
    }
  }

  classify(m: ParsedMessage): string {
    const app = m.appname ?? '';
    const severity = m.priority >= 0 ? m.priority & kSeverityMask : -1;
    const facility = m.priority >= 0 ? m.priority >> kSeverityBits : -1;
    for (const r of this.rules) {
      if (r.app !== null && !r.app.test(app)) continue;
      if (r.facilities !== null && !r.facilities.includes(facility)) continue;
      if (severity !== -1 &&
        (severity < r.severityMin || severity > r.severityMax)) continue;
      if (severity === -1 && (r.severityMin > 0 || r.severityMax < 7)) {
        continue;
      }
      if (r.msgids !== null && !r.msgids.includes(m.msgid ?? '')) continue;
      if (!r.body.test(m.message)) continue;

      let score = r.base + (severity >= 0 ? this.severity[severity] : 0);
      for (const signal of r.signals) {
        if (signal.pattern.test(m.message)) score += signal.add;
      }
      this.score = Math.min(100, Math.max(0, score));
      return r.id;
    }
    return '';
  }
}

function naiveRule(outcome: MemberSpec, appname: string[] | undefined,
  parts: Conditions[]): NaiveRule {
  let body = '^';
  let facilities: number[] | null = null;
  let msgids: string[] | null = null;
  let min = 0;
  let max = 7;

  for (const c of parts) {
    for (const lit of c.contains ?? []) body += `(?=[\\s\\S]*?${esc(lit)})`;
    if (c.containsAny) {
      body += `(?=[\\s\\S]*?(?:${c.containsAny.map(esc).join('|')}))`;
    }
    if (c.regex) body += `(?=[\\s\\S]*?(?:${c.regex}))`;
    if (c.facility) {
      facilities = c.facility.map((f) => facilityNames.indexOf(f));
    }
    if (c.msgid) msgids = c.msgid;
    min = Math.max(min, c.severity?.min ?? 0);
    max = Math.min(max, c.severity?.max ?? 7);
  }

  return {
    id: outcome.id,
    base: outcome.score,
    signals: [],
    app: appname ? new RegExp(`^(?:${appname.map(esc).join('|')})$`) : null,
    facilities,
    severityMin: min,
    severityMax: max,
    msgids,
    body: new RegExp(body),
  };
}

function findOutcome(set: RuleSet, id: string): MemberSpec {
  for (const entry of set.rules) {
    const list = isGroup(entry) ? entry.rules : [entry];
    const found = list.find((r) => r.id === id);
    if (found) return found;
  }
  throw new Error(`rule ${id} not found`);
}

function esc(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

await main();
