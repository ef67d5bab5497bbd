/** Shared by the kernel tests: a throwaway notebook project and the repository's paths. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installKernelspec } from '../../kernel/kernelspec';

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

/**
 * A throwaway Jupyter setup for running Debian's Jupyter tools: every Jupyter directory in a
 * temporary folder (`state`), /usr/bin first on PATH, and the CBRAM Lab kernelspec installed
 * there. `env` is for the tools' child processes.
 */
export function jupyterSandbox(prefix: string): { state: string; env: NodeJS.ProcessEnv } {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const data = path.join(state, 'data');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `/usr/bin:${process.env.PATH ?? ''}`,
    JUPYTER_DATA_DIR: data,
    JUPYTER_PATH: data,
    JUPYTER_RUNTIME_DIR: path.join(state, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(state, 'config'),
    IPYTHONDIR: path.join(state, 'ipython'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  installKernelspec({ env });
  return { state, env };
}

/** Debian's Python, which has the Jupyter packages. */
export const PY = '/usr/bin/python3';

/**
 * Whether Debian's Python imports `modules`: `missing` says what failed (null when they import),
 * `skip` is the reason to skip the tests that need them, or false when they import or when
 * CBRAM_REQUIRE_JUPYTER=1 (as in CI, where a missing module must fail instead).
 */
export function jupyterCheck(modules: string[]): { missing: string | null; skip: string | false } {
  let missing: string | null = null;
  if (!fs.existsSync(PY)) missing = `${PY} not found`;
  else {
    const r = spawnSync(PY, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (r.status !== 0) missing = r.stderr.trim().split('\n').pop() ?? 'import failed';
  }
  const skip =
    missing && process.env.CBRAM_REQUIRE_JUPYTER !== '1'
      ? `Debian's Jupyter packages are missing (${missing}); run scripts/setup.sh as root`
      : false;
  return { missing, skip };
}
