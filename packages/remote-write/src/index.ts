export { createRemoteWriter } from './create-remote-writer.js';
export type {
  RemoteWriter,
  RemoteWriterOptions,
  RemoteWriterStats,
} from './create-remote-writer.js';
export { DEFAULT_DECODE_LIMITS, decodeWriteRequest } from './decode-write-request.js';
export type { DecodeLimits } from './decode-write-request.js';
export { createFamiliesEncoder } from './encode-families.js';
export type { EncodedRound, FamiliesEncoder } from './encode-families.js';
export { encodeSampledRound, encodeSampledRounds } from './encode-sampled-rounds.js';
export { encodeWriteRequest } from './encode-write-request.js';
export { familiesToSeries } from './families-to-series.js';
export { postWriteRequest, REMOTE_WRITE_HEADERS, sendWriteRequest } from './send-write-request.js';
export type { RemoteWriteTarget, SendOutcome } from './send-write-request.js';
export { snappyCompress, snappyUncompress } from './snappy-block.js';
export type { SampledRound } from './sampled-round.js';
export type { RemoteLabel, RemoteSample, RemoteSeries } from './write-request.js';
export { MAX_ACK_FILE_BYTES, MAX_ACK_TARGETS, openAckFile, parseAcks } from './ack-file.js';
export type { AckFile, AckFileOptions } from './ack-file.js';
export { createHistoryCatchUp } from './history-catch-up.js';
export type { CatchUpBatch, CatchUpSource, HistoryCatchUpOptions } from './history-catch-up.js';
export { createSnappyCompressor, maxCompressedLength, snappyHeader } from './snappy-compressor.js';
export type { SnappyCompressor } from './snappy-compressor.js';
