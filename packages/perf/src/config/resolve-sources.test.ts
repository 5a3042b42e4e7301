import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createConfigChecker } from './config-checker.js';
import { configError, parseConfigDocument } from './config-document.js';
import { resolveSources } from './resolve-sources.js';
import { defaultSourcesConfig } from './sources-config.js';
import { validateSources } from './validate-sources.js';

function failure(run: () => unknown): PerfError {
  try {
    run();
  } catch (e) {
    if (PerfError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('did not fail');
}

describe('sources config', () => {
  it('starts from the defaults and turns on each VMM its section names', () => {
    const c = resolveSources({
      root: '/host',
      sources: {
        containers: { paths: ['/mygroup/*'], timeout: '1s' },
        vms: {
          socketDir: '/run/arcbox/vms',
          cloudHypervisor: { socketDir: '/run/ch' },
          libvirt: { uri: 'qemu:///session' },
        },
        filesystems: { enabled: false },
      },
    });
    expect(c.root).toBe('/host');
    expect(c.containers).toMatchObject({ enabled: true, paths: ['/mygroup/*'], timeoutMs: 1000 });
    expect(c.vms.qemu).toMatchObject({ enabled: true, socketDir: '/run/arcbox/vms' });
    expect(c.vms.cloudHypervisor).toMatchObject({ enabled: true, socketDir: '/run/ch' });
    expect(c.vms.firecracker.enabled).toBe(false);
    expect(c.vms.libvirt).toEqual({ enabled: true, uri: 'qemu:///session' });
    expect(c.filesystems.enabled).toBe(false);
    expect(defaultSourcesConfig().vms.libvirt.enabled).toBe(false);
  });

  it('reads the processes switch: limit, containers and interval, bounded', () => {
    expect(resolveSources({}).processes).toEqual({
      enabled: true,
      timeoutMs: 2000,
      limit: 10,
      containers: [],
      intervalMs: null,
    });
    const c = resolveSources({
      sources: { processes: { limit: 25, containers: ['web', 'abcd1234'], interval: '2s' } },
    });
    expect(c.processes).toMatchObject({
      limit: 25,
      containers: ['web', 'abcd1234'],
      intervalMs: 2000,
    });
    const e = failure(() =>
      resolveSources({ sources: { processes: { limit: 0, containers: 'web', top: 1 } } }),
    );
    expect(e.message).toContain('sources.processes.top: unknown key');
    expect(e.message).toContain('sources.processes.limit');
    expect(e.message).toContain('sources.processes.containers');
    expect(() => resolveSources({ sources: { processes: { limit: 1e6 } } })).toThrow(/limit/);
  });

  it('reads the gpus switch: stream period and compute-apps period, bounded', () => {
    expect(resolveSources({}).gpus).toEqual({
      enabled: true,
      timeoutMs: 2000,
      intervalMs: 1000,
      appsIntervalMs: 10_000,
    });
    expect(
      resolveSources({
        sources: { gpus: { enabled: false, interval: '500ms', appsInterval: '30s' } },
      }).gpus,
    ).toEqual({ enabled: false, timeoutMs: 2000, intervalMs: 500, appsIntervalMs: 30_000 });
    const e = failure(() =>
      resolveSources({ sources: { gpus: { interval: '10ms', appsInterval: '2h', loop: 1 } } }),
    );
    expect(e.message).toContain('sources.gpus.loop: unknown key');
    expect(e.message).toContain('sources.gpus.interval: must be at least 100 ms');
    expect(e.message).toContain('sources.gpus.appsInterval: must be at most 3600000 ms');
  });

  it('names every problem with its key: unknown keys, wrong types, bad durations and URIs', () => {
    const e = failure(() =>
      resolveSources(
        {
          sources: {
            containers: { paths: 'x', colour: 'red' },
            vms: { timeout: 5, libvirt: { uri: 'not a uri' } },
            system: { timeout: '90d' },
            gpu: {},
          },
        },
        'command line',
      ),
    );
    expect(e.code).toBe('CONFIG_ERROR');
    expect(e.message.split('\n')).toEqual([
      'command line: sources.gpu: unknown key (known here: system, containers, docker, vms, filesystems, processes, gpus)',
      'command line: sources.system.timeout: must be at most 60000 ms, found "90d"',
      'command line: sources.containers.colour: unknown key (known here: enabled, timeout, discover, paths)',
      'command line: sources.containers.paths: must be a list of strings, found the string "x"',
      'command line: sources.vms.timeout: a duration needs a unit, e.g. "5s" or "5ms"',
      'command line: sources.vms.libvirt.uri: "not a uri" is not a libvirt URI (e.g. "qemu:///system")',
    ]);
  });

  it('gives file:line: key: problem for a config file, with the line of each key', () => {
    const doc = parseConfigDocument(
      'sources:\n  vms:\n    sockets: [1]\n  containers:\n    discover: maybe\n',
      'agent.yaml',
    );
    const checker = createConfigChecker();
    validateSources((doc.value as { sources: unknown }).sources, defaultSourcesConfig(), checker);
    const e = configError(doc.file, checker.issues, doc.lineOf);
    expect(e.message.split('\n')).toEqual([
      'agent.yaml:5: sources.containers.discover: must be true or false, found the string "maybe"',
      'agent.yaml:3: sources.vms.sockets[0]: must be a string, found number 1',
    ]);
    expect(e.line).toBe(5);
  });

  it('bounds what an untrusted config can make it hold', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `/g${i}`);
    const e = failure(() => resolveSources({ sources: { containers: { paths: many } } }));
    expect(e.message).toContain('must hold at most 1000 items');
    const long = failure(() => resolveSources({ root: 'x'.repeat(10_000) }));
    expect(long.message).toContain('at most 4096 characters');
    // An alias bomb is refused by the YAML reader instead of expanding.
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(() => parseConfigDocument(bomb.join('\n'), 'bomb.yaml')).toThrow(
      /bomb.yaml: cannot be read as a config: Excessive alias count/,
    );
  });
});
