import { join } from 'node:path';
import { defaultApiSocketDir, listApiSockets } from './api-socket-dir.js';
import {
  createFirecrackerVmSource,
  type FirecrackerSourceOptions,
  type FirecrackerTarget,
} from './firecracker-source.js';
import { recheckMissingDir } from './recheck-missing-dir.js';
import { createSourcesVmProvider } from './sources-vm-provider.js';
import type { VmProvider } from './vm-provider.js';

export interface FirecrackerVmProviderOptions extends FirecrackerSourceOptions {
  /** VMs given by configuration. */
  vms?: FirecrackerTarget[];
  /**
   * Directory holding only Firecracker VMs: one `<vm-id>.sock` (`--api-sock`) per VM, its
   * `<vm-id>.metrics` (`--metrics-path`, a regular file) beside it. Looked at on every listing.
   * `defaultApiSocketDir('firecracker')` when no `vms` are given; `false` turns discovery off.
   */
  dir?: string | false;
  /** How long a missing `dir` is taken as still missing, ms; 5 s by default. */
  dirRecheckMs?: number;
}

/**
 * Every Firecracker microVM from its metrics file and API socket (see `createFirecrackerVmSource`;
 * not yet proven against a live VMM). A discovered VM without its metrics file gives a reading
 * with a READ_ERROR problem naming the file it expected.
 */
export function createFirecrackerVmProvider(
  options: FirecrackerVmProviderOptions = {},
): VmProvider {
  const dir =
    options.dir === undefined
      ? options.vms
        ? false
        : defaultApiSocketDir('firecracker')
      : options.dir;
  const discover = async (): Promise<FirecrackerTarget[] | null> => {
    if (!dir) return [];
    const sockets = await listApiSockets(dir);
    return (
      sockets?.map(({ id, apiSocket }) => ({
        id,
        apiSocket,
        metricsPath: join(dir, `${id}.metrics`),
      })) ?? null
    );
  };
  return createSourcesVmProvider<FirecrackerTarget>({
    vmm: 'firecracker',
    configured: options.vms ?? [],
    discover: dir ? recheckMissingDir(discover, options.dirRecheckMs ?? 5000) : null,
    createSource: (target) => createFirecrackerVmSource(target, options),
    sameTarget: (kept, found) =>
      kept.apiSocket === found.apiSocket && kept.metricsPath === found.metricsPath,
  });
}
