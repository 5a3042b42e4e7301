import { reportersFor } from '../../vitest.shared.js';
import { configDefaults, defineConfig } from 'vitest/config';

// `*.darwin.test.ts` read the real Mac (like Go's `_darwin_test.go` files): they only exist for
// the test run on macOS, where the GitHub Actions macos-latest job runs them.
const platformOnly = process.platform === 'darwin' ? [] : ['**/*.darwin.test.ts'];

export default defineConfig({
  test: {
    ...reportersFor(import.meta.dirname),
    exclude: [...configDefaults.exclude, ...platformOnly],
  },
});
