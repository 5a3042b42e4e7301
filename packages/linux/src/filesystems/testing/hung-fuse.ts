import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFileReader, type FileReader } from '../../fs/file-reader.js';

/** Whether this machine can run hung-fuse-server.mjs: root, /dev/fuse, fuse in the kernel. */
export function canMountFuse(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync('/dev/fuse')) return 'needs /dev/fuse';
  if (!/\tfuse\n/.test(readFileSync('/proc/filesystems', 'utf8'))) return 'needs the fuse module';
  if (!existsSync('/usr/bin/unshare')) return 'needs unshare (util-linux)';
  return null;
}

export interface HungFuse {
  /** `/proc/<server pid>/root`: the private mount namespace, for statfs paths. */
  root: string;
  /** Reads the server's mountinfo for the collector's `proc/1/mountinfo` (its root is not /). */
  reader: FileReader;
  mountPoint: string;
  /** STATFS requests the kernel has sent the server so far. */
  statfsRequests(): number;
  /**
   * The count once it reaches `n`, or what it is after `timeoutMs`. The server reports each
   * request on a pipe, which this process may read after the statfs it answered has returned.
   */
  statfsRequestsReaching(n: number, timeoutMs?: number): Promise<number>;
  /** Answers the held STATFS requests, and every later one at once. */
  answer(): void;
  /** Ends the server: its namespace and mount go with it, held callers get ENOTCONN. */
  stop(): Promise<void>;
}

/**
 * Mounts a FUSE filesystem whose statfs never answers, in a mount namespace of its own, so that
 * nothing else on the machine (a df, node_exporter, other tests) walks into the hung mount.
 */
export async function startHungFuse(dir: string): Promise<HungFuse> {
  const mountPoint = `${dir}/mnt`;
  mkdirSync(mountPoint, { recursive: true });
  const script = fileURLToPath(new URL('./hung-fuse-server.mjs', import.meta.url));
  // unshare execs node in the same process, so child.pid is the server's pid.
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', process.execPath, script, mountPoint],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let requests = 0;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no FUSE server after 10 s: ${stderr}`)),
      10_000,
    );
    child.once('exit', (code) => reject(new Error(`FUSE server exited ${code}: ${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      requests += text.match(/^statfs /gm)?.length ?? 0;
      if (text.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const proc = `/proc/${child.pid}`;
  const base = createFileReader({ root: proc, keepOpen: false });
  return {
    root: `${proc}/root`,
    reader: {
      ...base,
      read: (path) => base.read(path === 'proc/1/mountinfo' ? 'mountinfo' : path),
    },
    mountPoint,
    statfsRequests: () => requests,
    async statfsRequestsReaching(n, timeoutMs = 2_000) {
      for (let waited = 0; requests < n && waited < timeoutMs; waited += 10) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return requests;
    },
    answer: () => child.stdin.write('answer\n'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
