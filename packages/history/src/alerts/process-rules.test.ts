import { computeProcessMetrics, type ProcessReading } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from './alert-engine.js';
import { parseAlertRules } from './parse-alert-rules.js';

const T0 = Date.UTC(2026, 0, 1);

function proc(
  second: number,
  pid: number,
  comm: string,
  cpuSeconds: number,
  container: string | null = null,
) {
  const reading: ProcessReading = {
    pid,
    ppid: 1,
    startTime: 1000 + pid,
    comm,
    command: null,
    uid: 0,
    user: 'root',
    state: 'R',
    threads: 1,
    cpuUserSeconds: null,
    cpuSystemSeconds: null,
    cpuSeconds,
    residentBytes: 2 ** 20,
    swapBytes: null,
    ioReadBytes: null,
    ioWriteBytes: null,
    container,
    kernelThread: false,
    hostCpuCount: 2,
    monotonicMs: second * 1000,
    time: T0 + second * 1000,
  };
  return reading;
}

describe('alert rules on processes, matched by command name', () => {
  it('a rule for a runaway java fires for java only, named by its series', () => {
    const { rules, errors } = parseAlertRules(
      [
        'rules:',
        '  - name: runaway-java',
        '    metric: process.cpuPercent',
        '    match: { name: java }',
        '    warn: 90',
        '  - name: java-in-web',
        '    metric: process.cpuPercent',
        '    match: { labels: { comm: java }, inContainer: true }',
        '    warn: 90',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    const engine = createAlertEngine({ rules });
    const round = (second: number) => {
      // Both spin one core from second 0 on; only java is named by the rules.
      const java = computeProcessMetrics(
        proc(second - 1, 7, 'java', second - 1),
        proc(second, 7, 'java', second),
      );
      const node = computeProcessMetrics(
        proc(second - 1, 8, 'node', second - 1),
        proc(second, 8, 'node', second),
      );
      return engine.evaluate({ processes: [java, node] });
    };
    const events = round(1);
    expect(events.map((e) => [e.rule, e.series, e.state])).toEqual([
      ['runaway-java', 'process:7@1007', 'firing'],
    ]);
  });
});
