// The tables' last-minute sparklines: up to 60 points per row, drawn on a small canvas.

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
  const finite = points.filter((p) => Number.isFinite(p));
  const max = Math.max(1, ...finite);
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

/** A cell drawing the row's recorded points. */
export function sparkCell(id) {
  const td = document.createElement('td');
  const canvas = document.createElement('canvas');
  canvas.className = 'spark';
  canvas.width = 120;
  canvas.height = 24;
  const points = sparks.get(id) ?? [];
  canvas.dataset.points = String(points.length);
  drawSpark(canvas, points);
  td.append(canvas);
  return td;
}
