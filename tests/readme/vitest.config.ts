import { defineConfig } from 'vitest/config';
import { reportersFor } from '../../vitest.shared.js';

export default defineConfig({
  test: { ...reportersFor(import.meta.dirname), fileParallelism: false },
});
