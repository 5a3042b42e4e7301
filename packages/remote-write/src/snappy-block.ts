import { PerfError } from '@arcbox/perf-core';
import { compress, uncompress } from 'snappyjs';

/**
 * Snappy block format (not the framed stream format): what remote write 1.0 sends. The codec is
 * snappyjs (MIT, pure JavaScript, tested against Google's C++ library by its author); a real
 * Prometheus decoding our requests is this package's end-to-end check. This is the plain path:
 * the writer compresses with `createSnappyCompressor` (faster, same format), tested against it.
 */
export function snappyCompress(bytes: Uint8Array): Buffer {
  const out = compress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Refuses a block that says it holds more than `maxLength` bytes before allocating anything. */
export function snappyUncompress(bytes: Uint8Array, maxLength: number): Buffer {
  try {
    const out = uncompress(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      maxLength,
    );
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw PerfError.from(error, 'PARSE_ERROR', 'not a snappy block within the size bound');
  }
}
