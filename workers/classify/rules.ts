import { readFileSync } from 'node:fs';

import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

import { codes, SluiceError } from '../../daemon/errors.js';
import { schemaPath } from '../../daemon/paths.js';

/** ECS `event.category` values a rule may assign. */
export type Category =
  | 'api' | 'authentication' | 'configuration' | 'database' | 'driver'
  | 'email' | 'file' | 'host' | 'iam' | 'intrusion_detection' | 'library'
  | 'malware' | 'network' | 'package' | 'process' | 'registry' | 'session'
  | 'threat' | 'vulnerability' | 'web';

/** ECS `event.type` values a rule may assign. */
export type EventType =
  | 'access' | 'admin' | 'allowed' | 'change' | 'connection' | 'creation'
  | 'deletion' | 'denied' | 'end' | 'error' | 'group' | 'indicator'
  | 'info' | 'installation' | 'protocol' | 'start' | 'user';

/**
 * Syslog facility names in code order (RFC 5424 6.2.1, table 1), so a
 * name's index is its numeric code. Codes 13 and 14 are "log audit" and
 * "log alert" in the RFC.
 */
export const facilityNames = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6',
  'local7',
] as const;

export type FacilityName = (typeof facilityNames)[number];

/** What a rule or group tests; every condition given must hold. */
export interface Conditions {
  description?: string;
  /** RFC 5424 MSGID, exact match against any entry. */
  msgid?: string[];
  facility?: FacilityName[];
  /** Inclusive range of syslog severity codes, 0 emerg .. 7 debug. */
  severity?: { min?: number; max?: number };
  /** Literal substrings of MSG that must all be present. */
  contains?: string[];
  /** Literal substrings of MSG of which at least one must be present. */
  containsAny?: string[];
  /** A JavaScript regular expression tested on MSG, for rare cases. */
  regex?: string;
}

/** The answer a matching rule gives. */
export interface Outcome {
  id: string;
  category: Category;
  eventType: EventType;
  /** Base risk score 0..100 before severity and signals. */
  score: number;
}

/** A rule inside a group: the group's conditions hold for it too. */
export interface MemberSpec extends Conditions, Outcome {}

/** A top-level rule. */
export interface RuleSpec extends Conditions, Outcome {
  /** Exact APP-NAME (RFC 5424) or TAG (RFC 3164) values. */
  appname?: string[];
}

/**
 * Rules sharing a guard. The group's conditions are tested once per
 * message, so a vendor family costs one substring search for the
 * messages that are not from it.
 */
export interface GroupSpec extends Conditions {
  group: string;
  appname?: string[];
  rules: MemberSpec[];
}

/** Points added to the score when a literal is present in MSG. */
export interface SignalSpec {
  id: string;
  description?: string;
  /** The signal is only tested for events of these categories. */
  categories: Category[];
  containsAny: string[];
  add: number;
}

export interface ScoringSpec {
  description?: string;
  /** Points for syslog severity 0 (emerg) .. 7 (debug); 8 entries. */
  severity: number[];
  signals: SignalSpec[];
}

/** How a message no rule matches is classified. */
export interface FallbackSpec {
  description?: string;
  category: Category;
  score: number;
  /** Severity at or below which the event type is 'error', else 'info'. */
  errorSeverity: number;
  /** Category by facility name, overriding `category`. */
  facilities: Partial<Record<FacilityName, Category>>;
}

/** A validated rule set, as found in `schemas/rules/*.json`. */
export interface RuleSet {
  $schema?: string;
  version: 1;
  description?: string;
  scoring: ScoringSpec;
  fallback: FallbackSpec;
  rules: Array<RuleSpec | GroupSpec>;
}

export function isGroup(entry: RuleSpec | GroupSpec): entry is GroupSpec {
  return (entry as GroupSpec).group !== undefined;
}

/** How many enum values an error message lists before cutting off. */
const kMaxListed = 24;

// ajv ships CommonJS with the class on `default`; under NodeNext the
// default import is the whole module object.
const Ajv2020 = Ajv2020Module.default;

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (validator !== undefined) return validator;

  const schema = JSON.parse(readFileSync(schemaPath('rules.schema.json'),
    'utf8'));
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  validator = ajv.compile(schema);
  return validator;
}

/**
 * Reads a rule set from a JSON file (by default `schemas/rules/
 * default.json`) and validates it against `schemas/rules.schema.json`.
 *
 * @throws SluiceError `SLUICE_ERR_RULES_INVALID` naming the file, the rule
 *   and the key at fault and what the key should hold.
 */
export function loadRules(path?: string): RuleSet {
  const file = path ?? schemaPath('rules', 'default.json');

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(file, `cannot be read (${why})`);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(file, `is not valid JSON (${why})`);
  }

  return parseRules(data, file);
}

/**
 * Validates an already parsed rule set. `source` names it in errors.
 *
 * @throws SluiceError `SLUICE_ERR_RULES_INVALID`, as `loadRules`.
 */
export function parseRules(data: unknown, source = 'rule set'): RuleSet {
  const validate = schemaValidator();
  if (!validate(data)) {
    const first = (validate.errors ?? [])[0];
    throw invalid(source, first ? describe(first, data) : 'is invalid');
  }

  const set = data as RuleSet;
  checkSemantics(set, source);
  return set;
}

function invalid(source: string, what: string): SluiceError {
  return new SluiceError(codes.rulesInvalid, `rules ${source}: ${what}`,
    { source });
}

/** Checks the schema cannot express: unique ids, regex syntax, ranges. */
function checkSemantics(set: RuleSet, source: string): void {
  const ids = new Map<string, string>();
  const groups = new Set<string>();

  set.rules.forEach((entry, i) => {
    if (isGroup(entry)) {
      const where = `group '${entry.group}' (rules[${i}])`;
      if (groups.has(entry.group)) {
        throw invalid(source, `${where}: group id is used twice`);
      }
      groups.add(entry.group);
      checkConditions(entry, where, source);

      entry.rules.forEach((member, j) => {
        const at = `rule '${member.id}' (rules[${i}].rules[${j}])`;
        checkId(ids, member.id, at, source);
        checkConditions(member, at, source);
      });
      return;
    }

    const where = `rule '${entry.id}' (rules[${i}])`;
    checkId(ids, entry.id, where, source);
    checkConditions(entry, where, source);
  });

  const signals = new Set<string>();
  set.scoring.signals.forEach((signal, i) => {
    if (signals.has(signal.id)) {
      throw invalid(source, `signal '${signal.id}' ` +
        `(scoring.signals[${i}]): id is used twice`);
    }
    signals.add(signal.id);
  });
}

function checkId(ids: Map<string, string>, id: string, where: string,
  source: string): void {
  const before = ids.get(id);
  if (before !== undefined) {
    throw invalid(source, `${where}: id is already used by ${before}; ` +
      'rule ids must be unique');
  }
  ids.set(id, where);
}

function checkConditions(c: Conditions, where: string,
  source: string): void {
  const min = c.severity?.min ?? 0;
  const max = c.severity?.max ?? 7;
  if (min > max) {
    throw invalid(source, `${where}: severity.min ${min} is above ` +
      `severity.max ${max}; expected min <= max (0 emerg .. 7 debug)`);
  }

  if (c.regex === undefined) return;
  try {
    new RegExp(c.regex);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(source, `${where}: regex is not a valid regular ` +
      `expression (${why})`);
  }
}

/** Turns an ajv error into "where: key ... expected ...". */
function describe(err: ErrorObject, data: unknown): string {
  const segments = err.instancePath.split('/').slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const { where, rest } = locate(segments, data);
  const params = err.params as Record<string, unknown>;

  let key = rest.join('.');
  let what: string;
  switch (err.keyword) {
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const name = String(params.unevaluatedProperty ??
        params.additionalProperty);
      key = key === '' ? name : `${key}.${name}`;
      what = `unknown key '${key}'; see schemas/rules.md for the keys ` +
        'allowed here';
      break;
    }
    case 'required': {
      const name = String(params.missingProperty);
      key = key === '' ? name : `${key}.${name}`;
      what = `missing required key '${key}'`;
      break;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const listed = allowed.slice(0, kMaxListed).join(', ');
      // A `propertyNames` failure: the key itself is not allowed.
      if (err.propertyName !== undefined) {
        key = key === '' ? err.propertyName : `${key}.${err.propertyName}`;
        what = `unknown key '${key}'; expected one of ${listed}`;
        break;
      }
      what = `key '${key}' is ${JSON.stringify(valueAt(data, segments))}; ` +
        `expected one of ${listed}`;
      break;
    }
    case 'const':
      what = `key '${key}' is ${JSON.stringify(valueAt(data, segments))}; ` +
        `expected ${JSON.stringify(params.allowedValue)}`;
      break;
    default:
      what = key === ''
        ? `${err.message ?? 'is invalid'}`
        : `key '${key}' ${err.message ?? 'is invalid'}`;
  }

  return where === '' ? what : `${where}: ${what}`;
}

/** Names the rule, group or section a JSON pointer points into. */
function locate(segments: string[], data: unknown): {
  where: string;
  rest: string[];
} {
  if (segments[0] !== 'rules' || segments.length < 2) {
    return { where: '', rest: segments };
  }

  const i = Number(segments[1]);
  const entry = valueAt(data, ['rules', segments[1]]) as
    Record<string, unknown> | undefined;
  const inGroup = typeof entry?.group === 'string';
  if (inGroup && segments[2] === 'rules' && segments.length >= 4) {
    const member = valueAt(data, segments.slice(0, 4)) as
      Record<string, unknown> | undefined;
    const id = typeof member?.id === 'string' ? ` '${member.id}'` : '';
    return {
      where: `rule${id} (rules[${i}].rules[${segments[3]}])`,
      rest: segments.slice(4),
    };
  }

  if (inGroup) {
    return {
      where: `group '${String(entry?.group)}' (rules[${i}])`,
      rest: segments.slice(2),
    };
  }
  const id = typeof entry?.id === 'string' ? ` '${entry.id}'` : '';
  return { where: `rule${id} (rules[${i}])`, rest: segments.slice(2) };
}

function valueAt(data: unknown, segments: string[]): unknown {
  let v = data;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}
