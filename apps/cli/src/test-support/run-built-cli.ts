import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/** The built binary the tests run, as a user would (turbo builds it before `test`). */
export const cliPath = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main.js ...args` without a terminal; never rejects on a non-zero exit. */
export function runBuiltCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build the CLI first`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      {
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env },
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** An ajv validator for one of apps/cli/schemas/*.schema.json. */
export function schemaValidator(name: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const schema = JSON.parse(readFileSync(`${schemasDir}${name}.schema.json`, 'utf8')) as object;
  return ajv.compile(schema);
}

/** Escape sequences (CSI, OSC, single-character) a plain stream must not contain. */
export const escapeCode = /\x1b[[\]()#;?0-9A-Za-z]/;
