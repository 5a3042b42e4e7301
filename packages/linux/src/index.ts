export { createFileReader } from './fs/file-reader.js';
export type { DirEntry, FileReader, FileReaderOptions } from './fs/file-reader.js';
export { createRecordingReader } from './fs/recording-reader.js';
