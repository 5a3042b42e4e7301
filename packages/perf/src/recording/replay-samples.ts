import {
  type KindRegistry,
  type LifecycleEvent,
  PerfError,
  readingFolderName,
} from '@arcbox/perf-core';
import type { AlertRule } from '@arcbox/perf-history';
import { createMonitor, type PerfSample } from '../perf-monitor.js';
import { type OpenRecordingOptions, openRecording } from './open-recording.js';

/** Which two readings a replayed sample's rates come from. */
export interface ReplayedPair {
  /** The earlier reading, 1-based. */
  from: number;
  /** The reading this sample is: its gauges, and the rates over `from` -> `to`. */
  to: number;
  /** `readings 0001 → 0002`, as the reading folders are named. */
  label: string;
}

/** A sample computed from a recording: `timestamp` is the recorded wall-clock time of `to`. */
export interface ReplayedSample extends PerfSample {
  pair: ReplayedPair;
}

export interface ReplaySamplesOptions extends OpenRecordingOptions {
  /** The kinds of series; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
  /** Alert rules evaluated on the replayed samples; every kind's defaults unless given. */
  alerts?: readonly AlertRule[] | false;
}

/**
 * Replays a recording as a monitor would have sampled it: one `PerfSample` per consecutive pair
 * of readings (the first reading only seeds the rates), computed by a `PerfMonitor` on the
 * recording's collectors, so the same parsing, series tracking, core maths and alert rules run
 * as live. A recording of fewer than 2 readings has no pair: INVALID_ARGUMENT naming it. A file
 * the recording refuses (a link, a FIFO, a device, a file past a cap) ends the replay with that
 * READ_ERROR.
 *
 * ```ts
 * for await (const s of replaySamples('./rec', { signal })) console.log(s.pair.label, s.system?.cpuPercent);
 * ```
 */
export async function* replaySamples(
  dir: string,
  options: ReplaySamplesOptions = {},
): AsyncGenerator<ReplayedSample, void, undefined> {
  const { signal } = options;
  const recording = await openRecording(dir, options);
  try {
    if (recording.readings < 2)
      throw new PerfError(
        'INVALID_ARGUMENT',
        `a replay needs at least 2 readings, this recording has ${recording.readings}`,
        { file: recording.dir },
      );
    const monitor = createMonitor({
      collectors: recording.collectors,
      timeouts: recording.timeouts,
      ...(options.kinds ? { kinds: options.kinds } : {}),
      ...(options.alerts === undefined ? {} : { alerts: options.alerts }),
    });
    let carried: LifecycleEvent[] = [];
    try {
      for (let index = 1; index <= recording.readings; index += 1) {
        const stamp = await recording.select(index, signal ? { signal } : {});
        const before = recording.refusals.length;
        // The engine's events of this reading first, as they arrived before its round.
        const published = recording.events().flatMap((e) => monitor.publishEvent(e));
        const sample = await monitor.collect(signal ? { signal } : {});
        // The first reading only seeds the rates: its events go out with the first sample.
        sample.events = [...carried, ...published, ...sample.events];
        carried = index === 1 ? sample.events : [];
        // A refused file ends the replay, whichever collector met it and however it took it.
        const refused = recording.refusals[before];
        if (refused) throw refused;
        if (index === 1) continue;
        yield {
          ...sample,
          // The round's own start is now; the reading's is what the recording says.
          timestamp: stamp.time,
          pair: {
            from: index - 1,
            to: index,
            label: `readings ${readingFolderName(index - 1)} → ${readingFolderName(index)}`,
          },
        };
      }
    } finally {
      await monitor.close();
    }
  } finally {
    await recording.close();
  }
}
