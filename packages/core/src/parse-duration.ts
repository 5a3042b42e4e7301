const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest duration any setting takes: 2^31 - 1 ms is where Node's timers overflow (24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * "500ms", "10s", "5m", "1h", "7d", or a sum such as "1h30m", in milliseconds; null when the
 * text is not one. A bare number is not a duration: nobody has to guess whether 10 means seconds
 * or milliseconds. At most 64 characters are looked at (config files are untrusted).
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  let total = 0;
  let rest = trimmed;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/;
  while (rest !== '') {
    const match = part.exec(rest);
    if (!match) return null;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return Number.isFinite(total) ? total : null;
}

/** Milliseconds as the shortest exact duration text: 90000 -> "90s", 3600000 -> "1h". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
