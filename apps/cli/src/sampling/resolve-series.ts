import { PerfError } from '@arcbox/perf-core';

/** A series a history holds, as `/api/v1/series` and the store's `series()` list them. */
export interface KnownSeries {
  key: string;
  kind: string;
  id: string;
  name: string;
}

/** Known series an error lists before saying how many more there are. */
const LISTED = 20;

/**
 * The series key a person means: `container:web` (a name), `container:3f2a` (a unique id
 * prefix) or the key itself. A spec without a `:` (`system`) is passed on as it is: a kind of
 * one series has no name to look up, and the history answers for it. A `kind:x` that is none
 * of the known series is an UNKNOWN_SERIES error listing them, the ones closest to what was
 * asked first: a host with hundreds of containers lists only some, and a misspelt name should
 * find its series among them.
 */
export function resolveSeries(spec: string, known: readonly KnownSeries[]): string {
  const colon = spec.indexOf(':');
  if (colon < 0 || known.some((s) => s.key === spec)) return spec;
  const kind = spec.slice(0, colon);
  const wanted = spec.slice(colon + 1);
  const ofKind = known.filter((s) => s.kind === kind);
  const byName = ofKind.filter((s) => s.name === wanted);
  const byPrefix = ofKind.filter((s) => s.id.startsWith(wanted));
  const matches = byName.length > 0 ? byName : byPrefix;
  if (matches.length === 1) return matches[0]!.key;
  if (matches.length > 1) {
    throw new PerfError(
      'UNKNOWN_SERIES',
      `"${spec}" names ${matches.length} series: ${matches.map(describe).join(', ')}; give more of the id`,
    );
  }
  const list = closestFirst(wanted, kind, known).slice(0, LISTED).map(describe).join(', ');
  const more = known.length > LISTED ? ` and ${known.length - LISTED} more` : '';
  throw new PerfError(
    'UNKNOWN_SERIES',
    known.length === 0
      ? `no series "${spec}": the history holds no series yet`
      : `no series "${spec}" (known: ${list}${more})`,
  );
}

/** `known` reordered by how much of `wanted` a series' name or id shares (as a prefix or a part), stably. */
function closestFirst(wanted: string, kind: string, known: readonly KnownSeries[]): KnownSeries[] {
  const w = wanted.toLowerCase();
  const score = (s: KnownSeries): number => {
    if (s.kind !== kind || w === '') return 0;
    return Math.max(...[s.name, s.id].map((text) => closeness(w, text.toLowerCase())));
  };
  return known
    .map((s, i) => ({ s, i, score: score(s) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ s }) => s);
}

/**
 * Characters of `w` that `text` starts with, or all of them when `text` holds `w`. A shared
 * first letter or two is chance (every hex id shares one with something), not closeness.
 */
function closeness(w: string, text: string): number {
  if (text.includes(w)) return w.length;
  let n = 0;
  while (n < w.length && n < text.length && w[n] === text[n]) n++;
  return n >= 3 ? n : 0;
}

/** `container:3f2a… (web)`: the key, and the name when it says more. */
function describe(s: KnownSeries): string {
  return s.name && s.name !== s.id ? `${s.key} (${s.name})` : s.key;
}
