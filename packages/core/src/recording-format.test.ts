import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PerfError } from './perf-error.js';
import {
  formatRecordedStamp,
  formatRecordingManifest,
  MAX_RECORDED_READINGS,
  parseRecordedStamp,
  parseRecordingManifest,
  readingFolderName,
} from './recording-format.js';

/** What `run` threw, as `[code, file, field]`, or 'no error'. */
function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (!PerfError.isInstance(error)) throw error;
    return [error.code, error.file, error.field];
  }
  return 'no error';
}

const manifestFile = '/rec/recording.json';
const stampFile = '/rec/readings/0002/reading.json';

describe('readingFolderName', () => {
  it('zero-pads to 4 digits and keeps counting past 9999', () => {
    expect([1, 12, 999, 9999, 10000].map(readingFolderName)).toEqual([
      '0001',
      '0012',
      '0999',
      '9999',
      '10000',
    ]);
  });

  it('refuses an index that names no reading', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(failure(() => readingFolderName(bad))).toEqual([
        'INVALID_ARGUMENT',
        undefined,
        undefined,
      ]);
    }
  });
});

describe('recording.json', () => {
  it('parses a valid manifest of either platform, ignoring extra fields', () => {
    expect(parseRecordingManifest('{ "platform": "linux", "readings": 3 }\n', 'linux')).toEqual({
      platform: 'linux',
      readings: 3,
    });
    expect(
      parseRecordingManifest('{"platform":"darwin","readings":0,"note":"by hand"}', 'darwin'),
    ).toEqual({ platform: 'darwin', readings: 0 });
  });

  it('formats what it parses, as one line of JSON', () => {
    const text = formatRecordingManifest({ platform: 'darwin', readings: 2 });
    expect(text).toBe('{"platform":"darwin","readings":2}\n');
    expect(parseRecordingManifest(text, 'darwin')).toEqual({ platform: 'darwin', readings: 2 });
  });

  it('a recording of the other platform names the platform field', () => {
    expect(
      failure(() =>
        parseRecordingManifest('{"platform":"darwin","readings":1}', 'linux', manifestFile),
      ),
    ).toEqual(['PARSE_ERROR', manifestFile, 'platform']);
    expect(
      failure(() =>
        parseRecordingManifest('{"platform":"Linux","readings":1}', 'linux', manifestFile),
      ),
    ).toEqual(['PARSE_ERROR', manifestFile, 'platform']);
  });

  it('a missing field is named', () => {
    expect(failure(() => parseRecordingManifest('{"readings":1}', 'linux', manifestFile))).toEqual([
      'PARSE_ERROR',
      manifestFile,
      'platform',
    ]);
    expect(
      failure(() => parseRecordingManifest('{"platform":"linux"}', 'linux', manifestFile)),
    ).toEqual(['PARSE_ERROR', manifestFile, 'readings']);
  });

  it('a count of the wrong type or not a whole number is named', () => {
    for (const readings of ['"3"', '2.5', '-1', 'null', '1e400']) {
      expect(
        failure(() =>
          parseRecordingManifest(
            `{"platform":"linux","readings":${readings}}`,
            'linux',
            manifestFile,
          ),
        ),
        readings,
      ).toEqual(['PARSE_ERROR', manifestFile, 'readings']);
    }
  });

  it('a count past MAX_RECORDED_READINGS is refused, so a hostile manifest cannot loop a replay', () => {
    expect(
      parseRecordingManifest(`{"platform":"linux","readings":${MAX_RECORDED_READINGS}}`, 'linux'),
    ).toEqual({ platform: 'linux', readings: MAX_RECORDED_READINGS });
    for (const readings of [MAX_RECORDED_READINGS + 1, 1e12]) {
      expect(
        failure(() =>
          parseRecordingManifest(
            `{"platform":"linux","readings":${readings}}`,
            'linux',
            manifestFile,
          ),
        ),
      ).toEqual(['PARSE_ERROR', manifestFile, 'readings']);
    }
    expect(
      failure(() =>
        formatRecordingManifest({ platform: 'linux', readings: MAX_RECORDED_READINGS + 1 }),
      ),
    ).toEqual(['INVALID_ARGUMENT', undefined, 'readings']);
  });

  it('text that is not a JSON object names the file', () => {
    for (const text of ['', '{"platform":', '[]', 'null', '3']) {
      expect(
        failure(() => parseRecordingManifest(text, 'linux', manifestFile)),
        text,
      ).toEqual(['PARSE_ERROR', manifestFile, undefined]);
    }
  });

  it('the message says what was found', () => {
    expect(() =>
      parseRecordingManifest('{"platform":"darwin","readings":1}', 'linux', manifestFile),
    ).toThrow(
      'not a linux recording (platform is "darwin", must be "linux") (/rec/recording.json, field platform)',
    );
  });

  it('will not write a count that could not be read back', () => {
    expect(failure(() => formatRecordingManifest({ platform: 'linux', readings: 1.5 }))).toEqual([
      'INVALID_ARGUMENT',
      undefined,
      'readings',
    ]);
  });
});

describe('reading.json', () => {
  it('parses a valid stamp, time back in ms since the epoch', () => {
    expect(
      parseRecordedStamp('{ "monotonicMs": 1002000, "time": "2024-05-07T12:00:02.000Z" }'),
    ).toEqual({ monotonicMs: 1002000, time: Date.UTC(2024, 4, 7, 12, 0, 2) });
    // A zone offset and no fractional seconds are ISO 8601 too.
    expect(parseRecordedStamp('{"monotonicMs":0.25,"time":"2024-05-07T14:00:02+02:00"}').time).toBe(
      Date.UTC(2024, 4, 7, 12, 0, 2),
    );
  });

  it('formats the collector stamp as ISO 8601 UTC, and parses back to the same stamp', () => {
    const stamp = { monotonicMs: 1234.5, time: Date.UTC(2026, 0, 1, 0, 0, 1, 250) };
    const text = formatRecordedStamp(stamp);
    expect(text).toBe('{"monotonicMs":1234.5,"time":"2026-01-01T00:00:01.250Z"}\n');
    expect(parseRecordedStamp(text)).toEqual(stamp);
  });

  it('round-trips any stamp a clock can give (fast-check)', () => {
    const stamp = fc.record({
      monotonicMs: fc.double({ noNaN: true, noDefaultInfinity: true }),
      time: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }),
    });
    fc.assert(
      fc.property(stamp, (s) => {
        expect(parseRecordedStamp(formatRecordedStamp(s))).toEqual({
          monotonicMs: Object.is(s.monotonicMs, -0) ? 0 : s.monotonicMs,
          time: s.time,
        });
      }),
    );
  });

  it('a missing field is named', () => {
    expect(failure(() => parseRecordedStamp('{"time":"2026-01-01T00:00:00Z"}', stampFile))).toEqual(
      ['PARSE_ERROR', stampFile, 'monotonicMs'],
    );
    expect(failure(() => parseRecordedStamp('{"monotonicMs":1}', stampFile))).toEqual([
      'PARSE_ERROR',
      stampFile,
      'time',
    ]);
  });

  it('a field of the wrong type is named', () => {
    expect(
      failure(() =>
        parseRecordedStamp('{"monotonicMs":"1","time":"2026-01-01T00:00:00Z"}', stampFile),
      ),
    ).toEqual(['PARSE_ERROR', stampFile, 'monotonicMs']);
    // Epoch milliseconds are what a collector holds, but the file format is ISO text.
    expect(
      failure(() => parseRecordedStamp('{"monotonicMs":1,"time":1767225600000}', stampFile)),
    ).toEqual(['PARSE_ERROR', stampFile, 'time']);
  });

  it('a time that is not an ISO 8601 date-time with a zone is named', () => {
    for (const time of [
      'yesterday',
      'Thu, 01 Jan 2026 00:00:00 GMT',
      '2026/01/01 00:00:00',
      '2026-01-01',
      // No zone: Date.parse would read it as local time, different on each machine.
      '2026-01-01T00:00:00',
      '2026-13-01T00:00:00Z',
      '2026-01-01T25:00:00Z',
      '',
    ]) {
      expect(
        failure(() => parseRecordedStamp(JSON.stringify({ monotonicMs: 1, time }), stampFile)),
        time,
      ).toEqual(['PARSE_ERROR', stampFile, 'time']);
    }
  });

  it('will not write a stamp that could not be read back', () => {
    expect(failure(() => formatRecordedStamp({ monotonicMs: 1, time: Number.NaN }))).toEqual([
      'INVALID_ARGUMENT',
      undefined,
      'time',
    ]);
    expect(
      failure(() => formatRecordedStamp({ monotonicMs: Number.POSITIVE_INFINITY, time: 0 })),
    ).toEqual(['INVALID_ARGUMENT', undefined, 'monotonicMs']);
  });
});
