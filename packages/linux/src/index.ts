export { createFileReader } from './fs/file-reader.js';
export type { ByteScanner, DirEntry, FileReader, FileReaderOptions } from './fs/file-reader.js';
export { createDescriptorBudget } from './fs/descriptor-budget.js';
export type { DescriptorBudget } from './fs/descriptor-budget.js';
export { createRecordingReader } from './fs/recording-reader.js';
export { createProcThreadReader } from './vm/proc-thread-reader.js';
export type { ProcThreadReader, ProcThreadReaderOptions } from './vm/proc-thread-reader.js';
export { parseTaskStatCpuTicks } from './vm/parse-task-stat.js';
export type { TaskCpuTicks } from './vm/parse-task-stat.js';
export { findSocketHolder, findUnixSocketInode } from './vm/find-socket-holder.js';
export { createTapCounterReader } from './vm/tap-counter-reader.js';
export type { InterfaceCounters, TapCounterReader } from './vm/tap-counter-reader.js';
export { parseProcStat, USER_HZ } from './host/parse-proc-stat.js';
export type { ParseProcStatOptions, ProcStat } from './host/parse-proc-stat.js';
export { parseMeminfo, parseMeminfoFields } from './host/parse-meminfo.js';
export type { ParseMeminfoOptions } from './host/parse-meminfo.js';
export { parseDiskstats } from './host/parse-diskstats.js';
export type { DiskStat, ParseDiskstatsOptions } from './host/parse-diskstats.js';
export { parseNetDev } from './host/parse-net-dev.js';
export type { NetDevStat, ParseNetDevOptions } from './host/parse-net-dev.js';
export { parseLoadavg } from './host/parse-loadavg.js';
export type { ParseLoadavgOptions } from './host/parse-loadavg.js';
export { parsePressure } from './host/parse-pressure.js';
export type { ParsePressureOptions } from './host/parse-pressure.js';
export {
  classifyDisk,
  classifyInterface,
  createDeviceClassifier,
} from './host/classify-devices.js';
export type {
  DeviceClassifier,
  DeviceClassifierOptions,
  DiskClass,
  InterfaceClass,
} from './host/classify-devices.js';
export {
  LINUX_PRESSURE_FILES,
  LINUX_SYSTEM_REQUIRED_FILES,
  readLinuxSystem,
  systemClock,
} from './host/read-linux-system.js';
export type { ReadLinuxSystemOptions } from './host/read-linux-system.js';
export { createLinuxSystemCollector } from './host/linux-system-collector.js';
export type {
  LinuxSystemCollector,
  LinuxSystemCollectorOptions,
} from './host/linux-system-collector.js';
export { readingDir } from './host/recording-layout.js';
export type { RecordedStamp, RecordingManifest } from './host/recording-layout.js';
export { recordLinuxReadings } from './host/record-linux-readings.js';
export type { RecordLinuxReadingsOptions } from './host/record-linux-readings.js';
export { replayLinuxReadings } from './host/replay-linux-readings.js';
export type { ReplayLinuxReadingsOptions } from './host/replay-linux-readings.js';
export { createCgroupContainerCollector } from './cgroup/cgroup-container-collector.js';
export type {
  CgroupContainerCollector,
  CgroupContainerCollectorOptions,
  ContainerLister,
} from './cgroup/cgroup-container-collector.js';
export { detectCgroupLayout, parseCgroupMounts } from './cgroup/cgroup-layout.js';
export type { CgroupLayout, CgroupMount } from './cgroup/cgroup-layout.js';
export { classifyCgroupPath } from './cgroup/classify-cgroup-path.js';
export type { CgroupContainerMatch } from './cgroup/classify-cgroup-path.js';
export type { CgroupTarget } from './cgroup/discover-cgroups.js';
export { readCgroupStats } from './cgroup/read-cgroup-stats.js';
export type { CgroupStats } from './cgroup/read-cgroup-stats.js';
export { parseBlkio, parseIoStat } from './cgroup/parse-io-stat.js';
export type { BlkioTotals, BlockIoTotals } from './cgroup/parse-io-stat.js';
export {
  parseCgroupLimit,
  parseCgroupNumber,
  parseCpuMax,
  parseFlatKeyed,
} from './cgroup/parse-cgroup-values.js';
export { collectContainer, collectContainers } from './cgroup/collect-containers.js';
export type { CollectContainersOptions } from './cgroup/collect-containers.js';
export { createRuntimeStateNames } from './cgroup/runtime-state-names.js';
export type {
  ContainerNameLookup,
  RuntimeStateNamesOptions,
} from './cgroup/runtime-state-names.js';
export { createLinuxFilesystemCollector } from './filesystems/linux-filesystem-collector.js';
export type {
  LinuxFilesystemCollector,
  LinuxFilesystemCollectorOptions,
} from './filesystems/linux-filesystem-collector.js';
export {
  MOUNTINFO_MAX_LENGTH,
  MOUNTINFO_MAX_MOUNTS,
  parseMountinfo,
  unescapeMountinfo,
} from './filesystems/parse-mountinfo.js';
export type { MountinfoEntry, ParseMountinfoOptions } from './filesystems/parse-mountinfo.js';
export {
  isReadOnlyMount,
  PSEUDO_FS_TYPES,
  RUNTIME_MOUNT_TREES,
  selectMounts,
} from './filesystems/select-mounts.js';
export { statfsFigures } from './filesystems/statfs-figures.js';
export type { Statfs, StatfsFigures, StatfsResult } from './filesystems/statfs-figures.js';
export { createLinuxProcessCollector } from './processes/linux-process-collector.js';
export type {
  LinuxProcessCollector,
  LinuxProcessCollectorOptions,
} from './processes/linux-process-collector.js';
export { parseProcessStat } from './processes/parse-process-stat.js';
export type { ProcessStat } from './processes/parse-process-stat.js';
export { parseProcessStatus } from './processes/parse-process-status.js';
export type { ProcessStatus } from './processes/parse-process-status.js';
export { parseProcessIo } from './processes/parse-process-io.js';
export type { ProcessIo } from './processes/parse-process-io.js';
export { containerCgroupPath, parseProcessCgroup } from './processes/parse-process-cgroup.js';
export type { ProcessCgroups } from './processes/parse-process-cgroup.js';
export { parsePasswd } from './processes/parse-passwd.js';
export { createContainerOfCgroup } from './processes/container-of-cgroup.js';
export type {
  ContainerOfCgroup,
  KnownContainerCgroup,
} from './processes/container-of-cgroup.js';
export { createNvidiaGpuCollector } from './gpu/nvidia-gpu-collector.js';
export type { NvidiaGpuCollector, NvidiaGpuCollectorOptions } from './gpu/nvidia-gpu-collector.js';
export { parseNvidiaSmiXml } from './gpu/parse-nvidia-smi-xml.js';
export type { NvidiaXmlDevice, NvidiaXmlProcess } from './gpu/parse-nvidia-smi-xml.js';
export { parseComputeApps, parseQueryGpuLine } from './gpu/parse-nvidia-csv.js';
export type { ComputeApp } from './gpu/parse-nvidia-csv.js';
export { NVIDIA_QUERY_FIELDS } from './gpu/nvidia-query-fields.js';
export { nvidiaReadingsFromRaw } from './gpu/assemble-nvidia-readings.js';
export type { NvidiaAppsAnswer, NvidiaRawRound } from './gpu/assemble-nvidia-readings.js';
