import type { MetricFamily } from './metric-family.js';
import type { SampleWriter } from './sample-writer.js';

/** The families a writing function writes, as objects (what the exposition formats print). */
export function collectFamilies(write: (writer: SampleWriter) => void): MetricFamily[] {
  const families: MetricFamily[] = [];
  let samples: MetricFamily['samples'] = [];
  write({
    family(head) {
      samples = [];
      families.push({ ...head, samples });
    },
    sample(labels, value) {
      samples.push({ labels, value });
    },
  });
  return families;
}
