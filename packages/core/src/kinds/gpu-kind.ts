import { computeGpuMetrics } from '../compute-gpu-metrics.js';
import type { GpuMetrics } from '../gpu-metrics.js';
import type { GpuReading } from '../gpu-reading.js';
import { field, type KindDescriptor } from './kind-descriptor.js';

const f = field<GpuMetrics>;

/**
 * One series per GPU, `gpu:<uuid>`; a MIG instance is a series of its own under its parent
 * (`gpu:<uuid>/mig<gi>.<ci>`, label `parent`, fact `mig`). Its name is the product name.
 */
export const gpuKind: KindDescriptor<GpuReading, GpuMetrics> = {
  name: 'gpu',
  sampleKey: 'gpus',
  title: 'GPUs',
  singleton: false,
  keyOf: (r) => r.id,
  compute: computeGpuMetrics,
  identity: (m) => m,
  fields: [
    f('utilizationPercent', 'percent', 'GPU busy over the driver’s sample window.'),
    f('memoryUtilizationPercent', 'percent', 'Memory controller busy over the sample window.'),
    f('memoryUsedBytes', 'bytes', 'Device memory in use (for Apple: in-use system memory).'),
    f('memoryTotalBytes', 'bytes', 'Device memory size.'),
    f('memoryUsedPercent', 'percent', 'Device memory in use, share of its size.'),
    f('powerWatts', 'watts', 'Power draw.'),
    f('powerLimitWatts', 'watts', 'Power limit the driver enforces.'),
    f('temperatureCelsius', 'celsius', 'Core temperature.'),
    f('slowdownTemperatureCelsius', 'celsius', 'Temperature at which the device slows down.'),
    f('slowdownMarginCelsius', 'celsius', 'Slowdown threshold minus temperature (0 = slowing).'),
    f('smClockHz', 'hertz', 'Streaming multiprocessor (graphics) clock.'),
    f('memoryClockHz', 'hertz', 'Memory clock.'),
    f('fanPercent', 'percent', 'Fan speed the driver asks for (null on passive cooling).'),
    f('performanceState', 'count', 'Performance state: 0 = P0 (fastest) to 15.'),
    f('eccCorrectedErrors', 'count', 'Corrected ECC errors since the driver loaded.'),
    f('eccUncorrectedErrors', 'count', 'Uncorrected ECC errors since the driver loaded.'),
    f('encoderPercent', 'percent', 'Video encoder busy.'),
    f('decoderPercent', 'percent', 'Video decoder busy.'),
    f('rendererPercent', 'percent', 'Renderer busy (Apple).'),
    f('tilerPercent', 'percent', 'Tiler busy (Apple).'),
    f('memoryAllocatedBytes', 'bytes', 'System memory allocated to the GPU (Apple).'),
    f('processMemoryBytes', 'bytes', 'Device memory held by the listed processes.'),
  ],
  facts: {
    mig: (m) => m.parentId !== null,
    throttled: (m) => (m.throttleReasons ?? []).some((r) => r !== 'gpu_idle'),
  },
  defaultRules: [
    {
      name: 'gpu-memory-full',
      description: 'GPU memory 95 % used (99 % critical) for a minute',
      target: 'gpu',
      field: 'memoryUsedPercent',
      comparison: '>=',
      warn: 95,
      crit: 99,
      clear: 90,
      windowSeconds: 60,
      windowAggregation: 'avg',
      forSeconds: 60,
    },
    {
      name: 'gpu-temperature-slowdown',
      description:
        'GPU within 5 °C of the slowdown temperature it reports (critical: at or past it)',
      target: 'gpu',
      field: 'slowdownMarginCelsius',
      comparison: '<=',
      warn: 5,
      crit: 0,
      clear: 10,
      windowSeconds: 30,
      windowAggregation: 'avg',
      forSeconds: 30,
    },
  ],
};
