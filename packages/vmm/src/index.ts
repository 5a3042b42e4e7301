export { connectQmp, DEFAULT_QMP_TIMEOUT_MS } from './qmp-client.js';
export type { QmpClient, QmpClientOptions, QmpEvent, QmpGreeting } from './qmp-client.js';
export { QmpCommandError } from './qmp-command-error.js';
export type { QmpCommandOptions, QmpConnector, QmpSession } from './qmp-session.js';
export { createRecordingQmpSession } from './record-qmp-session.js';
export { createReplayQmpSession } from './replay-qmp-session.js';
export type { ReplayQmpSessionOptions } from './replay-qmp-session.js';
export { qmpRecordName } from './qmp-record-name.js';
export type {
  HostInterfaceCounters,
  HostInterfaceReader,
  HostThreadReader,
} from './host-readers.js';
export { parseCpusFast } from './parse-cpus-fast.js';
export type { QemuVcpu } from './parse-cpus-fast.js';
export { parseBlockstats } from './parse-blockstats.js';
export { parseGuestStats } from './parse-guest-stats.js';
export type { BalloonGuestStats } from './parse-guest-stats.js';
export { parseInfoNetwork } from './parse-info-network.js';
export type { QemuNic } from './parse-info-network.js';
export { parseMemorySizeSummary } from './parse-memory-size-summary.js';
export {
  createQemuVmSource,
  defaultClock,
  socketQmpConnector,
} from './qemu-vm-source.js';
export type { Clock, QemuVmSource, QemuVmSourceOptions, QemuVmTarget } from './qemu-vm-source.js';
export { createQemuVmCollector } from './qemu-vm-collector.js';
export type { QemuVmCollector, QemuVmCollectorOptions } from './qemu-vm-collector.js';
export { createVmMetricsReader } from './vm-metrics-reader.js';
export type { VmMetricsReader } from './vm-metrics-reader.js';
export { defaultVmDir, discoverRecordedVms, discoverVms } from './vm-dir.js';
export type { VmSource } from './vm-source.js';
export { createVmSourcesCollector } from './vm-sources-collector.js';
export { httpGetJson, safeCounter } from './http-unix-json.js';
export {
  createCloudHypervisorVmSource,
  parseCloudHypervisorCounters,
  parseCloudHypervisorMemorySize,
} from './cloud-hypervisor-source.js';
export type {
  CloudHypervisorSourceOptions,
  CloudHypervisorTarget,
} from './cloud-hypervisor-source.js';
export {
  addFirecrackerMetricLines,
  createFirecrackerVmSource,
  emptyFirecrackerTotals,
  firecrackerDevices,
  parseFirecrackerBalloonStats,
} from './firecracker-source.js';
export type {
  FirecrackerSourceOptions,
  FirecrackerTarget,
  FirecrackerTotals,
} from './firecracker-source.js';
export { createLibvirtVmCollector, parseVirshDomstats } from './libvirt-domstats.js';
export type { LibvirtCollectorOptions } from './libvirt-domstats.js';
export { namedVcpus, namedVmmHostSide } from './named-vcpus.js';
export { failedReading } from './failed-reading.js';
export { guardedRead } from './guarded-read.js';
export type { GuardedReadOptions } from './guarded-read.js';
export { resolveDir } from './dir-option.js';
export type { DirOption } from './dir-option.js';
export { countField, countText } from './count-field.js';
export type { CountFieldWhere } from './count-field.js';
export type { VmProvider, VmProviderCallOptions } from './vm-provider.js';
export { createVmCollector } from './vm-collector.js';
export type { MergedVmCollector, VmCollectorOptions } from './vm-collector.js';
export { createQemuVmProvider } from './qemu-vm-provider.js';
export type { QemuVmProviderOptions } from './qemu-vm-provider.js';
export { createCloudHypervisorVmProvider } from './cloud-hypervisor-vm-provider.js';
export type { CloudHypervisorVmProviderOptions } from './cloud-hypervisor-vm-provider.js';
export { createFirecrackerVmProvider } from './firecracker-vm-provider.js';
export type { FirecrackerVmProviderOptions } from './firecracker-vm-provider.js';
export { createLibvirtVmProvider } from './libvirt-vm-provider.js';
export type { LibvirtVmProviderOptions } from './libvirt-vm-provider.js';
export { execFileRunner } from './command-runner.js';
export type { CommandRunner, CommandRunOptions } from './command-runner.js';
export { createSourcesVmProvider } from './sources-vm-provider.js';
export type { SourcesVmProviderOptions } from './sources-vm-provider.js';
export { defaultApiSocketDir, listApiSockets } from './api-socket-dir.js';
export type { ApiSocketVmm } from './api-socket-dir.js';
