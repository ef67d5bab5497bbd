/** Shared by the kernel tests: a throwaway notebook project and the repository's paths. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (tests run from dist/test/kernel). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * A temporary folder laid out like a user's notebook project: `node_modules/cbram-lab` links to
 * this repository, so cells can `import … from 'cbram-lab'` and `'cbram-lab/kernel'`.
 */
export function makeProject(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-nb-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'cbram-lab'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
