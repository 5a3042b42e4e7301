import type { ContainerRuntime } from '@arcbox/perf-core';

/** A container recognised from its cgroup path. */
export interface CgroupContainerMatch {
  id: string;
  runtime: ContainerRuntime;
}

const hex64 = '[0-9a-f]{64}';
const rules: Array<{ pattern: RegExp; runtime: ContainerRuntime | 'k8s-or-containerd' }> = [
  // Docker, cgroupfs driver: /docker/<id>; systemd driver: system.slice/docker-<id>.scope
  { pattern: new RegExp(`^(${hex64})$`), runtime: 'docker' },
  { pattern: new RegExp(`^docker-(${hex64})\\.scope$`), runtime: 'docker' },
  // containerd (CRI, systemd driver); Kubernetes when under kubepods
  { pattern: new RegExp(`^cri-containerd-(${hex64})\\.scope$`), runtime: 'k8s-or-containerd' },
  // CRI-O under Kubernetes
  { pattern: new RegExp(`^crio-(${hex64})\\.scope$`), runtime: 'kubernetes' },
  // Podman: machine.slice/libpod-<id>.scope (systemd) or /libpod_parent/libpod-<id> (cgroupfs)
  { pattern: new RegExp(`^libpod-(${hex64})(?:\\.scope)?$`), runtime: 'podman' },
  // systemd-nspawn: machine.slice/machine-<name>.scope (systemd escapes '-' as \x2d)
  { pattern: /^machine-(.+)\.scope$/, runtime: 'nspawn' },
  // LXC 4+: lxc.payload.<name>; older LXC: /lxc/<name>
  { pattern: /^lxc\.payload\.(.+)$/, runtime: 'lxc' },
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
  for (const { pattern, runtime } of rules) {
    const m = pattern.exec(last);
    if (!m?.[1]) continue;
    if (runtime === 'docker' && pattern.source.startsWith('^(')) {
      // A bare 64-hex directory: Docker under /docker, or a Kubernetes cgroupfs-driver pod child.
      if (underKubepods) return { id: m[1], runtime: 'kubernetes' };
      if (parent !== 'docker') return null;
    }
    if (runtime === 'k8s-or-containerd')
      return { id: m[1], runtime: underKubepods ? 'kubernetes' : 'containerd' };
    if (runtime === 'nspawn') return { id: m[1].replaceAll('\\x2d', '-'), runtime };
    return { id: m[1], runtime };
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
