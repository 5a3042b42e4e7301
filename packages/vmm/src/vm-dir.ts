import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { QemuVmTarget } from './qemu-vm-source.js';

/** `$XDG_RUNTIME_DIR/arcbox/vms`, else `/run/arcbox/vms`: where ArcBox keeps one `<vm-id>.qmp` per VM. */
export function defaultVmDir(env: Record<string, string | undefined> = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, 'arcbox', 'vms') : '/run/arcbox/vms';
}

/**
 * The VMs of a directory of QMP sockets, one `<vm-id>.qmp` each. A missing directory means no VMs
 * (nothing runs), not an error; an unreadable one is.
 */
export async function discoverVms(dir: string): Promise<QemuVmTarget[]> {
  return (await listVmDir(dir)) ?? [];
}

/** discoverVms, telling a missing directory (null) from an empty one. */
export async function listVmDir(dir: string): Promise<QemuVmTarget[] | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new PerfError('READ_ERROR', 'cannot list the VM directory', { file: dir, cause });
  }
  return names
    .filter((n) => n.endsWith('.qmp') && n.length > 4)
    .sort()
    .map((n) => ({ id: n.slice(0, -4), qmpSocket: join(dir, n) }));
}

/** The VMs of a recording: one folder per VM under `<dir>/qmp/`. */
export async function discoverRecordedVms(dir: string): Promise<QemuVmTarget[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, 'qmp'));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PerfError('READ_ERROR', 'cannot list the recorded VMs', {
      file: join(dir, 'qmp'),
      cause,
    });
  }
  return names.sort().map((id) => ({ id, qmpSocket: join(dir, 'qmp', id) }));
}
