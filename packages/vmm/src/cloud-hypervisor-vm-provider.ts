import { defaultApiSocketDir, listApiSockets } from './api-socket-dir.js';
import {
  type CloudHypervisorSourceOptions,
  type CloudHypervisorTarget,
  createCloudHypervisorVmSource,
} from './cloud-hypervisor-source.js';
import { recheckMissingDir } from './recheck-missing-dir.js';
import { createSourcesVmProvider } from './sources-vm-provider.js';
import type { VmProvider } from './vm-provider.js';

export interface CloudHypervisorVmProviderOptions extends CloudHypervisorSourceOptions {
  /** VMs given by configuration. */
  vms?: CloudHypervisorTarget[];
  /**
   * Directory holding only Cloud Hypervisor API sockets, one `<vm-id>.sock` (`--api-socket`) per
   * VM, looked at on every listing. `defaultApiSocketDir('cloud-hypervisor')` when no `vms` are
   * given; `false` turns discovery off.
   */
  dir?: string | false;
  /** How long a missing `dir` is taken as still missing, ms; 5 s by default. */
  dirRecheckMs?: number;
}

/**
 * Every Cloud Hypervisor VM over its REST API socket (see `createCloudHypervisorVmSource`; not yet
 * proven against a live VMM). The VMM pid is the process holding the socket, when `threads` can
 * tell.
 */
export function createCloudHypervisorVmProvider(
  options: CloudHypervisorVmProviderOptions = {},
): VmProvider {
  const dir =
    options.dir === undefined
      ? options.vms
        ? false
        : defaultApiSocketDir('cloud-hypervisor')
      : options.dir;
  return createSourcesVmProvider<CloudHypervisorTarget>({
    vmm: 'cloud-hypervisor',
    configured: options.vms ?? [],
    discover: dir
      ? recheckMissingDir(() => listApiSockets(dir), options.dirRecheckMs ?? 5000)
      : null,
    createSource: (target) => createCloudHypervisorVmSource(target, options),
    sameTarget: (kept, found) => kept.apiSocket === found.apiSocket,
  });
}
