import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { RecordedTree } from './recording-files.js';
import { isSafeName, VM_TARGET_FILE, VMM_FOLDER, vmFolder } from './recording-layout.js';

/** What a VM was read through: its id and sockets or files, as the live target named them. */
export interface RecordedVmTarget {
  id: string;
  qmpSocket?: string;
  apiSocket?: string;
  metricsPath?: string;
}

const PATH_FIELDS = ['qmpSocket', 'apiSocket', 'metricsPath'] as const;

/** Writes `vmm/<vmm>/<id>/target.json` of each target into the reading folder. */
export async function writeVmTargets(
  readingDir: string,
  vmm: string,
  targets: readonly RecordedVmTarget[],
): Promise<void> {
  for (const t of targets) {
    if (!isSafeName(t.id)) continue;
    const folder = vmFolder(readingDir, vmm, t.id);
    await mkdir(folder, { recursive: true });
    const kept: RecordedVmTarget = { id: t.id };
    for (const key of PATH_FIELDS) if (t[key] !== undefined) kept[key] = t[key];
    await writeFile(join(folder, VM_TARGET_FILE), `${JSON.stringify(kept)}\n`);
  }
}

/**
 * The targets recorded under `vmm/<vmm>/` of a reading, checked: the id must be its folder's
 * name, each path an absolute path. A folder without target.json is skipped.
 */
export function readVmTargets(tree: RecordedTree, vmm: string): RecordedVmTarget[] {
  const base = join(VMM_FOLDER, vmm);
  const out: RecordedVmTarget[] = [];
  for (const entry of tree.list(base) ?? []) {
    if (!entry.isDirectory || !isSafeName(entry.name)) continue;
    const target = readVmTarget(tree, vmm, entry.name);
    if (target) out.push(target);
  }
  return out;
}

export function readVmTarget(tree: RecordedTree, vmm: string, id: string): RecordedVmTarget | null {
  const path = join(VMM_FOLDER, vmm, id, VM_TARGET_FILE);
  const text = tree.readText(path);
  if (text === null) return null;
  const file = join(tree.root, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause });
  }
  const v = value as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || v.id !== id)
    throw new PerfError('PARSE_ERROR', `expected an object whose id is ${id}`, {
      file,
      field: 'id',
    });
  const target: RecordedVmTarget = { id };
  for (const key of PATH_FIELDS) {
    const p = v[key];
    if (p === undefined) continue;
    if (typeof p !== 'string' || !isAbsolute(p) || p.length > 4096 || p.includes('\0'))
      throw new PerfError('PARSE_ERROR', 'must be an absolute path', { file, field: key });
    target[key] = p;
  }
  return target;
}
