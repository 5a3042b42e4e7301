// Each package writes a JSON report next to the others so .ci/run can print one closing count.
import { basename } from 'node:path';

/** @param {string} packageDir */
export function reportersFor(packageDir) {
  const dir = process.env.ARCBOX_REPORTS_DIR;
  if (!dir) return { testTimeout: 60_000, hookTimeout: 120_000 };
  return {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: `${dir}/${basename(packageDir)}.json` },
  };
}
