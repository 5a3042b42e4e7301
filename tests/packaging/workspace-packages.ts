import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface WorkspacePackage {
  dir: string;
  name: string;
  version: string;
  private: boolean;
  /** `packages` for libraries, `apps` for the CLI and the agent. */
  group: 'packages' | 'apps';
}

/** Every package.json under packages/ and apps/. */
export function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps'] as const) {
    for (const entry of readdirSync(join(repoRoot, group))) {
      const file = join(repoRoot, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      found.push({
        dir: join(repoRoot, group, entry),
        name: json.name,
        version: json.version,
        private: json.private === true,
        group,
      });
    }
  }
  return found;
}
