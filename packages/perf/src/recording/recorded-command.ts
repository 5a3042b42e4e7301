import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { CommandRunner } from '@arcbox/perf-vmm';
import { recordReply, replayReply } from './recorded-reply.js';
import type { RecordedTree } from './recording-files.js';

// A command's stdout is kept as text (`<name>.txt`, readable as it printed); a failure as a
// reply (`<name>.error.json`), so the replay fails the same way.

/** Wraps perf-vmm's command runner (virsh): output or failure into `<folder()>/<name>`. */
export function recordingCommandRunner(
  live: CommandRunner,
  folder: () => string,
  name: string,
): CommandRunner {
  return async (file, args, options) => {
    const dir = folder();
    let stdout: string;
    try {
      stdout = await live(file, args, options);
    } catch (error) {
      // Written through recordReply so the failure file has the one reply format.
      await recordReply(
        join(dir, `${name}.error.json`),
        () => Promise.reject(error),
        options.signal,
      ).catch(() => {});
      throw error;
    }
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${name}.txt`), stdout);
    return stdout;
  };
}

/**
 * Answers with the output recorded in `folder` (relative to the reading) of the reading being
 * replayed, or its recorded failure.
 */
export function replayCommandRunner(
  tree: () => RecordedTree,
  folder: string,
  name: string,
): CommandRunner {
  return async (file) => {
    const t = tree();
    const stdout = t.readText(join(folder, `${name}.txt`));
    if (stdout !== null) return stdout;
    const failed = replayReply(t, join(folder, `${name}.error.json`));
    if (failed === undefined)
      throw new PerfError('COMMAND_FAILED', `${file} was not recorded`, {
        file: join(t.root, folder, `${name}.txt`),
      });
    throw new PerfError('PROTOCOL_ERROR', 'recorded failure has no error');
  };
}
