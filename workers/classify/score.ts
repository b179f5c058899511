import type { Category, ScoringSpec } from './rules.js';

/** Syslog severities run 0 (emerg) .. 7 (debug): RFC 5424 6.2.1. */
export const kSeverityCount = 8;
export const kMinScore = 0;
export const kMaxScore = 100;

/**
 * From this many literals on, one alternation is searched instead of one
 * `indexOf` per literal: V8 scans about 2 bytes/ns either way, so the
 * number of passes over the message is what costs (16 literals over an
 * 800-byte message: 2.4 us by indexOf, 1.1 us as one alternation).
 */
const kAlternationFrom = 3;

/** Length of the substrings a prefilter looks for: see `anchorsOf`. */
const kAnchorChars = 4;

/** "Does MSG contain any of these literals", compiled. */
export class AnyLiteral {
  private readonly literals: readonly string[];
  private readonly pattern: RegExp | null;
  /** Fewer, rarer alternatives; a text without them cannot match. */
  private readonly prefilter: RegExp | null;

  constructor(literals: readonly string[]) {
    this.literals = literals.slice();
    // Escaped literals joined by '|' cannot backtrack beyond one literal.
    this.pattern = literals.length >= kAlternationFrom
      ? new RegExp(literals.map(escapeRegExp).join('|'))
      : null;

    // Literals sharing one leading anchor already let irregexp skip
    // ahead by it: a prefilter would only search twice.
    const anchors = anchorsOf(literals, kAnchorChars);
    const shared = anchors.length === 1 &&
      literals.every((l) => l.startsWith(anchors[0]!));
    this.prefilter = this.pattern !== null && !shared &&
      anchors.length < literals.length
      ? new RegExp(anchors.map(escapeRegExp).join('|'))
      : null;
  }

  test(text: string): boolean {
    if (this.pattern !== null) {
      if (this.prefilter !== null && !this.prefilter.test(text)) return false;
      return this.pattern.test(text);
    }
    const literals = this.literals;
    for (let i = 0; i < literals.length; i++) {
      if (text.indexOf(literals[i]) !== -1) return true;
    }
    return false;
  }
}

/**
 * A few substrings of `size` characters (a literal shorter than that is
 * its own) such that every literal contains one of them, picked greedily
 * by how many literals each covers. Most messages contain none, and an
 * alternation of four short words is searched about twice as fast as
 * one of sixteen phrases: irregexp skips ahead by the anchors' leading
 * characters, which a set of phrases starting with a space or a common
 * letter defeats. Substrings with a space are picked last for the same
 * reason.
 */
export function anchorsOf(
  literals: readonly string[], size: number,
): string[] {
  const anchors: string[] = [];
  let open = literals.slice();

  while (open.length > 0) {
    const covers = new Map<string, number>();
    for (const literal of open) {
      for (const gram of new Set(grams(literal, size))) {
        covers.set(gram, (covers.get(gram) ?? 0) + 1);
      }
    }

    let best = '';
    let bestRank = -1;
    for (const [gram, n] of covers) {
      const rank = n * 2 + (gram.includes(' ') ? 0 : 1);
      if (rank > bestRank) {
        best = gram;
        bestRank = rank;
      }
    }
    anchors.push(best);
    open = open.filter((l) => !l.includes(best));
  }
  return anchors;
}

function grams(literal: string, size: number): string[] {
  if (literal.length <= size) return [literal];
  const out: string[] = [];
  for (let i = 0; i + size <= literal.length; i++) {
    out.push(literal.slice(i, i + size));
  }
  return out;
}

export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A content signal compiled for one category. */
export interface Signal {
  readonly id: string;
  readonly literals: AnyLiteral;
  readonly add: number;
}

/**
 * The risk score formula, with its weights taken from the rule set:
 *
 *   score = clamp(base + severity[sev] + sum(signal.add), 0, 100)
 *
 * `base` is the matching rule's score (or the fallback score), `sev` the
 * message's syslog severity (no points when the frame has no PRI) and the
 * sum runs over the signals listed for the event's category whose literal
 * occurs in MSG. Every term is an integer, so the score is one too.
 */
export class Scorer {
  private readonly severity: Int32Array;
  private readonly byCategory = new Map<string, readonly Signal[]>();

  constructor(spec: ScoringSpec) {
    this.severity = Int32Array.from(spec.severity);

    for (const s of spec.signals) {
      const signal: Signal = {
        id: s.id,
        literals: new AnyLiteral(s.containsAny),
        add: s.add,
      };
      for (const category of s.categories) {
        const list = this.byCategory.get(category) ?? [];
        this.byCategory.set(category, [...list, signal]);
      }
    }
  }

  /** The signals tested for events of `category`, in rule-set order. */
  signalsFor(category: Category): readonly Signal[] {
    return this.byCategory.get(category) ?? [];
  }

  /** Applies the formula; `severity` is -1 when unknown. */
  score(base: number, severity: number, message: string,
    signals: readonly Signal[]): number {
    let score = base;
    if (severity >= 0 && severity < kSeverityCount) {
      score += this.severity[severity];
    }

    for (let i = 0; i < signals.length; i++) {
      if (signals[i].literals.test(message)) score += signals[i].add;
    }

    if (score < kMinScore) return kMinScore;
    return score > kMaxScore ? kMaxScore : score;
  }
}
