import { reportersFor } from '../../vitest.shared.js';
import { defineConfig } from 'vitest/config';

// The end-to-end tests create cgroups and run tmux sessions: one file at a time.
export default defineConfig({
  test: { ...reportersFor(import.meta.dirname), fileParallelism: false },
});
