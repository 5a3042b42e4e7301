import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ContainerReading,
  RECORDING_MANIFEST_FILE,
  type SystemReading,
  type VmReading,
} from '@arcbox/perf-core';
import { replayContainers } from './recorded-containers.js';
import { replayVms } from './recorded-vms.js';

/**
 * Replays a recording with the collector of the platform it names (`recording.json`'s
 * `platform`), on any machine: a darwin recording replays on Linux and the other way round.
 * An unreadable or unknown manifest is left to the Linux replay, whose errors name the file.
 */
export async function replayRecording(
  dir: string,
  signal: AbortSignal,
): Promise<{ system: SystemReading[]; containers: ContainerReading[][]; vms: VmReading[][] }> {
  let platform: unknown = null;
  try {
    platform = (
      JSON.parse(await readFile(join(dir, RECORDING_MANIFEST_FILE), 'utf8')) as {
        platform?: unknown;
      }
    ).platform;
  } catch {
    // reported by the replay below, with the file and the reason
  }
  if (platform === 'darwin') {
    const { replayDarwinReadings } = await import('@arcbox/perf-darwin');
    const system = await replayDarwinReadings(dir, { signal });
    return { system, containers: system.map(() => []), vms: system.map(() => []) };
  }
  const { replayLinuxReadings } = await import('@arcbox/perf-linux');
  const system = await replayLinuxReadings(dir, { signal });
  return {
    system,
    containers: await replayContainers(dir, system.length, signal),
    vms: await replayVms(dir, system, signal),
  };
}
