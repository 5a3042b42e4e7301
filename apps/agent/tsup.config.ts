import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

export default defineConfig({
  // The config worker is its own file: SIGHUP reads the config in a worker thread.
  entry: { main: 'src/main.ts', 'config-worker': 'src/config/config-worker.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  // The dashboard is served by the agent alone (no CDN): its files and uPlot's go next to main.js.
  async onSuccess() {
    const out = join(import.meta.dirname, 'dist', 'public');
    await mkdir(out, { recursive: true });
    await cp(join(import.meta.dirname, 'public'), out, { recursive: true });
    const uplot = dirname(require.resolve('uplot/package.json'));
    await cp(join(uplot, 'dist', 'uPlot.iife.min.js'), join(out, 'uPlot.iife.min.js'));
    await cp(join(uplot, 'dist', 'uPlot.min.css'), join(out, 'uPlot.min.css'));
  },
});
