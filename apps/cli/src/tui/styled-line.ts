import type { Colors } from '../cli-context.js';
import { cellWidth, truncate } from '../render/format-table.js';

export type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan' | 'inverse' | 'redInverse';

/** A piece of a screen line: plain text, or text with one style. */
export type Segment = string | readonly [text: string, style: Style];

/**
 * Joins segments into exactly `width` cells (cut or padded with spaces). Styles are applied
 * after cutting, so an escape sequence is never split and widths stay exact.
 */
export function fitLine(segments: readonly Segment[], width: number, c: Colors): string {
  let room = width;
  let out = '';
  for (const segment of segments) {
    if (room <= 0) break;
    const [text, style] = typeof segment === 'string' ? [segment, undefined] : segment;
    const cut = cellWidth(text) > room ? truncate(text, room) : text;
    room -= cellWidth(cut);
    out += style ? applyStyle(cut, style, c) : cut;
  }
  return out + ' '.repeat(Math.max(0, room));
}

function applyStyle(text: string, style: Style, c: Colors): string {
  switch (style) {
    case 'redInverse':
      return c.inverse(c.red(text));
    default:
      return c[style](text);
  }
}

/** A part of a summary line that may be left out when the terminal is narrow. */
export interface OptionalPart {
  /** The lowest goes first. */
  priority: number;
  segments: readonly Segment[];
}

/**
 * The segments of a line that fit `width`: the required ones, then as many optional parts as
 * fit, leaving out the least useful first but keeping the others in their order. Whole parts
 * go, so no figure is ever cut in half.
 */
export function fitParts(
  required: readonly Segment[],
  parts: readonly OptionalPart[],
  width: number,
): Segment[] {
  const length = (segments: readonly Segment[]) =>
    segments.reduce((n, s) => n + cellWidth(typeof s === 'string' ? s : s[0]), 0);
  const kept = new Set(parts);
  const total = () =>
    length(required) + parts.filter((p) => kept.has(p)).reduce((n, p) => n + length(p.segments), 0);
  for (const part of [...parts].sort((a, b) => a.priority - b.priority)) {
    if (total() <= width) break;
    kept.delete(part);
  }
  return [...required, ...parts.filter((p) => kept.has(p)).flatMap((p) => p.segments)];
}
