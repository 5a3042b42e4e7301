import { join } from 'node:path';
import type { FileReader } from '../fs/file-reader.js';
import { USER_HZ } from '../host/parse-proc-stat.js';
import { findSocketHolder } from './find-socket-holder.js';
import { parseTaskStatCpuTicks } from './parse-task-stat.js';

export interface ProcThreadReaderOptions {
  reader: FileReader;
  /** Ticks per second of /proc times; 100 (USER_HZ) by default. */
  clockTicks?: number;
}

/** Host CPU time of VMM threads and processes from /proc (the shape perf-vmm's HostThreadReader wants). */
export interface ProcThreadReader {
  /** utime + stime of `proc/<pid>/task/<tid>/stat`, seconds; null when the thread is gone. */
  threadCpuSeconds(pid: number, tid: number): number | null;
  /** utime + stime of `proc/<pid>/stat` (every thread of the process), seconds. */
  processCpuSeconds(pid: number): number | null;
  /** The thread group (process) of a thread id, from `proc/<tid>/status` `Tgid:`. */
  processOfThread(tid: number): number | null;
  /** The process holding a listening unix socket at this path (see findSocketHolder). */
  socketHolder(socketPath: string): number | null;
  /** Threads of a process with their `comm` names (`CPU 0/TCG`, `vcpu0`, `fc_vcpu 0`). */
  listThreads(pid: number): Array<{ tid: number; name: string }> | null;
}

/**
 * Reads through the FileReader, so kept-open descriptors make repeated readings cheap and a
 * recording reader captures the task files for replay.
 */
export function createProcThreadReader(options: ProcThreadReaderOptions): ProcThreadReader {
  const { reader } = options;
  const ticks = options.clockTicks ?? USER_HZ;
  const seconds = (path: string): number | null => {
    const text = reader.read(path);
    if (text === null) return null;
    const t = parseTaskStatCpuTicks(text, join(reader.root, path));
    return (t.utime + t.stime) / ticks;
  };
  return {
    threadCpuSeconds: (pid, tid) => seconds(`proc/${pid}/task/${tid}/stat`),
    processCpuSeconds: (pid) => seconds(`proc/${pid}/stat`),
    processOfThread(tid) {
      // proc/<tid> exists for every thread, though `ls /proc` lists only thread group leaders.
      const status = reader.read(`proc/${tid}/status`);
      const tgid = status === null ? null : /^Tgid:\s*(\d+)/m.exec(status)?.[1];
      return tgid ? Number(tgid) : null;
    },
    socketHolder: (socketPath) => findSocketHolder(reader, socketPath),
    listThreads(pid) {
      const tasks = reader.list(`proc/${pid}/task`);
      if (tasks === null) return null;
      const threads: Array<{ tid: number; name: string }> = [];
      for (const t of tasks) {
        if (!/^\d+$/.test(t.name)) continue;
        const comm = reader.read(`proc/${pid}/task/${t.name}/comm`);
        if (comm !== null) threads.push({ tid: Number(t.name), name: comm.replace(/\n$/, '') });
      }
      return threads;
    },
  };
}
