import { PerfError } from '@arcbox/perf-core';
import { formatField } from '../render/format-field.js';
import type { Sample } from '../sampling/create-sampler.js';
import type { FiringAlert } from './top-frame.js';

/** Evaluates alert rules sample after sample (perf-history's engine, `for` included). */
export interface AlertWatcher {
  /** The alerts firing after this sample. */
  update(sample: Sample): FiringAlert[];
}

/**
 * Loads the rules (a file, or perf-history's defaults) and starts an engine. A rules file with
 * any bad rule is an error here: the live view has no good place to list rule errors.
 */
export async function openAlertWatcher(
  rulesFile: string | undefined,
  signal: AbortSignal,
): Promise<AlertWatcher> {
  const history = await import('@arcbox/perf-history');
  const loaded = rulesFile
    ? await history.loadAlertRules(rulesFile, { signal })
    : { rules: [...history.defaultAlertRules], errors: [] };
  const [first] = loaded.errors;
  if (first) {
    const more = loaded.errors.length > 1 ? ` (and ${loaded.errors.length - 1} more)` : '';
    throw new PerfError('CONFIG_ERROR', `${first.message}${more}`);
  }
  const engine = history.createAlertEngine({ rules: loaded.rules });
  const fieldOf = new Map(loaded.rules.map((r) => [r.name, r.field]));
  return {
    update(sample) {
      engine.evaluate(sample);
      return engine.active().flatMap((s) =>
        s.state !== 'firing'
          ? []
          : [
              {
                name: s.rule,
                severity: s.severity === 'critical' ? ('crit' as const) : ('warn' as const),
                // `container:<id>` / `vm:<id>`: the id is what the tables' rows carry.
                ...(s.series === 'system'
                  ? {}
                  : { subject: s.series.slice(s.series.indexOf(':') + 1) }),
                message: `${s.seriesName === 'system' ? 'host' : s.seriesName} ${fieldOf.get(s.rule) ?? ''} ${formatField(fieldOf.get(s.rule) ?? '', s.value)}`,
              },
            ],
      );
    },
  };
}
