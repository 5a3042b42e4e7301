import { join } from 'node:path';
import { RECORDED_READINGS_FOLDER, readingFolderName } from '@arcbox/perf-core';

// recording.json, readings/NNNN/ and reading.json are core's shared format (recording-format.ts);
// these are the names the composition adds around and inside each reading folder.

/** `DIR/sources.json`: what was recorded and how (see `RecordedSources`). */
export const SOURCES_FILE = 'sources.json';
/** `DIR/containers.json` of recordings made before sources.json: the extra cgroups. */
export const LEGACY_CONTAINERS_FILE = 'containers.json';
/** `DIR/vms.json` of recordings made before sources.json: the host CPU count of the VMs. */
export const LEGACY_VMS_FILE = 'vms.json';
/** Every top-level entry a recording writes: what `force` replaces. */
export const RECORDING_ENTRIES = [
  'recording.json',
  RECORDED_READINGS_FOLDER,
  SOURCES_FILE,
  LEGACY_CONTAINERS_FILE,
  LEGACY_VMS_FILE,
] as const;

/** `statfs.json` in a reading folder: each mount point's statfs result, error, or `pending`. */
export const STATFS_FILE = 'statfs.json';
/** `engine/` in a reading folder: the Docker-compatible engine's replies. */
export const ENGINE_FOLDER = 'engine';
/** `qmp/<vm-id>/` in a reading folder: QEMU's QMP replies (perf-vmm's recording session). */
export const QMP_FOLDER = 'qmp';
/** `vmm/<vmm>/<vm-id>/` in a reading folder: each VM's target, API replies and files. */
export const VMM_FOLDER = 'vmm';
/** `vmm/<vmm>/<vm-id>/target.json`: the sockets the VM was read through. */
export const VM_TARGET_FILE = 'target.json';

/** `DIR/readings/0001` for reading 1. */
export function readingFolder(dir: string, index: number): string {
  return join(dir, RECORDED_READINGS_FOLDER, readingFolderName(index));
}

/** `vmm/<vmm>/<vm-id>` inside a reading folder. */
export function vmFolder(readingDir: string, vmm: string, id: string): string {
  return join(readingDir, VMM_FOLDER, vmm, id);
}

/**
 * A file name for a request (`/api/v1/vm.counters` -> `api_v1_vm.counters.json`), as perf-vmm
 * names QMP replies: safe on every filesystem, never a path.
 */
export function replyFileName(request: string): string {
  const name = request
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 200);
  return `${name === '' || name === '.' || name === '..' ? '_' : name}.json`;
}

/** An id that can name a folder: no separator, no NUL, not `.` or `..`, not too long. */
export function isSafeName(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\\0]/.test(id) && id !== '.' && id !== '..';
}
