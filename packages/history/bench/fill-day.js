// Fills a default store with 24 h at 1 Hz of system + N containers (the memory and query loads).
import { containerNumericFields, systemNumericFields, vmNumericFields } from '@arcbox/perf-core';
import { makeSample } from './constructed-load.js';

export const T0 = Date.UTC(2026, 0, 1);
export const DAY_SECONDS = 86_400;

// Fields that hold still on a real host; every other number moves from one second to the next.
const CONSTANT = new Set([
  'memoryLimit',
  'pidsLimit',
  'memoryTotal',
  'swapTotal',
  'cpuCount',
  'cpuLimitCores',
]);

/** Every non-constant, non-null numeric field of `m` set to its base value +-5 % (fresh bits each time). */
function jitter(m, base, fields, random) {
  for (const f of fields) {
    const b = base[f];
    if (typeof b === 'number' && !CONSTANT.has(f)) m[f] = b * (0.95 + 0.1 * random());
  }
}

export function fillDay(store, { containers = 100, vms = 0, seconds = DAY_SECONDS } = {}) {
  // Ten distinct samples as templates; each second gets fresh metrics objects copied from one
  // and jittered, as a monitor computes new metrics every round (and the store keeps none).
  const templates = Array.from({ length: 10 }, (_, i) =>
    makeSample(i + 1, T0, { containers, vms }),
  );
  for (const s of templates) {
    // Linux with PSI: the pressure fields are measured too.
    Object.assign(s.system, {
      cpuPressure: 1,
      memoryPressure: 0.5,
      memoryPressureFull: 0.2,
      ioPressure: 2,
    });
  }
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let k = 0; k < seconds; k++) {
    const base = templates[k % templates.length];
    const time = T0 + k * 1000;
    const sample = {
      system: { ...base.system, timestamp: time },
      containers: base.containers.map((c) => ({ ...c, timestamp: time })),
      vms: base.vms.map((v) => ({ ...v, timestamp: time })),
    };
    jitter(sample.system, base.system, systemNumericFields, random);
    sample.containers.forEach((c, i) => {
      jitter(c, base.containers[i], containerNumericFields, random);
    });
    sample.vms.forEach((v, i) => {
      jitter(v, base.vms[i], vmNumericFields, random);
    });
    store.appendSample(sample);
  }
  return templates;
}
