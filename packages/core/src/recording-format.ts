import { PerfError } from './perf-error.js';
import type { Platform, ReadingStamp } from './reading.js';

/**
 * The recording layout shared by every platform's `record` and `replay`:
 *
 * ```
 * DIR/recording.json              { "platform": "linux" | "darwin", "readings": N }
 * DIR/readings/0001/reading.json  { "monotonicMs": <number>, "time": "<ISO 8601>" }
 * DIR/readings/0001/...           what the collector read, per platform
 * ```
 *
 * Only the text is handled here (core does no I/O): the platform packages read and write the
 * files and hand the text over, so a hand-built recording from a bug report is checked the
 * same way on every platform.
 */

/** Name of the manifest file at the top of a recording. */
export const RECORDING_MANIFEST_FILE = 'recording.json';
/** Name of the stamp file in each reading folder. */
export const RECORDED_STAMP_FILE = 'reading.json';
/** Folder under the recording that holds the reading folders. */
export const RECORDED_READINGS_FOLDER = 'readings';

/**
 * Most readings a recording may hold: a day at 1 s. A recording is untrusted input (a bug
 * report), and a manifest claiming 10^12 readings must not make a replay loop for ever.
 */
export const MAX_RECORDED_READINGS = 100_000;

/** `recording.json`: which collector can replay the recording, and how many readings it has. */
export interface RecordingManifest<P extends Platform = Platform> {
  platform: P;
  /** Reading folders `0001` .. N; rewritten after each reading, so an interrupted one is valid. */
  readings: number;
}

/** `reading.json` as stored: the wall-clock time is an ISO 8601 string. */
export interface RecordedStamp {
  monotonicMs: number;
  /** ISO 8601 wall-clock time with a zone (`Z` or `+hh:mm`). */
  time: string;
}

// A date, a time and a zone. The zone is required: without one, Date.parse reads the time as
// local time, and the same recording would replay to different timestamps on different machines.
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Name of the folder of reading `index` (1-based): `0001`. Zero-padded to 4 digits so the
 * folders sort in order in a file listing; a 10000th reading is `10000`, not an error, since
 * a long recording at 1 s passes 9999 in under 3 hours.
 */
export function readingFolderName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new PerfError('INVALID_ARGUMENT', `a reading index is 1 or more, got ${index}`);
  }
  return String(index).padStart(4, '0');
}

/** Text of `recording.json` (one line of JSON and a newline). */
export function formatRecordingManifest(manifest: RecordingManifest): string {
  if (
    !Number.isSafeInteger(manifest.readings) ||
    manifest.readings < 0 ||
    manifest.readings > MAX_RECORDED_READINGS
  ) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `readings must be a whole number, got ${manifest.readings}`,
      { field: 'readings' },
    );
  }
  return `${JSON.stringify({ platform: manifest.platform, readings: manifest.readings })}\n`;
}

/**
 * Parses and checks the text of `recording.json` for a replay on `platform`. A recording of
 * another platform, a count that is not a whole number (or above `MAX_RECORDED_READINGS`), or
 * text that is not a JSON object is a `PARSE_ERROR` naming `file` and the field. Zero readings
 * is a valid (empty) recording.
 */
export function parseRecordingManifest<P extends Platform>(
  text: string,
  platform: P,
  file: string = RECORDING_MANIFEST_FILE,
): RecordingManifest<P> {
  const value = parseJsonObject(text, file);
  if (value.platform !== platform) {
    throw new PerfError(
      'PARSE_ERROR',
      `not a ${platform} recording (platform is ${shown(value.platform)}, must be "${platform}")`,
      { file, field: 'platform' },
    );
  }
  const readings = value.readings;
  if (typeof readings !== 'number' || !Number.isSafeInteger(readings) || readings < 0) {
    throw new PerfError('PARSE_ERROR', `readings must be a whole number, not ${shown(readings)}`, {
      file,
      field: 'readings',
    });
  }
  if (readings > MAX_RECORDED_READINGS) {
    throw new PerfError(
      'PARSE_ERROR',
      `readings must be at most ${MAX_RECORDED_READINGS}, not ${readings}`,
      { file, field: 'readings' },
    );
  }
  return { platform, readings };
}

/** Text of `reading.json` for a reading's stamp (`time` in ms since the epoch becomes ISO 8601, UTC). */
export function formatRecordedStamp(stamp: ReadingStamp): string {
  if (!Number.isFinite(stamp.monotonicMs)) {
    throw new PerfError('INVALID_ARGUMENT', `monotonicMs must be a finite number`, {
      field: 'monotonicMs',
    });
  }
  const date = new Date(stamp.time);
  if (!Number.isFinite(date.getTime())) {
    throw new PerfError('INVALID_ARGUMENT', `time ${stamp.time} is not a representable date`, {
      field: 'time',
    });
  }
  const recorded: RecordedStamp = { monotonicMs: stamp.monotonicMs, time: date.toISOString() };
  return `${JSON.stringify(recorded)}\n`;
}

/**
 * Parses and checks the text of a `reading.json`, giving the stamp a collector would have
 * produced (`time` back in ms since the epoch). A missing or non-finite `monotonicMs`, or a
 * `time` that is not an ISO 8601 date-time with a zone, is a `PARSE_ERROR` naming `file` and
 * the field.
 */
export function parseRecordedStamp(text: string, file: string = RECORDED_STAMP_FILE): ReadingStamp {
  const value = parseJsonObject(text, file);
  const monotonicMs = value.monotonicMs;
  if (typeof monotonicMs !== 'number' || !Number.isFinite(monotonicMs)) {
    throw new PerfError('PARSE_ERROR', `monotonicMs must be a number, not ${shown(monotonicMs)}`, {
      file,
      field: 'monotonicMs',
    });
  }
  const time =
    typeof value.time === 'string' && isoDateTime.test(value.time)
      ? Date.parse(value.time)
      : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new PerfError(
      'PARSE_ERROR',
      `time must be an ISO 8601 date-time with a zone, such as "2026-01-01T00:00:00.000Z", not ${shown(value.time)}`,
      { file, field: 'time' },
    );
  }
  return { monotonicMs, time };
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PerfError('PARSE_ERROR', 'expected a JSON object', { file });
  }
  return value as Record<string, unknown>;
}

/** A short, safe rendering of a bad value for a message. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
