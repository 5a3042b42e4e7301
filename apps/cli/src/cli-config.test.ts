import * as perf from '@arcbox/perf';
import { describe, expect, it } from 'vitest';
import { parseCliConfig } from './cli-config.js';

const parse = (text: string, file = 'agent.yaml') =>
  parseCliConfig(perf.parseConfigDocument(text, file), perf);

describe("the agent's config file, as the CLI reads it", () => {
  it('takes interval, listen, token, root and every source, and leaves the agent-only keys alone', () => {
    const config = parse(
      [
        'interval: 1s500ms',
        'root: /host',
        'listen: 0.0.0.0:9999',
        'authToken: secret',
        'sources:',
        '  containers: { paths: ["/jobs/*"] }',
        '  vms:',
        '    socketDir: /run/vms',
        '    sockets: [/tmp/a.qmp]',
        '    cloudHypervisor: { socketDir: /run/ch }',
        '    libvirt: { uri: "qemu:///session" }',
        '  filesystems: { enabled: false }',
        'history: { retention: 1d }',
        'rules: [{ name: cpu, metric: system.cpuPercent, warn: 80 }]',
      ].join('\n'),
    );
    expect(config).toMatchObject({
      path: 'agent.yaml',
      intervalMs: 1500,
      agentUrl: 'http://127.0.0.1:9999',
      authToken: 'secret',
    });
    expect(config.sources).toMatchObject({
      root: '/host',
      containers: { paths: ['/jobs/*'] },
      vms: {
        qemu: { socketDir: '/run/vms', sockets: ['/tmp/a.qmp'] },
        cloudHypervisor: { enabled: true, socketDir: '/run/ch' },
        libvirt: { enabled: true, uri: 'qemu:///session' },
      },
      filesystems: { enabled: false },
    });
  });

  it('reports every problem as file:line: key: problem, in one CONFIG_ERROR', () => {
    let error: unknown;
    try {
      parse('interval: 10\nsources:\n  containers:\n    paths: x\n  vms: { sokets: [] }\n');
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('CONFIG_ERROR');
    const lines = (error as Error).message.split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^agent\.yaml:1: interval: a duration needs a unit/),
      expect.stringMatching(
        /^agent\.yaml:4: sources\.containers\.paths: must be a list of strings/,
      ),
      expect.stringMatching(/^agent\.yaml:5: sources\.vms\.sokets: unknown key/),
    ]);
  });

  // The same file must mean the same sources to the CLI and to the agent, which both hand
  // `sources:` to @arcbox/perf: whatever one accepts or refuses, so does the other.
  it.each([
    ['a QEMU folder', { vms: { socketDir: '/run/arcbox/vms' } }],
    ['Firecracker switched on', { vms: { firecracker: { socketDir: '/run/fc' } } }],
    ['containers off', { containers: { enabled: false } }],
    ['a timeout', { system: { timeout: '3s' } }],
    ['an unknown source', { gpus: {} }],
    ['a bare-number timeout', { containers: { timeout: 5 } }],
    ['a libvirt uri that is not one', { vms: { libvirt: { uri: 'nope' } } }],
    ['an empty socket path', { docker: { socket: '' } }],
  ])('accepts exactly what resolveSources accepts: %s', (_, sources) => {
    const viaCli = () => parse(JSON.stringify({ sources }), 'agent.json').sources;
    let expected: perf.SourcesConfig | Error;
    try {
      expected = perf.resolveSources({ sources });
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) expect(viaCli).toThrow(/sources\./);
    else expect(viaCli()).toEqual(expected);
  });
});
