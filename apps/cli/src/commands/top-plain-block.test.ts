import { createKindRegistry, defaultKinds } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { constructedContainer, constructedSystem } from '../test-support/constructed-metrics.js';
import { initialTopState } from '../tui/top-state.js';
import { plainBlock } from './top-command.js';

describe('plainBlock (top without a terminal)', () => {
  it("prints the round's lifecycle events after the alerts", () => {
    const system = constructedSystem();
    const lines = plainBlock(
      {
        system,
        containers: [constructedContainer({ id: 'a'.repeat(64), name: 'batch' })],
        vms: [],
        events: [
          {
            time: system.timestamp,
            type: 'oom-kill',
            kind: 'container',
            id: 'a'.repeat(64),
            name: 'batch',
            source: 'counter',
            count: 2,
            memoryLimit: 96 * 2 ** 20,
            exitCode: null,
          },
        ],
        collectors: [],
      },
      initialTopState,
      [{ name: 'mem-high', severity: 'warn', message: 'batch memory 97 %' }],
      createKindRegistry(defaultKinds()),
    );
    expect(lines.slice(1, 3)).toEqual([
      'ALERT WARN mem-high: batch memory 97 %',
      expect.stringMatching(/^EVENT batch OOM-killed \(2 processes\), limit 96(\.0)? MiB$/),
    ]);
    expect(lines.some((l) => l.startsWith('batch '))).toBe(true);
  });
});
