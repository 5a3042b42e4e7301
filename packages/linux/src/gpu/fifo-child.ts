import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { constants, readSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { PerfError } from '@arcbox/perf-core';

/** Most bytes one `take()` reads: a few rounds of 64 GPUs' lines; more waits for the next. */
const MAX_TAKE = 256 * 1024;

/**
 * A child whose standard output goes into a FIFO that we read only when asked, without waiting
 * (O_NONBLOCK): a stream that prints once a second then costs no wake-up of the event loop of
 * its own, which at 1 Hz is most of what reading it costs (about 0.6 ms of CPU a wake-up here,
 * against microseconds for the read). The kernel holds what the child printed until we take
 * it (64 KiB); a child with nobody reading blocks in its write, as it would on any pipe.
 */
export interface FifoChild {
  readonly child: ChildProcess;
  /** What the child printed since the last call ('' when nothing); never waits. */
  take(): string;
  /** Closes our end (the child, if still alive, gets SIGPIPE on its next write). */
  close(): void;
}

/** Starts `command` with its output on a new FIFO; the FIFO's name is gone once both ends are open. */
export async function spawnToFifo(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<FifoChild> {
  const dir = await mkdtemp(join(tmpdir(), 'arcbox-fifo-'));
  let reader: FileHandle | null = null;
  try {
    const path = join(dir, 'out');
    await new Promise<void>((resolve, reject) =>
      execFile('mkfifo', ['-m', '600', path], { timeout: 5000 }, (e) =>
        e ? reject(new PerfError('COLLECTOR_FAILED', `mkfifo ${path}: ${e.message}`)) : resolve(),
      ),
    );
    // The reading end first, non-blocking, so opening the writing end does not wait for one.
    reader = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = await open(path, constants.O_WRONLY);
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], { env, stdio: ['ignore', writer.fd, 'ignore'] });
      // A command that cannot start (ENOENT, EACCES) rejects here, not as an unheard 'error'.
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } finally {
      await writer.close();
    }
    return wrap(child, reader);
  } catch (e) {
    await reader?.close();
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function wrap(child: ChildProcess, reader: FileHandle): FifoChild {
  const decoder = new StringDecoder('utf8');
  const chunk = Buffer.allocUnsafe(64 * 1024);
  let open = true;
  return {
    child,
    take() {
      if (!open) return '';
      let text = '';
      for (let total = 0; total < MAX_TAKE; ) {
        let n: number;
        try {
          n = readSync(reader.fd, chunk, 0, chunk.length, null);
        } catch (e) {
          // EAGAIN: nothing more for now.
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw e;
        }
        // 0: every writer is gone (the child exited); its 'exit' tells the rest.
        if (n === 0) break;
        text += decoder.write(chunk.subarray(0, n));
        total += n;
        // A short read emptied the FIFO: asking again would only throw EAGAIN (an Error built
        // with its stack, dearer at 1 Hz than the read itself).
        if (n < chunk.length) break;
      }
      return text;
    },
    close() {
      if (!open) return;
      open = false;
      void reader.close();
    },
  };
}
