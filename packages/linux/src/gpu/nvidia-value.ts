/**
 * A number from nvidia-smi text: `27 C`, `67.03 W`, `50 MiB`, `1275 MHz`, `65 %`, `0 us`, or a
 * bare number (csv with nounits). "N/A", "[N/A]", "[Not Supported]", "Requested functionality
 * has been deprecated", an empty or absent value: null, never 0.
 */
export function nvidiaNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z%]*)\s*$/.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  switch (m[2]) {
    case 'KiB':
      return value * 1024;
    case 'MiB':
      return value * 1024 * 1024;
    case 'GiB':
      return value * 1024 ** 3;
    case 'MHz':
      return value * 1e6;
    default:
      return value;
  }
}

/** `P0`..`P15` to 0..15; null otherwise. */
export function performanceState(text: string | undefined): number | null {
  const m = /^\s*P(\d{1,2})\s*$/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

/** nvidia-smi's MiB figure (csv with nounits) in bytes. */
export function mibToBytes(value: number | null): number | null {
  return value === null ? null : value * 1024 * 1024;
}

/** MHz (csv with nounits) to Hz. */
export function mhzToHz(value: number | null): number | null {
  return value === null ? null : value * 1e6;
}
