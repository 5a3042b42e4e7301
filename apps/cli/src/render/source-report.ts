import { join } from 'node:path';
import type { SourcesConfig } from '@arcbox/perf';
import { type AnyKind, type KindValues, metricsOf } from '@arcbox/perf-core';
import type { CollectorReport } from '../sampling/create-sampler.js';

/** What became of one kind in a sample: looked for or not, where, and what was found. */
export interface KindFinding {
  kind: AnyKind;
  /** `off`: no source for it (switched off, or none on this platform). */
  state: 'off' | 'failed' | 'read';
  found: number;
  error: string | null;
  /** Where its sources looked, in words. */
  searched: string[];
  /** What the sources noticed about this kind (a folder that is not there...). */
  notes: string[];
}

/**
 * Every listed kind (not the host) of a sample: whether its collector ran (the sample's
 * collector reports), what it found, and the sources' notes about it. A note belongs to the
 * kind whose sample key starts it (`vms.qemu: ...`); the engine socket names containers.
 */
export function kindFindings(
  kinds: readonly AnyKind[],
  sample: KindValues & { collectors: readonly CollectorReport[] },
  sources: SourcesConfig,
  notes: readonly string[],
): KindFinding[] {
  return kinds
    .filter((k) => !k.singleton)
    .map((kind) => {
      const report = sample.collectors.find((r) => r.name === kind.sampleKey);
      const owner = (note: string) => {
        const key = /^([\w]+)[.:]/.exec(note)?.[1];
        return key === 'docker' ? 'containers' : key;
      };
      return {
        kind,
        state: !report ? 'off' : report.ok ? 'read' : 'failed',
        found: metricsOf(kind, sample)?.length ?? 0,
        error: report && !report.ok ? (report.error ?? 'failed') : null,
        searched: searchedFor(kind.sampleKey, sources),
        notes: notes.filter((n) => owner(n) === kind.sampleKey),
      };
    });
}

/** The notes no listed kind claims (they are still worth saying). */
export function otherNotes(findings: readonly KindFinding[], notes: readonly string[]): string[] {
  const claimed = new Set(findings.flatMap((f) => f.notes));
  return notes.filter((n) => !claimed.has(n));
}

/** `VMs: none found (looked for QEMU sockets in /run/arcbox/vms)`: the heading of a kind. */
export function findingLine(f: KindFinding): string {
  switch (f.state) {
    case 'off':
      return `${f.kind.title}: not looked for`;
    case 'failed':
      return `${f.kind.title}: could not be read: ${f.error}`;
    default: {
      if (f.found > 0) return `${f.kind.title} (${f.found})`;
      const where = f.searched.length > 0 ? ` (looked for ${f.searched.join('; ')})` : '';
      return `${f.kind.title}: none found${where}`;
    }
  }
}

/** Where the sources of a kind look, from the config that built them. */
function searchedFor(sampleKey: string, sources: SourcesConfig, env = process.env): string[] {
  if (sampleKey === 'containers') {
    const { discover, paths } = sources.containers;
    return [
      ...(discover
        ? [process.platform === 'darwin' ? 'a Docker-compatible engine' : "the runtimes' cgroups"]
        : []),
      ...(paths.length > 0 ? [`cgroups ${paths.join(', ')}`] : []),
    ];
  }
  if (sampleKey === 'vms') {
    const { qemu, cloudHypervisor, firecracker, libvirt } = sources.vms;
    // @arcbox/perf-vmm's default folder, said here so the user sees which one it was.
    const defaultDir = env.XDG_RUNTIME_DIR
      ? join(env.XDG_RUNTIME_DIR, 'arcbox', 'vms')
      : '/run/arcbox/vms';
    const sockets = (name: string, s: typeof qemu, fallback: string | null) =>
      s.enabled
        ? [
            ...((s.socketDir ?? (s.sockets.length === 0 ? fallback : null))
              ? [`${name} sockets in ${s.socketDir ?? fallback}`]
              : []),
            ...(s.sockets.length > 0 ? [`${name} sockets ${s.sockets.join(', ')}`] : []),
          ]
        : [];
    return [
      ...sockets('QEMU', qemu, process.platform === 'linux' ? defaultDir : null),
      ...sockets('Cloud Hypervisor', cloudHypervisor, null),
      ...sockets('Firecracker', firecracker, null),
      ...(libvirt.enabled ? [`libvirt domains at ${libvirt.uri}`] : []),
    ];
  }
  if (sampleKey === 'filesystems') return ['mounted filesystems'];
  return [];
}
