import { containerKind } from './container-kind.js';
import { filesystemKind } from './filesystem-kind.js';
import { gpuKind } from './gpu-kind.js';
import type { AnyKind } from './kind-descriptor.js';
import { processKind } from './process-kind.js';
import { systemKind } from './system-kind.js';
import { vmKind } from './vm-kind.js';

/**
 * The kinds arcbox-perf ships, in the order exports, tables and answers list them. A new kind is
 * one line here (see docs/ADDING-A-KIND.md). A fresh array each call: callers build their own
 * registry from it (`createKindRegistry(defaultKinds())`), there is no global one.
 */
export function defaultKinds(): AnyKind[] {
  return [systemKind, containerKind, vmKind, filesystemKind, processKind, gpuKind];
}
