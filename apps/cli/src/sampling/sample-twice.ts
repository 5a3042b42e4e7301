import { setTimeout as sleep } from 'node:timers/promises';
import type { SourcesConfig } from '@arcbox/perf';
import {
  type CollectorStatus,
  defaultKinds,
  type KindRegistry,
  PerfError,
} from '@arcbox/perf-core';
import type { CliContext } from '../cli-context.js';
import { createSampler, type Sample } from './create-sampler.js';
import { keepSources, resolveCliSources, type SourceFlags } from './source-options.js';

export interface SampleFlags extends SourceFlags {
  interval?: number;
}

/** The second of two samples, with what the sources were and what they noticed. */
export interface TwoReadings {
  sample: Sample;
  status: CollectorStatus[];
  /** What was looked for and not found, in the flags' words where a flag named it. */
  notes: string[];
  kinds: KindRegistry;
  sources: SourcesConfig;
}

/**
 * The sources of a command: the config file's and the flags, combined by @arcbox/perf's
 * `validateSources`; with `keep`, only those kinds (by sample key) are read at all.
 */
export async function commandSources(
  ctx: CliContext,
  flags: SourceFlags,
  keep?: readonly string[],
): Promise<SourcesConfig> {
  const perf = await import('@arcbox/perf');
  const sources = resolveCliSources(flags, ctx.config.sources, perf);
  return keep
    ? keepSources(
        sources,
        keep,
        defaultKinds().map((k) => k.sampleKey),
      )
    : sources;
}

/** Two samples `intervalMs` apart; the second holds rates over that interval. */
export async function sampleTwice(
  ctx: CliContext,
  flags: SampleFlags,
  keep?: readonly string[],
): Promise<TwoReadings> {
  const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
  const sources = await commandSources(ctx, flags, keep);
  const sampler = await createSampler({ sources, intervalMs });
  try {
    await sampler.sample({ signal: ctx.signal });
    await sleep(intervalMs, undefined, { signal: ctx.signal });
    const sample = await sampler.sample({ signal: ctx.signal });
    // The host is what these commands stand on: without it, fail; another source failing is
    // only a warning (no docker here, no cgroup mount there).
    const failed = sample.collectors.find((r) => r.name === 'system' && !r.ok);
    if (failed)
      throw new PerfError('COLLECTOR_FAILED', failed.error ?? 'the system collector failed');
    return {
      sample,
      status: await sampler.status(),
      notes: await sampler.notes(),
      kinds: sampler.kinds,
      sources,
    };
  } finally {
    await sampler.close();
  }
}
