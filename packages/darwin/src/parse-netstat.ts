import { PerfError } from '@arcbox/perf-core';

/** One interface from its `<Link#N>` row of `netstat -i[b]`; columns the layout lacks are null. */
export interface NetstatLink {
  /** As printed, without the trailing `*` that marks an interface down; may be truncated. */
  name: string;
  up: boolean;
  /** The N of `<Link#N>`: the interface index, unique even when names are truncated. */
  index: number;
  mtu: number | null;
  address: string | null;
  ipkts: number;
  ierrs: number | null;
  ibytes: number | null;
  opkts: number;
  oerrs: number | null;
  obytes: number | null;
  coll: number | null;
  drop: number | null;
}

type Counter = 'ipkts' | 'ierrs' | 'ibytes' | 'opkts' | 'oerrs' | 'obytes' | 'coll' | 'drop';
const counterColumns: Record<string, Counter> = {
  Ipkts: 'ipkts',
  Ierrs: 'ierrs',
  Ibytes: 'ibytes',
  Opkts: 'opkts',
  Oerrs: 'oerrs',
  Obytes: 'obytes',
  Coll: 'coll',
  Drop: 'drop',
};

const linkPattern = /^<Link#(\d+)>$/;

/**
 * Parses `netstat -i` / `-ib` / `-ibn` / `-ibdnW`. Every address row repeats its interface's
 * counters, so only the `<Link#N>` row of each interface is kept. The counter columns are found
 * from the header (with or without `Ibytes`/`Obytes`, `Drop`); a link row may lack the Address
 * and trailing columns (old releases print no Drop value there), which read as null. A row
 * whose counter is not a whole number below 2^53 is skipped.
 * Text without a `Name ... Ipkts` header is an unknown layout (`PARSE_ERROR`).
 */
export function parseNetstatInterfaces(text: string, file = 'netstat'): NetstatLink[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const headerAt = lines.findIndex(
    (l) => /^Name\s/.test(l) && /\bIpkts\b/.test(l) && /\bOpkts\b/.test(l),
  );
  if (headerAt < 0) {
    throw new PerfError(
      'PARSE_ERROR',
      'no "Name ... Ipkts ... Opkts" header (unknown netstat layout)',
      { file },
    );
  }
  const header = lines[headerAt]!.trim().split(/\s+/);
  // Everything after Address is a counter column, printed in header order.
  const addressAt = header.indexOf('Address');
  const counters = header
    .slice(addressAt >= 0 ? addressAt + 1 : 3)
    .map((c) => counterColumns[c] ?? null);

  const links: NetstatLink[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const tokens = lines[i]!.trim().split(/\s+/);
    const link = linkPattern.exec(tokens[2] ?? '');
    const index = link ? Number(link[1]) : Number.NaN;
    // The index names the series when names are truncated: one past 2^53 names nothing.
    if (!Number.isSafeInteger(index)) continue;
    const rest = tokens.slice(3);
    // A signed or fractional number is a bad counter, not an address: taking it as one would
    // shift every column after it.
    const address = rest.length > 0 && !/^-?[\d.]+$/.test(rest[0]!) ? rest.shift()! : null;
    if (rest.length > counters.length) continue;
    const values: Partial<Record<Counter, number | null>> = {};
    let bad = false;
    counters.forEach((field, k) => {
      const token = rest[k];
      if (field === null) return;
      if (token === undefined || token === '-') {
        values[field] = null;
        return;
      }
      const n = /^\d+$/.test(token) ? Number(token) : Number.NaN;
      if (Number.isSafeInteger(n)) values[field] = n;
      else bad = true;
    });
    const ipkts = values.ipkts ?? null;
    const opkts = values.opkts ?? null;
    if (bad || ipkts === null || opkts === null) continue;
    const rawName = tokens[0]!;
    const mtu = /^\d+$/.test(tokens[1] ?? '') ? Number(tokens[1]) : Number.NaN;
    links.push({
      name: rawName.replace(/\*$/, ''),
      up: !rawName.endsWith('*'),
      index,
      mtu: Number.isSafeInteger(mtu) ? mtu : null,
      address,
      ipkts,
      ierrs: values.ierrs ?? null,
      ibytes: values.ibytes ?? null,
      opkts,
      oerrs: values.oerrs ?? null,
      obytes: values.obytes ?? null,
      coll: values.coll ?? null,
      drop: values.drop ?? null,
    });
  }
  return links;
}
