// Replaced at build time from package.json (tsup `define`), so --version reads no file.
declare const __ARCBOX_PERF_VERSION__: string;

export const cliVersion: string =
  typeof __ARCBOX_PERF_VERSION__ === 'string' ? __ARCBOX_PERF_VERSION__ : '0.0.0-dev';
