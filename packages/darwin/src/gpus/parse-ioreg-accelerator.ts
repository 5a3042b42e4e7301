import { PerfError } from '@arcbox/perf-core';

/** One Apple GPU's `PerformanceStatistics`, as `ioreg -c IOAccelerator` prints them. */
export interface AppleAccelerator {
  /** The registry class (`AGXAcceleratorG14X`). */
  className: string;
  /** The registry entry id (`0x1000005da`); changes across boots. */
  registryId: string | null;
  /** `model` (`Apple M2 Max`); null when not printed. */
  model: string | null;
  /** `gpu-core-count`. */
  coreCount: number | null;
  /** "Device Utilization %", 0..100; null when absent or out of range. */
  deviceUtilizationPercent: number | null;
  rendererUtilizationPercent: number | null;
  tilerUtilizationPercent: number | null;
  /** "In use system memory", bytes (unified memory the GPU holds now). */
  inUseSystemMemoryBytes: number | null;
  /** "Alloc system memory", bytes (unified memory allocated to the GPU). */
  allocSystemMemoryBytes: number | null;
}

/** Longest output read: one Apple GPU prints a few KB; a Mac has one. */
export const MAX_IOREG_ACCELERATOR_CHARS = 1024 * 1024;
/** Most accelerators kept. */
export const MAX_ACCELERATORS = 16;
/** Most characters of one property line looked at (a `PerformanceStatistics` line is < 2 KB). */
const MAX_LINE_CHARS = 64 * 1024;

const objectPattern = /^[ |]*\+-o (.*?)\s+<class ([\w.]+)(?:, id (0x[0-9a-fA-F]+))?[,>]/;
const propertyPattern = /^[ |]*"([^"]+)" = (.*)$/;
const statPattern = /"([^"]{1,200})"=([^,}]{0,100})/g;

/**
 * Parses `ioreg -r -d 1 -w 0 -c IOAccelerator`: every Apple GPU (an `AGX*` class: the Apple
 * Silicon GPU driver) that prints `PerformanceStatistics`. Other accelerators (Intel, AMD, a
 * VM's paravirtual GPU) are skipped; so is a value that is not a whole number in its range (null,
 * never 0). Empty output is no accelerator; text past 1 MiB, or text with no registry object,
 * is a PARSE_ERROR naming `file`.
 */
export function parseIoregAccelerators(text: string, file = 'ioreg'): AppleAccelerator[] {
  if (text.length > MAX_IOREG_ACCELERATOR_CHARS)
    throw new PerfError(
      'PARSE_ERROR',
      `ioreg printed more than ${MAX_IOREG_ACCELERATOR_CHARS} characters for IOAccelerator`,
      { file },
    );
  if (text.trim() === '') return [];
  const objects: Array<{
    className: string;
    registryId: string | null;
    props: Map<string, string>;
  }> = [];
  for (const raw of text.split('\n')) {
    const line =
      raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw.replace(/\r$/, '');
    const head = objectPattern.exec(line);
    if (head) {
      objects.push({ className: head[2]!, registryId: head[3] ?? null, props: new Map() });
      continue;
    }
    const prop = propertyPattern.exec(line);
    const current = objects[objects.length - 1];
    if (prop && current && !current.props.has(prop[1]!))
      current.props.set(prop[1]!, prop[2]!.trim());
  }
  if (objects.length === 0)
    throw new PerfError('PARSE_ERROR', 'no IORegistry object found (unknown ioreg layout)', {
      file,
    });
  const out: AppleAccelerator[] = [];
  for (const o of objects) {
    if (out.length >= MAX_ACCELERATORS) break;
    const statsText = o.props.get('PerformanceStatistics');
    if (!o.className.startsWith('AGX') || statsText === undefined || !statsText.startsWith('{'))
      continue;
    const stats = new Map<string, string>();
    for (const m of statsText.matchAll(statPattern))
      if (!stats.has(m[1]!)) stats.set(m[1]!, m[2]!.trim());
    const percent = (key: string) => whole(stats.get(key), 100);
    const bytes = (key: string) => whole(stats.get(key), Number.MAX_SAFE_INTEGER);
    out.push({
      className: o.className,
      registryId: o.registryId,
      model: quoted(o.props.get('model')),
      coreCount: whole(o.props.get('gpu-core-count'), 4096),
      deviceUtilizationPercent: percent('Device Utilization %'),
      rendererUtilizationPercent: percent('Renderer Utilization %'),
      tilerUtilizationPercent: percent('Tiler Utilization %'),
      inUseSystemMemoryBytes: bytes('In use system memory'),
      allocSystemMemoryBytes: bytes('Alloc system memory'),
    });
  }
  return out;
}

/** A whole number from 0 to `max` as ioreg prints it (decimal); anything else is null. */
function whole(text: string | undefined, max: number): number | null {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/** `"Apple M2 Max"` (ioreg's string) to its text; `<"...">` data and anything else is null. */
function quoted(text: string | undefined): string | null {
  const m = /^"([^"]{1,200})"$/.exec(text ?? '');
  return m ? m[1]! : null;
}
