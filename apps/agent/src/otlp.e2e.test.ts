import { hostname } from 'node:os';
import { OTEL_NAMES } from '@arcbox/perf-otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OtlpReceiver,
  otlpAttributes,
  otlpMetrics,
  otlpValue,
  startOtlpReceiver,
} from './testing/otlp-receiver.js';
import { type RunningAgent, startAgent } from './testing/spawn-agent.js';

interface StreamedSample {
  time: number;
  system: { memoryTotal: number; cpuCount: number };
}

/**
 * The built agent pushes OTLP/HTTP protobuf to a receiver here that decodes every request with
 * protobufjs over the opentelemetry-proto files; the receiver answers 503 first, so the data
 * also arrives through the exporter's retry.
 */
describe('the agent pushing OTLP metrics', () => {
  let receiver: OtlpReceiver;
  let agent: RunningAgent;

  beforeAll(async () => {
    receiver = await startOtlpReceiver([503]);
    agent = await startAgent(
      [
        'interval: 1s',
        'history:\n  persist: false',
        'sources:\n  containers:\n    discover: false',
        'export:',
        '  otlp:',
        `    - url: ${receiver.url}`,
        '      interval: 1s',
        '',
      ].join('\n'),
    );
    await agent.waitReady();
  });

  afterAll(async () => {
    await agent?.stop();
    receiver?.close();
  });

  it('sends the host under system.* names, cumulative, with the resource, after a 503', async () => {
    const res = await agent.get('/api/v1/stream');
    const reader = res.body!.getReader();
    let text = '';
    // The first sample event (the alerts come on the same stream).
    while (!/event: sample\ndata: .*\n/.test(text))
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const sample = JSON.parse(/event: sample\ndata: (.*)\n/.exec(text)![1]!) as StreamedSample;
    const end = Date.now() + 20_000;
    while (receiver.received.length < 2 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 200));
    expect(receiver.count()).toBeGreaterThan(receiver.received.length);
    const request = receiver.received.at(-1)!;
    expect(otlpAttributes(request.resourceMetrics[0]!.resource.attributes)).toMatchObject({
      'service.name': 'arcbox-perf-agent',
      'host.name': hostname(),
    });
    const metrics = otlpMetrics(request);
    const limit = metrics.get('system.memory.limit')!;
    expect(limit.unit).toBe('By');
    expect(limit.sum!.aggregationTemporality).toBe(2);
    expect(otlpValue(limit.sum!.dataPoints[0]!)).toBe(sample.system.memoryTotal);
    expect(otlpValue(metrics.get('system.cpu.logical.count')!.sum!.dataPoints[0]!)).toBe(
      sample.system.cpuCount,
    );
    const cpu = metrics.get('system.cpu.time')!;
    expect(cpu.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(Object.keys(otlpAttributes(cpu.sum!.dataPoints[0]!.attributes)).sort()).toEqual([
      'cpu.logical_number',
      'cpu.mode',
    ]);
    const states = metrics
      .get('system.memory.usage')!
      .sum!.dataPoints.map((p) => otlpAttributes(p.attributes)['system.memory.state']);
    expect(states).toEqual(expect.arrayContaining(['used', 'free', 'cached', 'buffers']));
    // The agent's own series keep our names.
    expect(metrics.has('arcbox_perf_build_info')).toBe(true);
  });

  it('maps only names /metrics prints (the host, filesystem and process ones, read here)', async () => {
    const text = await (await agent.get('/metrics')).text();
    const printed = new Set(
      text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split(/[{ ]/)[0]),
    );
    // Containers are off here: their names are checked in @arcbox/perf-otlp's tests.
    const missing = Object.keys(OTEL_NAMES).filter(
      (n) => !n.startsWith('arcbox_perf_container_') && !printed.has(n),
    );
    expect(missing).toEqual([]);
  });
});
