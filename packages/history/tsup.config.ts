import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries so importing the in-memory store never loads a SQLite driver.
  entry: { index: 'src/index.ts', sqlite: 'src/sqlite/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
});
