export { createExecFileRunner, isCommandMissing } from './command-runner.js';
export type {
  CommandResult,
  CommandRunner,
  ExecFileRunnerOptions,
  RunOptions,
} from './command-runner.js';
export { darwinCommands } from './darwin-commands.js';
export type { DarwinCommand } from './darwin-commands.js';
export { parseVmStat, emptyVmStat } from './parse-vm-stat.js';
export type { VmStat } from './parse-vm-stat.js';
export { parseSysctl, parseSwapUsage, parseSysctlLoadavg, sysctlInteger } from './parse-sysctl.js';
export type { SwapUsage } from './parse-sysctl.js';
export { DARWIN_SYSCTL_NAMES, readDarwinSysctl } from './darwin-sysctl.js';
export type { DarwinSysctl } from './darwin-sysctl.js';
export { parseIoregBlockStorage } from './parse-ioreg.js';
export type { BlockStorageDriver, BlockStorageStatistics } from './parse-ioreg.js';
export { parseIostat } from './parse-iostat.js';
export type { IostatDevice, IostatSample } from './parse-iostat.js';
export { parseNetstatInterfaces } from './parse-netstat.js';
export { parseTopHeader } from './parse-top-header.js';
export type { TopHeader, TopPhysMem, TopProcessCounts } from './parse-top-header.js';
export type { NetstatLink } from './parse-netstat.js';
export { APP_FROM_ACTIVE, darwinMemory } from './darwin-memory.js';
export { darwinCpu } from './darwin-cpu.js';
export type { DarwinOs, OsCpuTimes } from './darwin-cpu.js';
export { disksFromIoreg, disksFromIostat } from './darwin-disks.js';
export { darwinInterfaces, isVirtualInterface } from './darwin-interfaces.js';
export {
  createDarwinSystemCollector,
  DEFAULT_DARWIN_COMMAND_TIMEOUT_MS,
} from './darwin-system-collector.js';
export type {
  DarwinDiskSource,
  DarwinSystemCollector,
  DarwinSystemCollectorOptions,
} from './darwin-system-collector.js';
export { createRecordingRunner, createReplayRunner } from './recording-runner.js';
export { createRecordingOs, createReplayOs } from './recording-os.js';
export type { RecordingOs, ReplayOs } from './recording-os.js';
export { plainRecordedFileRead } from './recorded-file-read.js';
export type { RecordedFileRead } from './recorded-file-read.js';
export { recordDarwinReadings } from './record-darwin-readings.js';
export type { RecordDarwinOptions } from './record-darwin-readings.js';
export { replayDarwinReadings } from './replay-darwin-readings.js';
export type { ReplayDarwinOptions } from './replay-darwin-readings.js';
export {
  createDarwinFilesystemCollector,
  DEFAULT_DARWIN_STATFS_TIMEOUT_MS,
  darwinMountCommand,
} from './filesystems/darwin-filesystem-collector.js';
export type { DarwinFilesystemCollectorOptions } from './filesystems/darwin-filesystem-collector.js';
export {
  MAX_MOUNT_LINE_CHARS,
  MAX_MOUNT_LIST_CHARS,
  MAX_MOUNTS,
  parseMountLine,
  parseMountList,
} from './filesystems/parse-mount-list.js';
export type { DarwinMount } from './filesystems/parse-mount-list.js';
export { DARWIN_PSEUDO_FS_TYPES, selectDarwinMounts } from './filesystems/select-darwin-mounts.js';
export { apfsContainerOf } from './filesystems/apfs-container.js';
export { createBoundedStatfs } from './filesystems/bounded-statfs.js';
export type {
  BoundedStatfs,
  StatfsFunction,
  StatfsOutcome,
  StatfsResult,
} from './filesystems/bounded-statfs.js';
export { createDarwinProcessCollector } from './processes/darwin-process-collector.js';
export type { DarwinProcessCollectorOptions } from './processes/darwin-process-collector.js';
export {
  darwinPsArgs,
  parseLstart,
  parsePs,
  parsePsTime,
  PS_COLUMNS,
  PS_MAX_ROWS,
} from './processes/parse-ps.js';
export type { PsRow } from './processes/parse-ps.js';
export { createDarwinGpuCollector, IOREG_ACCELERATOR_ARGS } from './gpus/darwin-gpu-collector.js';
export type { DarwinGpuCollectorOptions } from './gpus/darwin-gpu-collector.js';
export { parseIoregAccelerators } from './gpus/parse-ioreg-accelerator.js';
export type { AppleAccelerator } from './gpus/parse-ioreg-accelerator.js';
