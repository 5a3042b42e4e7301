#!/usr/bin/env bash
# Scaffolds a library package: scripts/new-package.sh <folder> <npm-name> "<description>"
set -euo pipefail
dir="packages/$1"; name="$2"; desc="$3"
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.0.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "files": ["dist"],
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" },
    "./package.json": "./package.json"
  },
  "engines": { "node": ">=20.11" },
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc -p tsconfig.json",
    "test": "vitest run",
    "check:package": "publint --strict"
  },
  "devDependencies": {
    "@types/node": "catalog:",
    "fast-check": "catalog:",
    "publint": "catalog:",
    "tsup": "catalog:",
    "typescript": "catalog:",
    "vitest": "catalog:"
  }
}
JSON
cat > "$dir/tsconfig.json" <<'JSON'
{ "extends": "../../tsconfig.base.json", "include": ["src", "*.config.ts"] }
JSON
cat > "$dir/tsup.config.ts" <<'TS'
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
});
TS
cat > "$dir/vitest.config.ts" <<'TS'
import { reportersFor } from '../../vitest.shared.js';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...reportersFor(import.meta.dirname) } });
TS
