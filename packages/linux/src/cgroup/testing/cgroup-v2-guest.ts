// A QEMU guest (TCG) whose kernel runs cgroup v2, for what this v1-hybrid host cannot show: the
// guest makes two docker-like scopes, OOM-kills a process in one and throttles a busy loop in
// the other, and prints every cgroup and /proc file the collector reads, before and after, on
// its serial console. The kernel is Debian's cloud kernel (the one perf-vmm's VM test fetches
// and caches, or fetched the same way: apt-get download + dpkg -x, never installed).
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CACHE_DIR = process.env.ARCBOX_VM_CACHE ?? '/var/cache/arcbox-perf-vm';
export const OOM_ID = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
export const BUSY_ID = 'c'.repeat(8) + 'fedcba9876543210'.repeat(3) + 'd'.repeat(8);
export const GUEST_KILLS = 2;
const MAX_CONSOLE_BYTES = 8 * 2 ** 20;

const onPath = (cmd: string) =>
  ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].map((d) => join(d, cmd)).find((p) => existsSync(p)) ??
  null;

/** Why the guest cannot run here, or null. */
export function cgroupV2GuestMissing(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root';
  for (const cmd of ['qemu-system-x86_64', 'busybox', 'dpkg'])
    if (!onPath(cmd)) return `${cmd} not installed (Debian qemu-system-x86, busybox-static, dpkg)`;
  if (!cachedKernel() && !onPath('apt-get')) return 'no guest kernel cached and no apt-get';
  return null;
}

function cachedKernel(): string | null {
  if (!existsSync(CACHE_DIR)) return null;
  const k = readdirSync(CACHE_DIR).find((f) => f.startsWith('vmlinuz-'));
  return k ? join(CACHE_DIR, k) : null;
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...(cwd ? { cwd } : {}) });
}

function guestKernel(): string {
  const cached = cachedKernel();
  if (cached) return cached;
  mkdirSync(CACHE_DIR, { recursive: true });
  const depends = run('apt-cache', ['depends', 'linux-image-cloud-amd64']);
  const version = /Depends: (linux-image-[0-9][^\s]*-cloud-amd64)/.exec(depends)?.[1];
  if (!version) throw new Error(`no linux-image-*-cloud-amd64 in apt-cache:\n${depends}`);
  const work = mkdtempSync(join(CACHE_DIR, 'build-'));
  try {
    run('apt-get', ['download', version], work);
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${version} gave no .deb`);
    run('dpkg', ['-x', join(work, deb), join(work, 'x')]);
    const boot = readdirSync(join(work, 'x', 'boot')).find((f) => f.startsWith('vmlinuz-'));
    if (!boot) throw new Error(`${version} has no kernel image`);
    const kernel = join(CACHE_DIR, 'vmlinuz-cgroup-v2');
    copyFileSync(join(work, 'x', 'boot', boot), kernel);
    return kernel;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The guest's /init: the scenario, and each reading's files printed between markers. */
function guestInit(): string {
  const m = `/sys/fs/cgroup/system.slice/docker-${OOM_ID}.scope`;
  const c = `/sys/fs/cgroup/system.slice/docker-${BUSY_ID}.scope`;
  return `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
mount -t cgroup2 none /sys/fs/cgroup || echo "ARCBOX: no cgroup2"
echo "+memory +cpu +io +pids" > /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/system.slice
echo "+memory +cpu +io +pids" > /sys/fs/cgroup/system.slice/cgroup.subtree_control
mkdir ${m} ${c}
echo 33554432 > ${m}/memory.max
echo "50000 100000" > ${c}/cpu.max
dump() {
  echo "ARCBOX-READING $1 $(cut -d' ' -f1 /proc/uptime)"
  for f in ${c}/* ${m}/* /sys/fs/cgroup/system.slice/* /sys/fs/cgroup/cgroup.* /proc/self/mountinfo /proc/meminfo /proc/stat /proc/uptime /sys/devices/system/cpu/online; do
    [ -f "$f" ] || continue
    body=$(cat "$f" 2>/dev/null) || continue
    echo "ARCBOX-FILE $f"
    echo "$body"
    echo "ARCBOX-END"
  done
}
sh -c 'echo $$ > ${c}/cgroup.procs; exec sh -c "while :; do :; done"' &
sleep 1
echo "ARCBOX: up"
dump 1
for i in $(seq ${GUEST_KILLS}); do
  sh -c 'echo $$ > ${m}/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=64M count=1' 2>/dev/null
  echo "ARCBOX: dd exit $?"
done
sleep 3
dump 2
echo "ARCBOX: done"
poweroff -f
`;
}

export interface GuestReading {
  /** The guest's uptime when the reading began, seconds. */
  uptime: number;
  /** Files by absolute guest path. */
  files: Map<string, string>;
}

/** Parses the console: each reading's files; lines outside markers are the kernel's. */
export function parseGuestConsole(text: string): GuestReading[] {
  const readings: GuestReading[] = [];
  let file: { path: string; lines: string[] } | null = null;
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (file) {
      if (line === 'ARCBOX-END') {
        readings.at(-1)?.files.set(file.path, `${file.lines.join('\n')}\n`);
        file = null;
      } else file.lines.push(line);
      continue;
    }
    const r = /^ARCBOX-READING (\d+) ([\d.]+)$/.exec(line);
    if (r) readings.push({ uptime: Number(r[2]), files: new Map() });
    const f = /^ARCBOX-FILE (\/\S+)$/.exec(line);
    if (f?.[1]) file = { path: f[1], lines: [] };
  }
  return readings;
}

/** Writes a reading's files under `root` at their guest paths (a root the collector reads). */
export function writeGuestReading(reading: GuestReading, root: string): void {
  for (const [path, body] of reading.files) {
    const at = join(root, path);
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, body);
  }
}

/** Boots the guest, waits for it to power off, returns its console text and dd exit statuses. */
export async function runCgroupV2Guest(options: { timeoutMs?: number } = {}): Promise<string> {
  const kernel = guestKernel();
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-cgv2-'));
  try {
    const root = join(dir, 'root');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp'])
      mkdirSync(join(root, d), { recursive: true });
    copyFileSync(onPath('busybox') as string, join(root, 'bin', 'busybox'));
    writeFileSync(join(root, 'init'), guestInit(), { mode: 0o755 });
    const list = run('find', ['.'], root);
    const cpio = execFileSync(onPath('busybox') as string, ['cpio', '-o', '-H', 'newc'], {
      cwd: root,
      input: list,
      maxBuffer: 64 * 2 ** 20,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const initrd = join(dir, 'initrd.cpio');
    writeFileSync(initrd, cpio);
    const consoleLog = join(dir, 'console.log');
    const child = spawn(
      'qemu-system-x86_64',
      [
        ...['-machine', 'q35', '-accel', 'tcg,thread=multi', '-smp', '2', '-m', '256M'],
        ...['-nodefaults', '-display', 'none', '-no-reboot'],
        ...['-kernel', kernel, '-initrd', initrd],
        ...['-append', 'console=ttyS0 panic=-1 quiet cgroup_no_v1=all'],
        ...['-serial', `file:${consoleLog}`],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => {
      if (stderr.length < 65_536) stderr += d;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const timeoutMs = options.timeoutMs ?? 240_000;
    const done = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
    const text = existsSync(consoleLog)
      ? readFileSync(consoleLog, 'utf8').slice(0, MAX_CONSOLE_BYTES)
      : '';
    if (!done)
      throw new Error(`guest did not power off in ${timeoutMs} ms; console:\n${text.slice(-4000)}`);
    if (!text.includes('ARCBOX: done'))
      throw new Error(`guest stopped early (${stderr}); console:\n${text.slice(-4000)}`);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
