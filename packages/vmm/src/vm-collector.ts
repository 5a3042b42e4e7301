import { availableParallelism } from 'node:os';
import {
  type CollectOptions,
  type Collector,
  PerfError,
  type SourceProblem,
  type VmReading,
  type Vmm,
  withTimeout,
} from '@arcbox/perf-core';
import { failedReading } from './failed-reading.js';
import { type Clock, defaultClock } from './qemu-vm-source.js';
import type { VmProvider } from './vm-provider.js';

export interface VmCollectorOptions {
  /** One provider per VMM kind. Their order decides who keeps a bare id two of them report. */
  providers: readonly VmProvider[];
  /**
   * Budget of one provider's listing or reading, ms; 4 s by default, under the collector
   * registry's default 5 s, so a hung provider is cut off before the whole collector is.
   */
  providerTimeoutMs?: number;
  /**
   * How long the VMs of a provider that keeps failing are still reported as failed readings, ms;
   * 60 s by default. After that they are taken as gone.
   */
  forgetAfterMs?: number;
  clock?: Clock;
  hostCpuCount?: number;
}

export interface MergedVmCollector extends Collector<VmReading[]> {
  readonly name: 'vms';
  /**
   * One VM by id, asking the providers in order; null when none has it. `<vmm>:<id>` names the
   * VM `<id>` of that VMM's provider (the id a VM gets when another provider has its bare id).
   */
  collectVm(id: string, options?: Partial<CollectOptions>): Promise<VmReading | null>;
  /** The providers that failed in the last collection: source is the VMM, code the reason. */
  readonly problems: readonly SourceProblem[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface KnownVm {
  provider: VmProvider;
  /** The provider's own id (the merged id may carry a `<vmm>:` prefix). */
  id: string;
  name: string;
  pid: number | null;
}

/**
 * The `vms` collector over every VMM: each provider lists its VMs concurrently, under its own
 * timeout, and the lists are merged in provider order.
 *
 * A provider that fails or hangs spoils only its own VMs: those it listed last time come back as
 * failed readings (null fields, the provider's failure as their problem), so their series show a
 * gap with a reason instead of the VMs seeming to vanish; the failure is also in `problems`, which
 * is where it shows when the provider had no VMs yet. Only when every provider failed and there
 * is nothing to report does the collection reject, so the registry marks it failed.
 *
 * Two providers reporting the same id (a libvirt domain also reached over its QMP socket) keep
 * both: the first provider in order keeps the bare id, a later one's VM becomes `<vmm>:<id>`.
 * Bare ids stay what the QEMU collector always gave, so existing series keep their keys.
 */
export function createVmCollector(options: VmCollectorOptions): MergedVmCollector {
  const providers = [...options.providers];
  const kinds = new Set<Vmm>();
  for (const p of providers) {
    if (kinds.has(p.vmm))
      throw new PerfError('INVALID_ARGUMENT', `two VM providers for ${p.vmm}: give one per VMM`, {
        field: 'providers',
      });
    kinds.add(p.vmm);
  }
  const timeoutMs = options.providerTimeoutMs ?? 4000;
  const forgetAfterMs = options.forgetAfterMs ?? 60_000;
  const clock = options.clock ?? defaultClock;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  let known = new Map<string, KnownVm>();
  const failingSince = new Map<VmProvider, number>();
  let problems: SourceProblem[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(providers.map(async (p) => p.close()));
  };

  const bounded = <T>(
    provider: VmProvider,
    task: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ) => withTimeout(task, timeoutMs, `${provider.vmm} VMs`, signal);

  const failure = (provider: VmProvider, error: unknown): SourceProblem => {
    const e = PerfError.from(error, 'COLLECTOR_FAILED', `${provider.vmm} VMs`);
    return { source: provider.vmm, message: e.message, code: e.code };
  };

  const failedVm = (vm: KnownVm, mergedId: string, why: SourceProblem): VmReading =>
    failedReading(
      { id: mergedId, name: vm.name, ...(vm.pid === null ? {} : { pid: vm.pid }) },
      clock(),
      hostCpuCount,
      why,
      vm.provider.vmm,
    );

  /** The VMs a failing provider had, while it has not been failing for too long. */
  const stillKnown = (provider: VmProvider): Array<[string, KnownVm]> => {
    const now = clock().monotonicMs;
    const since = failingSince.get(provider) ?? now;
    failingSince.set(provider, since);
    if (now - since > forgetAfterMs) return [];
    return [...known].filter(([, vm]) => vm.provider === provider);
  };

  return {
    name: 'vms',
    get problems() {
      return problems;
    },
    async collect({ signal }) {
      const outcomes = await Promise.all(
        providers.map((provider) =>
          bounded(provider, (s) => provider.list({ signal: s }), signal).then(
            (readings) => ({ provider, readings, error: null }),
            (error: unknown) => {
              if (signal.aborted) throw error;
              return { provider, readings: null, error };
            },
          ),
        ),
      );
      const merged: VmReading[] = [];
      const nextKnown = new Map<string, KnownVm>();
      const nextProblems: SourceProblem[] = [];
      const taken = new Set<string>();
      const mergedId = (vmm: Vmm, id: string): string => {
        let candidate = taken.has(id) ? `${vmm}:${id}` : id;
        for (let n = 2; taken.has(candidate); n++) candidate = `${vmm}:${id}#${n}`;
        taken.add(candidate);
        return candidate;
      };
      for (const { provider, readings, error } of outcomes) {
        if (readings) {
          failingSince.delete(provider);
          for (const r of readings) {
            const id = mergedId(provider.vmm, r.id);
            nextKnown.set(id, { provider, id: r.id, name: r.name, pid: r.pid });
            merged.push(id === r.id ? r : { ...r, id });
          }
          continue;
        }
        const why = failure(provider, error);
        nextProblems.push(why);
        for (const [, vm] of stillKnown(provider)) {
          const id = mergedId(provider.vmm, vm.id);
          nextKnown.set(id, vm);
          merged.push(failedVm(vm, id, why));
        }
      }
      known = nextKnown;
      problems = nextProblems;
      if (merged.length === 0 && providers.length > 0 && nextProblems.length === providers.length)
        throw new PerfError(
          'COLLECTOR_FAILED',
          `every VM provider failed: ${nextProblems.map((p) => p.message).join('; ')}`,
        );
      return merged;
    },
    async collectVm(id, collectOptions = {}) {
      const signal = collectOptions.signal;
      const prefix = /^([a-z-]+):(.+)$/.exec(id);
      const asks: Array<{ provider: VmProvider; id: string }> = providers.map((provider) => ({
        provider,
        id,
      }));
      const named = prefix ? providers.find((p) => p.vmm === prefix[1]) : undefined;
      if (named && prefix) asks.push({ provider: named, id: prefix[2]! });
      const failures: SourceProblem[] = [];
      for (const ask of asks) {
        let reading: VmReading | null;
        try {
          reading = await bounded(
            ask.provider,
            (s) => ask.provider.read(ask.id, { signal: s }),
            signal,
          );
        } catch (error) {
          if (signal?.aborted) throw error;
          const why = failure(ask.provider, error);
          const vm = known.get(id);
          // Its own VM, known from the last collection: a failed reading, as collect gives.
          if (vm && vm.provider === ask.provider) return failedVm(vm, id, why);
          failures.push(why);
          continue;
        }
        if (reading) return reading.id === id ? reading : { ...reading, id };
      }
      // A provider that could not answer may have it: "no such VM" would be a guess.
      if (failures.length > 0)
        throw new PerfError(
          'COLLECTOR_FAILED',
          `no answer about VM ${id}: ${failures.map((p) => p.message).join('; ')}`,
        );
      return null;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
