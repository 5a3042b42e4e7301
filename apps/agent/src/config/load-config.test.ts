import { join } from 'node:path';
import { MAX_TIMER_MS, PerfError, parseDuration } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './listen-address.js';
import { parseConfig } from './load-config.js';
import { DURATION_LIMITS } from './validate-config.js';

const env = { HOME: '/home/u', XDG_STATE_HOME: '/state' };

function errorOf(text: string, file = 'agent.yaml'): PerfError {
  try {
    parseConfig(text, file, env);
  } catch (error) {
    if (PerfError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('parseConfig', () => {
  it('reads a full YAML config', () => {
    const config = parseConfig(
      [
        'listen: 127.0.0.1:9999',
        'interval: 500ms',
        'root: /host',
        'sources:',
        '  containers: { paths: ["/arcbox/*"], timeout: 1s }',
        'history: { retention: 2h, flushInterval: 5s }',
        'rules:',
        '  - { name: hot, metric: system.cpuPercent, comparison: ">", warn: 80, crit: 95, clear: 70, for: 1m }',
        'notifications:',
        '  delay: 30s',
        '  webhooks: [{ url: "http://127.0.0.1:1/hook", retries: 2 }]',
      ].join('\n'),
      'agent.yaml',
      env,
    );
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(config.intervalMs).toBe(500);
    expect(config.sources.root).toBe('/host');
    expect(config.stateDir).toBe(join('/state', 'arcbox-perf'));
    expect(config.sources.containers).toMatchObject({
      paths: ['/arcbox/*'],
      timeoutMs: 1000,
      enabled: true,
    });
    expect(config.history).toMatchObject({ retentionMs: 7_200_000, flushIntervalMs: 5000 });
    expect(config.rules?.[0]).toMatchObject({
      name: 'hot',
      target: 'system',
      field: 'cpuPercent',
      comparison: '>',
      warn: 80,
      crit: 95,
      clear: 70,
      forSeconds: 60,
    });
    expect(config.notifications.delayMs).toBe(30_000);
    expect(config.notifications.webhooks[0]).toMatchObject({
      url: 'http://127.0.0.1:1/hook',
      retries: 2,
      timeoutMs: 5000,
    });
  });

  it('reads JSON too, and an empty file is the defaults', () => {
    expect(parseConfig('{"interval": "2s"}', 'agent.json', env).intervalMs).toBe(2000);
    expect(parseConfig('', 'empty.yaml', env).listen.port).toBe(9464);
  });

  it('names file, line, key and problem for a wrong type', () => {
    const error = errorOf('interval: 1s\nsources:\n  containers:\n    enabled: "yes"\n');
    expect(error.code).toBe('CONFIG_ERROR');
    expect(error.message).toBe(
      'agent.yaml:4: sources.containers.enabled: must be true or false, found the string "yes"',
    );
    expect(error.file).toBe('agent.yaml');
    expect(error.line).toBe(4);
    expect(error.field).toBe('sources.containers.enabled');
  });

  it('refuses unknown keys, naming the known ones', () => {
    const error = errorOf('interval: 1s\nintreval: 2s\n');
    expect(error.message).toMatch(
      /^agent\.yaml:2: intreval: unknown key \(known here: listen, authToken, interval/,
    );
  });

  it('refuses impossible values', () => {
    expect(errorOf('interval: 0s').message).toBe(
      'agent.yaml:1: interval: must be at least 100 ms, found "0s"',
    );
    expect(errorOf('interval: 10').message).toMatch(
      /interval: a duration needs a unit, e.g. "10s"/,
    );
    expect(errorOf('listen: 127.0.0.1:70000').message).toMatch(
      /listen: "127.0.0.1:70000" is not HOST:PORT/,
    );
    // Rules are checked by perf-history's parser; its problems come out in the same form.
    expect(
      errorOf('interval: 1s\nrules:\n  - { name: r, metric: system.cpuPercnt, warn: 95 }').message,
    ).toMatch(
      /^agent\.yaml:3: rules\[0\]\.metric: alert rule "r": "metric" has no field "cpuPercnt" for system/,
    );
    expect(errorOf('notifications:\n  webhooks:\n    - url: ftp://x\n').message).toBe(
      'agent.yaml:3: notifications.webhooks[0].url: must be http or https, found ftp:',
    );
    expect(errorOf('listen: 0.0.0.0:9464').message).toMatch(
      /authToken: required when listen is not a loopback address/,
    );
    expect(errorOf('history:\n  flushInterval: 500ms\ninterval: 1s').message).toMatch(
      /history.flushInterval: must not be shorter than interval/,
    );
  });

  it('lists every problem, one per line', () => {
    const error = errorOf('interval: fast\nroot: 3\nsources: []\n');
    expect(error.message.split('\n')).toEqual([
      'agent.yaml:1: interval: "fast" is not a duration (use ms, s, m, h, d: "500ms", "10s", "1h30m")',
      'agent.yaml:2: root: must be a string, found number 3',
      'agent.yaml:3: sources: must be a mapping, found a list',
    ]);
  });

  it('reports syntax errors with their line', () => {
    const error = errorOf('interval: 1s\nroot: [unclosed\n');
    expect(error.message).toMatch(/^agent\.yaml:\d: not valid YAML or JSON/);
    expect(errorOf('{"interval": "1s",}', 'agent.json').message).toMatch(
      /^agent\.json:1: not valid JSON: /,
    );
  });

  it('refuses a top level that is not a mapping', () => {
    expect(errorOf('- a\n- b\n').message).toBe(
      'agent.yaml:1: (top level): the file must hold a mapping of settings, found a list',
    );
  });
});

describe("parseConfig: what @arcbox/perf validates, and the agent's own bounds", () => {
  it("takes every VMM and filesystems under sources, keeping vms.socketDir/sockets as QEMU's", () => {
    const config = parseConfig(
      [
        'root: /host',
        'sources:',
        '  vms:',
        '    socketDir: /run/arcbox/vms',
        '    sockets: [/run/vm1.qmp]',
        '    cloudHypervisor: { socketDir: /run/ch }',
        '    firecracker: { sockets: [/run/fc/a.sock] }',
        '    libvirt: { uri: "qemu:///system" }',
        '  filesystems: { enabled: false }',
        '  docker: { socket: /run/podman/podman.sock }',
      ].join('\n'),
      'agent.yaml',
      env,
    );
    expect(config.sources.root).toBe('/host');
    expect(config.sources.vms.qemu).toEqual({
      enabled: true,
      socketDir: '/run/arcbox/vms',
      sockets: ['/run/vm1.qmp'],
    });
    expect(config.sources.vms.cloudHypervisor).toMatchObject({
      enabled: true,
      socketDir: '/run/ch',
    });
    expect(config.sources.vms.firecracker).toMatchObject({
      enabled: true,
      sockets: ['/run/fc/a.sock'],
    });
    expect(config.sources.vms.libvirt).toEqual({ enabled: true, uri: 'qemu:///system' });
    expect(config.sources.filesystems.enabled).toBe(false);
    expect(config.sources.docker).toMatchObject({
      enabled: true,
      socket: '/run/podman/podman.sock',
    });
    expect(errorOf('sources:\n  vms:\n    libvirt: { uri: nope }\n').message).toBe(
      'agent.yaml:3: sources.vms.libvirt.uri: "nope" is not a libvirt URI (e.g. "qemu:///system")',
    );
  });

  it('bounds every duration below what a Node timer can wait, saying the bound', () => {
    // Every duration that becomes a timer; retention is an age compared with timestamps.
    for (const [key, { max }] of Object.entries(DURATION_LIMITS))
      if (key !== 'retention') expect(max, key).toBeLessThan(MAX_TIMER_MS);
    expect(errorOf('notifications:\n  repeat: 30d\n').message).toBe(
      'agent.yaml:2: notifications.repeat: must be at most 7d, found "30d"',
    );
    expect(errorOf('notifications:\n  delay: 25d\n').message).toBe(
      'agent.yaml:2: notifications.delay: must be at most 7d, found "25d"',
    );
    expect(errorOf('history:\n  retention: 500d\n').message).toMatch(
      /history\.retention: must be at most 400d/,
    );
    expect(parseConfig('history:\n  retention: 30d\n', 'agent.yaml', env).history.retentionMs).toBe(
      30 * 86_400_000,
    );
    expect(
      errorOf('notifications:\n  webhooks: [{ url: "http://x/", backoff: 2h }]\n').message,
    ).toMatch(/webhooks\[0\]\.backoff: must be at most 10m/);
  });

  it('refuses a webhook URL whose port nothing can listen on', () => {
    expect(
      errorOf('notifications:\n  webhooks: [{ url: "http://127.0.0.1:0/hook" }]\n').message,
    ).toBe(
      'agent.yaml:2: notifications.webhooks[0].url: port 0 is not a port a webhook can listen on (1-65535)',
    );
    expect(errorOf('notifications:\n  webhooks:\n    - url: "https://h:70000/"\n').message).toBe(
      'agent.yaml:3: notifications.webhooks[0].url: port 70000 is not a port a webhook can listen on (1-65535)',
    );
    expect(
      parseConfig('notifications:\n  webhooks: [{ url: "http://[::1]:8080/h" }]\n', 'a.yaml', env)
        .notifications.webhooks[0]!.url,
    ).toBe('http://[::1]:8080/h');
  });

  it('never prints a token or a header value, and refuses whitespace around a token', () => {
    const typed = errorOf('authToken: 918273645546\n');
    expect(typed.message).toBe(
      'agent.yaml:1: authToken: must be a string, found a number (not shown: a secret)',
    );
    expect(typed.message).not.toContain('918273645546');
    const spaced = errorOf('authToken: " s3cret-token "\n');
    expect(spaced.message).toMatch(/authToken: must not begin or end with whitespace/);
    expect(spaced.message).not.toContain('s3cret');
    const header = errorOf(
      'notifications:\n  webhooks: [{ url: "http://x/", headers: { Authorization: 12345678 } }]\n',
    );
    expect(header.message).toMatch(/headers\.Authorization: must be a string, found a number/);
    expect(header.message).not.toContain('12345678');
    expect(errorOf('authToken: abcd\nauthTokenFile: /t\n').message).toMatch(
      /authTokenFile: give authToken or authTokenFile, not both/,
    );
  });

  it('lets a token from the command line stand for one in the file off loopback', () => {
    expect(
      parseConfig('listen: 0.0.0.0:9464\n', 'agent.yaml', env, { tokenGiven: true }).listen,
    ).toEqual({ host: '0.0.0.0', port: 9464 });
  });

  it('names the token file relative to the config file', () => {
    const config = parseConfig(
      'authTokenFile: secrets/token\n',
      '/etc/arcbox-perf/agent.yaml',
      env,
    );
    expect(config.authTokenFile).toBe('/etc/arcbox-perf/secrets/token');
    expect(config.authToken).toBeNull();
  });
});

describe('durations and addresses', () => {
  it('parses durations with units only', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10')).toBeNull();
    expect(parseDuration('1x')).toBeNull();
  });
  it('parses listen addresses', () => {
    expect(parseListenAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListenAddress(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('localhost')).toBeNull();
  });
});
