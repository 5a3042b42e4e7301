import type { ContainerRuntime } from '@arcbox/perf-core';

/** A container recognised from its cgroup path. */
export interface CgroupContainerMatch {
  id: string;
  runtime: ContainerRuntime;
}

const hex64 = '[0-9a-f]{64}';

/**
 * How a matched directory name maps to a runtime: a fixed runtime, or one that depends on where
 * the directory sits (`bare`: a plain 64-hex name, Docker's cgroupfs driver under /docker or a
 * Kubernetes pod child; `cri`: containerd, Kubernetes when under kubepods).
 */
type RuleKind = ContainerRuntime | 'bare' | 'cri';

const rules: Array<{ pattern: RegExp; kind: RuleKind }> = [
  // Docker, cgroupfs driver: /docker/<id>; systemd driver: system.slice/docker-<id>.scope
  { pattern: new RegExp(`^(${hex64})$`), kind: 'bare' },
  { pattern: new RegExp(`^docker-(${hex64})\\.scope$`), kind: 'docker' },
  // containerd (CRI, systemd driver); Kubernetes when under kubepods
  { pattern: new RegExp(`^cri-containerd-(${hex64})\\.scope$`), kind: 'cri' },
  // CRI-O under Kubernetes
  { pattern: new RegExp(`^crio-(${hex64})\\.scope$`), kind: 'kubernetes' },
  // Podman: machine.slice/libpod-<id>.scope (systemd) or /libpod_parent/libpod-<id> (cgroupfs)
  { pattern: new RegExp(`^libpod-(${hex64})(?:\\.scope)?$`), kind: 'podman' },
  // systemd-nspawn: machine.slice/machine-<name>.scope (systemd escapes '-' as \x2d)
  { pattern: /^machine-(.+)\.scope$/, kind: 'nspawn' },
  // LXC 4+: lxc.payload.<name>; older LXC: /lxc/<name>
  { pattern: /^lxc\.payload\.(.+)$/, kind: 'lxc' },
];

/**
 * Recognises the cgroup layouts of the common runtimes from a cgroup path (`/docker/<id>`,
 * `/kubepods.slice/.../cri-containerd-<id>.scope`). Returns null for anything else.
 */
export function classifyCgroupPath(path: string): CgroupContainerMatch | null {
  const segments = path.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  if (last === undefined) return null;
  const parent = segments.at(-2);
  const underKubepods = segments.some((s) => s.startsWith('kubepods'));
  if (parent === 'lxc' && segments.length === 2) return { id: last, runtime: 'lxc' };
  for (const { pattern, kind } of rules) {
    const id = pattern.exec(last)?.[1];
    if (!id) continue;
    switch (kind) {
      case 'bare':
        if (underKubepods) return { id, runtime: 'kubernetes' };
        return parent === 'docker' ? { id, runtime: 'docker' } : null;
      case 'cri':
        return { id, runtime: underKubepods ? 'kubernetes' : 'containerd' };
      case 'nspawn':
        return { id: id.replaceAll('\\x2d', '-'), runtime: 'nspawn' };
      default:
        return { id, runtime: kind };
    }
  }
  return null;
}

/**
 * Top-level cgroup directories a runtime puts containers under; discovery walks only these,
 * so a host with a large cgroup tree is not listed in full on every reading.
 */
export function isRuntimeParent(name: string): boolean {
  return (
    name === 'docker' ||
    name === 'system.slice' ||
    name === 'machine.slice' ||
    name === 'machine' ||
    name === 'lxc' ||
    name === 'libpod_parent' ||
    name.startsWith('kubepods') ||
    name.startsWith('lxc.payload.')
  );
}
