// Numbers and times as the dashboard shows them: bytes, rates, percents, counts, ages.

export const bytes = (v) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = Math.abs(v);
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${(Math.sign(v) * n).toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
};

export const rate = (v) => (v === null || v === undefined ? '–' : `${bytes(v)}/s`);

export const pct = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} %`);

export const count = (v) =>
  v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(1);

export const age = (ms) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
};

// Hover time with seconds: "2026-12-05 23:04:07".
const two = (n) => String(n).padStart(2, '0');

export const hoverTime = (_u, t) => {
  if (t === null || t === undefined) return '–';
  const d = new Date(t * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};
