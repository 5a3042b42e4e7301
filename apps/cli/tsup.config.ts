import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

// One ESM file with the shebang. Our own modules are bundled; the @arcbox packages stay
// external and are imported on demand by the commands that need them, so `snapshot` never loads
// the history store and start-up stays short.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  define: { __ARCBOX_PERF_VERSION__: JSON.stringify(version) },
});
