import type { ParsedMessage } from '../parse/message.js';
import {
  type Category,
  type Conditions,
  type FacilityName,
  facilityNames,
  isGroup,
  type MemberSpec,
  type RuleSet,
} from './rules.js';
import { AnyLiteral, Scorer, type Signal } from './score.js';

/** What the classifier says about one message. */
export interface Classification {
  /** ECS `event.category`. */
  category: string;
  /** ECS `event.type`. */
  eventType: string;
  /** 0..100, see `schemas/rules.md` for the formula. */
  riskScore: number;
  /** The id of the rule that matched, '' when none did. */
  ruleId: string;
}

/** RFC 5424 6.2.1: PRI = facility * 8 + severity. */
const kSeverityBits = 3;
const kSeverityMask = 0b111;
const kFacilityCount = facilityNames.length;
const kMaxSeverity = 7;

/**
 * A rule or a group, compiled. Both kinds share one class so the match
 * loop sees a single object shape. A group has `members`; a rule has
 * `members === null` and an outcome.
 */
class Entry {
  readonly msgids: readonly string[] | null;
  /** Bit n + 1 set: facility n matches; bit 0 is "no PRI". */
  readonly facilityMask: number;
  /** Bit n + 1 set: severity n matches; bit 0 is "no PRI". */
  readonly severityMask: number;
  readonly contains: readonly string[];
  readonly containsAny: AnyLiteral | null;
  readonly regex: RegExp | null;
  readonly appnames: readonly string[] | null;
  readonly members: readonly Entry[] | null;

  readonly id: string;
  readonly category: string;
  readonly eventType: string;
  readonly score: number;
  readonly signals: readonly Signal[];

  constructor(c: Conditions, appnames: string[] | undefined,
    outcome: MemberSpec | null, members: Entry[] | null, scorer: Scorer) {
    this.msgids = c.msgid ?? null;
    this.facilityMask = facilityMask(c.facility);
    this.severityMask = severityMask(c.severity);
    this.contains = c.contains ?? [];
    this.containsAny = c.containsAny ? new AnyLiteral(c.containsAny) : null;
    this.regex = c.regex === undefined ? null : new RegExp(c.regex);
    this.appnames = appnames ?? null;
    this.members = members;

    this.id = outcome?.id ?? '';
    this.category = outcome?.category ?? '';
    this.eventType = outcome?.eventType ?? '';
    this.score = outcome?.score ?? 0;
    this.signals = outcome ? scorer.signalsFor(outcome.category) : [];
  }
}

// A frame without PRI has facility and severity -1, which maps to bit 0:
// set only in the masks of entries that leave the condition open.
const kAnyFacility = (1 << (kFacilityCount + 1)) - 1;
const kAnySeverity = (1 << (kMaxSeverity + 2)) - 1;

function facilityMask(names: FacilityName[] | undefined): number {
  if (names === undefined) return kAnyFacility;
  let mask = 0;
  for (const name of names) mask |= 1 << (facilityNames.indexOf(name) + 1);
  return mask;
}

function severityMask(range: Conditions['severity']): number {
  if (range === undefined) return kAnySeverity;
  let mask = 0;
  const max = range.max ?? kMaxSeverity;
  for (let s = range.min ?? 0; s <= max; s++) mask |= 1 << (s + 1);
  return mask;
}

/**
 * Classifies parsed messages by a rule set: first matching rule in file
 * order wins. Rules are indexed by APP-NAME, so a message is tested only
 * against the rules naming its app plus those naming none; conditions
 * are tested cheapest first and substring tests use `indexOf`, with
 * regular expressions last and only where a rule asks for one.
 */
export class Classifier {
  private readonly byApp = new Map<string, readonly Entry[]>();
  private readonly anyApp: readonly Entry[];
  private readonly scorer: Scorer;

  private readonly fallbackScore: number;
  private readonly errorSeverity: number;
  /** Fallback category and its signals by facility code, plus unknown. */
  private readonly fallbackCategory: string[] = [];
  private readonly fallbackSignals: Array<readonly Signal[]> = [];

  constructor(rules: RuleSet) {
    this.scorer = new Scorer(rules.scoring);
    const entries = rules.rules.map((spec) => this.compile(spec));

    // Each app's list keeps file order across its own and app-less
    // entries, so first-match-wins holds whichever list a message uses.
    this.anyApp = entries.filter((e) => e.appnames === null);
    for (const e of entries) {
      for (const app of e.appnames ?? []) {
        if (this.byApp.has(app)) continue;
        this.byApp.set(app, entries.filter((x) =>
          x.appnames === null || x.appnames.includes(app)));
      }
    }

    const fb = rules.fallback;
    this.fallbackScore = fb.score;
    this.errorSeverity = fb.errorSeverity;
    for (let f = 0; f <= kFacilityCount; f++) {
      const name = facilityNames[f] as FacilityName | undefined;
      const category: Category =
        (name && fb.facilities[name]) || fb.category;
      this.fallbackCategory.push(category);
      this.fallbackSignals.push(this.scorer.signalsFor(category));
    }
  }

  /** Fills `out` (reused between messages: every field is written). */
  classify(msg: ParsedMessage, out: Classification): void {
    const app = msg.appname;
    const list = app === undefined
      ? this.anyApp
      : this.byApp.get(app) ?? this.anyApp;

    const pri = msg.priority;
    const severity = pri >= 0 ? pri & kSeverityMask : -1;
    const facility = pri >= 0 ? pri >> kSeverityBits : -1;

    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (!matches(entry, msg, severity, facility)) continue;

      const members = entry.members;
      if (members === null) return this.hit(entry, msg, severity, out);
      for (let j = 0; j < members.length; j++) {
        if (matches(members[j], msg, severity, facility)) {
          return this.hit(members[j], msg, severity, out);
        }
      }
    }

    this.fallback(msg, severity, facility, out);
  }

  private hit(rule: Entry, msg: ParsedMessage, severity: number,
    out: Classification): void {
    out.category = rule.category;
    out.eventType = rule.eventType;
    out.ruleId = rule.id;
    out.riskScore = this.scorer.score(rule.score, severity, msg.message,
      rule.signals);
  }

  private fallback(msg: ParsedMessage, severity: number, facility: number,
    out: Classification): void {
    const f = facility >= 0 && facility < kFacilityCount
      ? facility
      : kFacilityCount;
    const isError = severity >= 0 && severity <= this.errorSeverity;

    out.category = this.fallbackCategory[f];
    out.eventType = isError ? 'error' : 'info';
    out.ruleId = '';
    out.riskScore = this.scorer.score(this.fallbackScore, severity,
      msg.message, this.fallbackSignals[f]);
  }

  private compile(spec: RuleSet['rules'][number]): Entry {
    if (!isGroup(spec)) {
      return new Entry(spec, spec.appname, spec, null, this.scorer);
    }
    const members = spec.rules.map((m) =>
      new Entry(m, undefined, m, null, this.scorer));
    return new Entry(spec, spec.appname, null, members, this.scorer);
  }
}

/** Tests conditions cheapest first; APP-NAME was settled by the index. */
function matches(e: Entry, msg: ParsedMessage, severity: number,
  facility: number): boolean {
  if ((e.severityMask & (1 << (severity + 1))) === 0) return false;
  if ((e.facilityMask & (1 << (facility + 1))) === 0) return false;
  if (e.msgids !== null &&
    (msg.msgid === undefined || !e.msgids.includes(msg.msgid))) {
    return false;
  }

  const text = msg.message;
  const all = e.contains;
  for (let i = 0; i < all.length; i++) {
    if (text.indexOf(all[i]) === -1) return false;
  }
  if (e.containsAny !== null && !e.containsAny.test(text)) return false;
  return e.regex === null || e.regex.test(text);
}
