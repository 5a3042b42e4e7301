import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';

/** The VMMs whose VMs are found by their API sockets, one directory per VMM. */
export type ApiSocketVmm = 'cloud-hypervisor' | 'firecracker';

/**
 * `$XDG_RUNTIME_DIR/arcbox/<vmm>`, else `/run/arcbox/<vmm>`: where ArcBox keeps one `<vm-id>.sock`
 * API socket per VM of that VMM. A directory per VMM is what tells a Cloud Hypervisor socket from
 * a Firecracker one: both speak HTTP on a unix socket, and asking would cost a request per socket.
 */
export function defaultApiSocketDir(
  vmm: ApiSocketVmm,
  env: Record<string, string | undefined> = process.env,
): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, 'arcbox', vmm) : join('/run/arcbox', vmm);
}

/**
 * The `<vm-id>.sock` entries of a directory, sorted by id; null when the directory is missing
 * (nothing runs), a READ_ERROR when it cannot be listed.
 */
export async function listApiSockets(
  dir: string,
): Promise<Array<{ id: string; apiSocket: string }> | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new PerfError('READ_ERROR', 'cannot list the VM socket directory', { file: dir, cause });
  }
  return names
    .filter((n) => n.endsWith('.sock') && n.length > 5)
    .sort()
    .map((n) => ({ id: n.slice(0, -5), apiSocket: join(dir, n) }));
}
