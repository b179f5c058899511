import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder holding sluice's package.json. Code runs both from `dist/`
 * (built) and from the sources (tests under tsx), so paths to `schemas/`
 * are found by walking up rather than by a fixed number of `..`.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sluice package.json not found');
    dir = parent;
  }
  root = dir;
  return root;
}

export function schemaPath(...parts: string[]): string {
  return join(packageRoot(), 'schemas', ...parts);
}
