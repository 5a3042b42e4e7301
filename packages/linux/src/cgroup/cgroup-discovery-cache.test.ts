import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import { isRoot } from './testing/exec.js';

const hasV1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
const ready = isRoot && hasV1;
const why = !isRoot ? 'needs root' : 'needs cgroup v1 hierarchies';
const parent = `arcbox-walk-${process.pid}-${Date.now() % 100000}`;
const controllers = ['memory', 'cpuacct', 'cpu', 'pids', 'blkio'];
const signal = new AbortController().signal;
const make = (g: string) => {
  for (const c of controllers) mkdirSync(`/sys/fs/cgroup/${c}/${parent}/${g}`, { recursive: true });
};
const remove = (g: string) => {
  for (const c of controllers) rmdirSync(`/sys/fs/cgroup/${c}/${parent}/${g}`);
};

describe.skipIf(!ready)(
  `the discovery walk reuses listings while a directory's link count holds (skipped: ${ready ? '' : why})`,
  () => {
    afterAll(() => {
      for (const c of controllers) {
        for (const g of ['a', 'b', 'c', 'd'])
          if (existsSync(`/sys/fs/cgroup/${c}/${parent}/${g}`))
            rmdirSync(`/sys/fs/cgroup/${c}/${parent}/${g}`);
        if (existsSync(`/sys/fs/cgroup/${c}/${parent}`)) rmdirSync(`/sys/fs/cgroup/${c}/${parent}`);
      }
    });

    it('lists a directory again only when its subdirectories changed, or a container went away', async () => {
      make('a');
      make('b');
      const real = createFileReader({ root: '/' });
      const listed: string[] = [];
      const reader: FileReader = {
        root: real.root,
        read: (p, m) => real.read(p, m),
        exists: (p) => real.exists(p),
        list: (p) => {
          listed.push(p);
          return real.list(p);
        },
        linkCount: (p) => real.linkCount!(p),
        forget: (p) => real.forget(p),
        close: () => real.close(),
      };
      const collector = createCgroupContainerCollector({
        reader,
        discover: false,
        cgroupPaths: [`/${parent}/*`],
        discoverEveryMs: 0,
      });
      const ids = async () => (await collector.collect({ signal })).map((r) => r.id).sort();
      expect(await ids()).toEqual([`/${parent}/a`, `/${parent}/b`]);
      const first = listed.length;
      expect(listed.filter((p) => existsSync(`/${p}`)).length).toBeGreaterThanOrEqual(5);
      // Nothing changed: the next walk stats the directories and lists none of them (a
      // hierarchy without the parent, the cgroup2 mount here, is asked again: ENOENT is cheap).
      expect(await ids()).toEqual([`/${parent}/a`, `/${parent}/b`]);
      expect(listed.slice(first).filter((p) => existsSync(`/${p}`))).toEqual([]);
      // A new subdirectory moves the link count: listed again, found at once.
      make('c');
      const before = listed.filter((p) => existsSync(`/${p}`)).length;
      expect(await ids()).toEqual([`/${parent}/a`, `/${parent}/b`, `/${parent}/c`]);
      expect(listed.filter((p) => existsSync(`/${p}`)).length).toBeGreaterThan(before);
      // One gone and one new in the same interval leave the count as it was: the gone one is
      // noticed by its reading, which drops the kept listings, and the new one is found next.
      remove('b');
      make('d');
      expect(await ids()).toEqual([`/${parent}/a`, `/${parent}/c`]);
      expect(await ids()).toEqual([`/${parent}/a`, `/${parent}/c`, `/${parent}/d`]);
      collector.close();
    });
  },
);
