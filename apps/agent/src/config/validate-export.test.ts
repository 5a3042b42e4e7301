import { hostname } from 'node:os';
import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';

const env = { HOME: '/home/u', XDG_STATE_HOME: '/state' };

function errorOf(text: string): string {
  try {
    parseConfig(text, 'agent.yaml', env);
  } catch (error) {
    if (PerfError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('the export section', () => {
  it('reads remote write receivers with their defaults', () => {
    const config = parseConfig(
      [
        'export:',
        '  externalLabels: { instance: host-a, dc: eu1 }',
        '  remoteWrite:',
        '    - url: https://mimir.example:9009/api/v1/push',
        '      basicAuth: { username: u, password: p }',
        '      headers: { X-Scope-OrgID: team }',
        '      interval: 15s',
        '    - { url: "http://127.0.0.1:9090/api/v1/write", bearerToken: t, maxQueuedSamples: 5000 }',
      ].join('\n'),
      'agent.yaml',
      env,
    );
    expect(config.export.externalLabels).toEqual({ instance: 'host-a', dc: 'eu1' });
    expect(config.export.remoteWrite).toEqual([
      {
        url: 'https://mimir.example:9009/api/v1/push',
        headers: { 'X-Scope-OrgID': 'team' },
        bearerToken: null,
        basicAuth: { username: 'u', password: 'p' },
        intervalMs: 15_000,
        timeoutMs: 10_000,
        maxQueuedSamples: 2_000_000,
        maxBatchSamples: 20_000,
      },
      expect.objectContaining({ bearerToken: 't', maxQueuedSamples: 5000, intervalMs: 10_000 }),
    ]);
    expect(parseConfig('interval: 1s\n', 'agent.yaml', env).export).toEqual({
      externalLabels: { instance: hostname() },
      remoteWrite: [],
      otlp: [],
    });
  });

  it('reads OTLP endpoints with their defaults and refuses bad ones', () => {
    const config = parseConfig(
      [
        'export:',
        '  otlp:',
        '    - url: http://127.0.0.1:4318/v1/metrics',
        '      headers: { x-honeycomb-team: key }',
        '      interval: 15s',
        '    - { url: "https://otel.example/v1/metrics" }',
      ].join('\n'),
      'agent.yaml',
      env,
    );
    expect(config.export.otlp).toEqual([
      {
        url: 'http://127.0.0.1:4318/v1/metrics',
        headers: { 'x-honeycomb-team': 'key' },
        intervalMs: 15_000,
        timeoutMs: 10_000,
      },
      {
        url: 'https://otel.example/v1/metrics',
        headers: {},
        intervalMs: 60_000,
        timeoutMs: 10_000,
      },
    ]);
    expect(errorOf('export:\n  otlp:\n    - url: ftp://x\n')).toMatch(
      /export\.otlp\[0\]\.url: must be http or https/,
    );
    expect(errorOf('export:\n  otlp:\n    - { interval: 1s }\n')).toMatch(/url: is required/);
    expect(errorOf('export:\n  otlp:\n    - { url: "http://x/", interval: 2h }\n')).toMatch(
      /interval: must be at most/,
    );
    expect(errorOf('export:\n  otlp:\n    - { url: "http://x/", temporality: delta }\n')).toMatch(
      /temporality/,
    );
    expect(errorOf('export:\n  otlp: { url: "http://x/" }\n')).toMatch(/must be a list/);
    expect(errorOf(`export:\n  otlp: [${'{ url: "http://x/" },'.repeat(17)}]\n`)).toMatch(
      /at most 16 endpoints/,
    );
  });

  it('refuses bad receivers and labels, never quoting a secret', () => {
    expect(errorOf('export:\n  remoteWrite:\n    - url: ftp://x\n')).toMatch(
      /export\.remoteWrite\[0\]\.url: must be http or https/,
    );
    expect(errorOf('export:\n  remoteWrite:\n    - { headers: {} }\n')).toMatch(/url: is required/);
    const both = errorOf(
      'export:\n  remoteWrite:\n    - { url: "http://x/", bearerToken: s3cret, basicAuth: { username: u, password: pw } }\n',
    );
    expect(both).toMatch(/bearerToken or basicAuth, not both/);
    expect(
      errorOf('export:\n  remoteWrite:\n    - { url: "http://x/", bearerToken: 42 }\n'),
    ).toMatch(/must be a one-line string, found a number \(not shown/);
    expect(errorOf('export:\n  remoteWrite:\n    - { url: "http://x/", timeout: 1h }\n')).toMatch(
      /timeout: must be at most 2m/,
    );
    expect(
      errorOf('export:\n  remoteWrite:\n    - { url: "http://x/", maxQueuedSamples: 1e12 }\n'),
    ).toMatch(/maxQueuedSamples/);
    expect(errorOf('export:\n  externalLabels: { __name__: x }\n')).toMatch(/not a label name/);
    expect(errorOf(`export:\n  externalLabels: { a: "${'x'.repeat(2000)}" }\n`)).toMatch(
      /longer than 1024/,
    );
    expect(errorOf(`export:\n  remoteWrite: [${'{ url: "http://x/" },'.repeat(17)}]\n`)).toMatch(
      /at most 16/,
    );
    expect(errorOf('export:\n  pushgateway: {}\n')).toMatch(/pushgateway/);
  });
});
