import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries so importing the in-memory store never loads a SQLite driver; the third is the
  // checkpoint worker, loaded by URL beside the chunk that starts it (dist/, flat).
  entry: {
    index: 'src/index.ts',
    sqlite: 'src/sqlite/index.ts',
    'sqlite-checkpoint-worker': 'src/sqlite/sqlite-checkpoint-worker.js',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', sqlite: 'src/sqlite/index.ts' } },
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
});
