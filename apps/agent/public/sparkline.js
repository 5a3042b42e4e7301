// The tables' last-minute sparklines: up to 60 points per row, drawn on a small canvas. Every
// row records each sample; a canvas is drawn in the next frame it is seen in (draw-when-seen.js),
// so a table below the fold, or rows scrolled away, paint nothing each second.
import { drawWhenSeen, forgetDrawing } from './draw-when-seen.js';

const sparks = new Map();

/** Records a row's value of this sample (every row, in sight or not). */
export function recordSpark(id, value) {
  let s = sparks.get(id);
  if (!s) {
    s = [];
    sparks.set(id, s);
  }
  s.push(value ?? Number.NaN);
  if (s.length > 60) s.shift();
  return s;
}

/** Forgets the rows not in `ids` (a container that went away). */
export function keepSparks(ids) {
  for (const id of sparks.keys()) if (!ids.has(id)) sparks.delete(id);
}

function drawSpark(canvas, points) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  let max = 1;
  for (const p of points) if (p > max) max = p;
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  points.forEach((p, i) => {
    if (!Number.isFinite(p)) return;
    const x = (i / 59) * (w - 2) + 1;
    const y = h - 1 - (p / max) * (h - 2);
    if (started) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    started = true;
  });
  ctx.stroke();
}

function mark(canvas) {
  const points = String(sparks.get(canvas.dataset.spark)?.length ?? 0);
  if (canvas.dataset.points !== points) canvas.dataset.points = points;
  drawWhenSeen(canvas, () => drawSpark(canvas, sparks.get(canvas.dataset.spark) ?? []));
}

/** Stops drawing the sparklines of `row`, a row its table dropped for good. */
export function releaseSparks(row) {
  for (const canvas of row.querySelectorAll('canvas.spark')) forgetDrawing(canvas);
}

/** A table cell (see dom.js) drawing row `id`'s recorded points. */
export const sparkCell = (id) => ({
  make() {
    const td = document.createElement('td');
    const canvas = document.createElement('canvas');
    canvas.className = 'spark';
    canvas.width = 120;
    canvas.height = 24;
    canvas.dataset.spark = id;
    td.append(canvas);
    mark(canvas);
    return td;
  },
  patch(td) {
    const canvas = td.firstChild;
    if (canvas.dataset.spark !== id) canvas.dataset.spark = id;
    mark(canvas);
  },
});
