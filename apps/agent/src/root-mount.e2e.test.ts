import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { removeDir, startAgent, tempDir } from './testing/spawn-agent.js';
import { canMakeCgroups, createTestCgroup } from './testing/test-cgroup.js';

const run = promisify(execFile);

/**
 * The agent as it runs in a container: the host's /proc and /sys (with its cgroup tree) mounted
 * read-only under another directory, given as `root`. Made here with bind mounts, which the test
 * removes again.
 */
describe.skipIf(!canMakeCgroups)(
  'agent with the host mounted read-only under --root (needs root)',
  () => {
    it('reads the host and its cgroups through the mounted tree', async () => {
      const dir = await tempDir('arcbox-root-');
      const host = join(dir, 'host');
      const mounted: string[] = [];
      const cgroup = await createTestCgroup(`arcbox-root-${process.pid}`);
      let agent: Awaited<ReturnType<typeof startAgent>> | null = null;
      try {
        for (const part of ['proc', 'sys']) {
          const target = join(host, part);
          await mkdir(target, { recursive: true });
          await run('mount', ['--rbind', `/${part}`, target]);
          mounted.push(target);
          await run('mount', ['--make-rprivate', target]);
          await run('mount', ['-o', 'remount,bind,ro', target]);
        }
        await cgroup.run('sleep 600');
        agent = await startAgent(
          `interval: 500ms\nroot: ${JSON.stringify(host)}\nsources:\n  containers: { discover: false, paths: ["${cgroup.path}"] }\n`,
        );
        await agent.waitReady();
        await new Promise((r) => setTimeout(r, 1200));
        const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
          system: { cpuCount: number; memoryTotal: number; cpuPercent: number | null };
          containers: Array<{ id: string; pids: number | null }>;
        };
        const meminfo = await readFile('/proc/meminfo', 'utf8');
        expect(snapshot.system.memoryTotal).toBe(
          Number(/MemTotal:\s+(\d+)/.exec(meminfo)![1]) * 1024,
        );
        expect(snapshot.system.cpuPercent).not.toBeNull();
        const mine = snapshot.containers.find((c) => c.id.endsWith(cgroup.path));
        expect(mine, JSON.stringify(snapshot.containers.map((c) => c.id))).toBeDefined();
        // The shell that waits for its go and the sleep it runs.
        expect(mine!.pids).toBe(2);
        // Read-only really: the agent could not have written there.
        await expect(run('touch', [join(host, 'proc', 'x')])).rejects.toThrow();
      } finally {
        await agent?.stop();
        for (const target of mounted.reverse())
          await run('umount', ['-R', '-l', target]).catch(() => undefined);
        await cgroup.remove();
        if (agent) await removeDir(agent.dir);
        await removeDir(dir);
      }
    });
  },
);
