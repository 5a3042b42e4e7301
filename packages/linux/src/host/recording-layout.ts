import { join } from 'node:path';
import {
  type RecordedStamp as CoreRecordedStamp,
  type RecordingManifest as CoreRecordingManifest,
  RECORDED_READINGS_FOLDER,
  readingFolderName,
} from '@arcbox/perf-core';

/** `DIR/recording.json`: what a recording holds (the shared format, see core's recording-format). */
export type RecordingManifest = CoreRecordingManifest<'linux'>;

/** `DIR/readings/0001/reading.json`: when that reading was taken (ISO 8601 `time`). */
export type RecordedStamp = CoreRecordedStamp;

/** Folder of reading `index` (1-based): `DIR/readings/0001`. */
export function readingDir(dir: string, index: number): string {
  return join(dir, RECORDED_READINGS_FOLDER, readingFolderName(index));
}
