import { reportersFor } from '../../vitest.shared.js';
import { defineConfig } from 'vitest/config';

// One file at a time: the real-VM test boots QEMU under TCG on a 2-core machine.
export default defineConfig({
  test: { ...reportersFor(import.meta.dirname), fileParallelism: false },
});
