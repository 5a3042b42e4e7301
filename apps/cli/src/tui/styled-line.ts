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
