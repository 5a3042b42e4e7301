import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PerfError, withTimeout } from '@arcbox/perf-core';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { fieldsOf, type SeriesKind } from '../series-key.js';
import {
  type AlertComparison,
  type AlertRule,
  type AlertWindowAggregation,
  derivedAlertFields,
  type SeriesMatcher,
} from './alert-rule.js';
import { parseDurationSeconds } from './duration.js';

export interface ParsedAlertRules {
  /** Every rule that is valid, in file order. */
  rules: AlertRule[];
  /** One CONFIG_ERROR per problem, naming the rule, the field and what was wrong. */
  errors: PerfError[];
}

export interface ParseAlertRulesOptions {
  /** Shown in errors (the file path). */
  source?: string;
}

// The YAML parser is loaded on the first parse, not on import: it costs about 8 MB of memory,
// which a process that keeps history but never reads a rules file should not pay.
const requireYaml = createRequire(import.meta.url);
let yamlModule: typeof Yaml | null = null;
const yaml = (): typeof Yaml => {
  yamlModule ??= requireYaml('yaml') as typeof Yaml;
  return yamlModule;
};

const KEYS = new Set([
  'name',
  'description',
  'metric',
  'match',
  'comparison',
  'warn',
  'crit',
  'clear',
  'window',
  'for',
]);
const COMPARISONS: readonly AlertComparison[] = ['>', '>=', '<', '<='];
const AGGREGATIONS: readonly AlertWindowAggregation[] = ['avg', 'max', 'min', 'last'];

/**
 * Reads alert rules from YAML or JSON text (JSON is read by the same YAML 1.2 parser, which
 * gives line numbers for both): either a list of rules or `{ rules: [...] }`. Each rule is
 * checked on its own, so one bad rule is reported and left out while the good ones load.
 */
export function parseAlertRules(
  text: string,
  options: ParseAlertRulesOptions = {},
): ParsedAlertRules {
  const file = options.source;
  const { isMap, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  if (doc.errors.length > 0) {
    return {
      rules: [],
      errors: doc.errors.map(
        (e) =>
          new PerfError(
            'CONFIG_ERROR',
            `alert rules are not valid YAML/JSON: ${e.message.split('\n')[0]}`,
            {
              ...(file === undefined ? {} : { file }),
              line: e.linePos?.[0]?.line ?? 1,
              cause: e,
            },
          ),
      ),
    };
  }
  const root = doc.contents;
  const list = isSeq(root) ? root : isMap(root) ? root.get('rules', true) : null;
  if (!isSeq(list)) {
    return {
      rules: [],
      errors: [
        new PerfError('CONFIG_ERROR', 'alert rules must be a list, or a map with a "rules" list', {
          ...(file === undefined ? {} : { file }),
          line: lineOf(root as Node) ?? 1,
          field: 'rules',
        }),
      ],
    };
  }
  const rules: AlertRule[] = [];
  const errors: PerfError[] = [];
  const names = new Set<string>();
  list.items.forEach((item, i) => {
    const raw = (item as Node & { toJSON(): unknown }).toJSON();
    const fieldLine = (key: string) =>
      isMap(item)
        ? (lineOf(item.get(key, true) as Node) ?? lineOf(item as Node))
        : lineOf(item as Node);
    const problems: Array<{ key: string; message: string }> = [];
    const rule = checkRule(raw, (key, message) => problems.push({ key, message }));
    const label =
      typeof (raw as { name?: unknown })?.name === 'string'
        ? `"${(raw as { name: string }).name}"`
        : `#${i + 1}`;
    if (rule && names.has(rule.name))
      problems.push({ key: 'name', message: 'is used by an earlier rule' });
    for (const p of problems) {
      errors.push(
        new PerfError('CONFIG_ERROR', `alert rule ${label}: "${p.key}" ${p.message}`, {
          ...(file === undefined ? {} : { file }),
          line: fieldLine(p.key) ?? 1,
          field: `rules[${i}].${p.key}`,
        }),
      );
    }
    if (rule && problems.length === 0) {
      names.add(rule.name);
      rules.push(rule);
    }
  });
  return { rules, errors };
}

/** Reads a rules file (`.yaml`, `.yml` or `.json`); the file must be readable, the rules are checked one by one. */
export async function loadAlertRules(
  path: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ParsedAlertRules> {
  let text: string;
  try {
    text = await withTimeout(
      (signal) => readFile(path, { encoding: 'utf8', signal }),
      options.timeoutMs ?? 5000,
      `reading ${path}`,
      options.signal,
    );
  } catch (cause) {
    throw PerfError.isInstance(cause)
      ? cause
      : new PerfError('READ_ERROR', `cannot read alert rules: ${(cause as Error).message}`, {
          file: path,
          cause,
        });
  }
  return parseAlertRules(text, { source: path });
}

/** Checks one rule, reporting each problem; returns the rule when it is usable. */
function checkRule(
  raw: unknown,
  problem: (key: string, message: string) => void,
): AlertRule | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('rule', 'must be a map of keys (name, metric, warn, ...)');
    return null;
  }
  const r = raw as Record<string, unknown>;
  const before = { count: 0 };
  const report = (key: string, message: string) => {
    before.count += 1;
    problem(key, message);
  };
  for (const key of Object.keys(r))
    if (!KEYS.has(key)) report(key, `is not a rule key (known: ${[...KEYS].join(', ')})`);

  const name = r.name;
  if (typeof name !== 'string' || name.trim() === '') report('name', 'must be a non-empty string');

  let target: SeriesKind = 'system';
  let field = '';
  if (typeof r.metric !== 'string' || !/^(system|container|vm)\.\w+$/.test(r.metric)) {
    report(
      'metric',
      `must be "system.<field>", "container.<field>" or "vm.<field>", got ${show(r.metric)}`,
    );
  } else {
    const [kind, f] = r.metric.split('.') as [SeriesKind, string];
    target = kind;
    field = f;
    const known = [...fieldsOf(kind), ...derivedAlertFields[kind]];
    if (!known.includes(f))
      report('metric', `has no field "${f}" for ${kind} (known: ${known.join(', ')})`);
  }

  let match: SeriesMatcher | undefined;
  if (r.match !== undefined) {
    match = checkMatch(r.match, target, report) ?? undefined;
  }

  const comparison = (r.comparison ?? '>') as AlertComparison;
  if (!COMPARISONS.includes(comparison))
    report('comparison', `must be one of ${COMPARISONS.join(' ')}, got ${show(r.comparison)}`);

  const threshold = (key: 'warn' | 'crit' | 'clear'): number | null => {
    const v = r[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      report(key, `must be a number, got ${show(v)}`);
      return null;
    }
    return v;
  };
  const warn = threshold('warn');
  const crit = threshold('crit');
  const clear = threshold('clear');
  if (r.warn == null && r.crit == null)
    report('warn', 'or "crit" must be given: a rule needs a threshold');
  const above = comparison === '>' || comparison === '>=';
  if (warn !== null && crit !== null && (above ? crit < warn : crit > warn)) {
    report(
      'crit',
      `(${crit}) must be ${above ? 'at or above' : 'at or below'} warn (${warn}) for "${comparison}"`,
    );
  }
  const raiseAt = warn ?? crit;
  if (clear !== null && raiseAt !== null && (above ? clear > raiseAt : clear < raiseAt)) {
    report(
      'clear',
      `(${clear}) must be ${above ? 'at or below' : 'at or above'} the raise threshold (${raiseAt}) for "${comparison}"`,
    );
  }

  let windowSeconds = 0;
  let windowAggregation: AlertWindowAggregation = 'avg';
  if (r.window !== undefined) {
    const w = r.window;
    const spec =
      typeof w === 'object' && w !== null && !Array.isArray(w)
        ? (w as Record<string, unknown>)
        : { duration: w };
    const seconds = parseDurationSeconds(spec.duration ?? spec.seconds);
    if (seconds === null)
      report(
        'window',
        `needs a duration like "60s" or "5m", got ${show(spec.duration ?? spec.seconds)}`,
      );
    else windowSeconds = seconds;
    if (spec.aggregation !== undefined) {
      if (!AGGREGATIONS.includes(spec.aggregation as AlertWindowAggregation)) {
        report(
          'window',
          `aggregation must be one of ${AGGREGATIONS.join(', ')}, got ${show(spec.aggregation)}`,
        );
      } else windowAggregation = spec.aggregation as AlertWindowAggregation;
    }
  }
  let forSeconds = 0;
  if (r.for !== undefined) {
    const seconds = parseDurationSeconds(r.for);
    if (seconds === null)
      report('for', `must be a duration like "15m" or a number of seconds, got ${show(r.for)}`);
    else forSeconds = seconds;
  }
  if (r.description !== undefined && typeof r.description !== 'string')
    report('description', 'must be a string');
  if (before.count > 0) return null;
  return {
    name: (name as string).trim(),
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
    target,
    field,
    ...(match ? { match } : {}),
    comparison,
    warn,
    crit,
    clear,
    windowSeconds,
    windowAggregation,
    forSeconds,
  };
}

function checkMatch(
  raw: unknown,
  target: SeriesKind,
  report: (key: string, message: string) => void,
): SeriesMatcher | null {
  if (target === 'system') {
    report('match', 'only applies to container and vm metrics');
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report('match', 'must be a map (id, name, labels, memoryLimited)');
    return null;
  }
  const m = raw as Record<string, unknown>;
  const out: SeriesMatcher = {};
  for (const [key, value] of Object.entries(m)) {
    if ((key === 'id' || key === 'name') && typeof value === 'string') out[key] = value;
    else if (key === 'memoryLimited' && typeof value === 'boolean') out.memoryLimited = value;
    else if (
      key === 'labels' &&
      typeof value === 'object' &&
      value !== null &&
      Object.values(value).every((v) => typeof v === 'string')
    ) {
      out.labels = value as Record<string, string>;
    } else {
      report(
        'match',
        `key "${key}" is not valid here (id: string, name: string, labels: map of strings, memoryLimited: boolean)`,
      );
      return null;
    }
  }
  return out;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
