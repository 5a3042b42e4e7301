import { reportersFor } from '../../vitest.shared.js';
import { defineConfig } from 'vitest/config';

// The end-to-end tests start agents, Prometheus and Chromium and create cgroups: one file at a time.
export default defineConfig({
  test: { ...reportersFor(import.meta.dirname), fileParallelism: false },
});
