/**
 * The kernelspec: where Jupyter looks for kernels and what `cbram-lab kernel install` writes.
 *
 * Directories follow jupyter_core: the user data directory is `$JUPYTER_DATA_DIR`, else
 * `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` (Linux), `~/Library/Jupyter` (macOS),
 * `%APPDATA%\jupyter` (Windows). Kernels are searched in `$JUPYTER_PATH` entries, then the user
 * data directory, then `/usr/local/share/jupyter` and `/usr/share/jupyter`; each has a
 * `kernels/<name>/kernel.json`. `--prefix P` installs into `P/share/jupyter/kernels`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileDurable } from '../src/core/durable';
import { logoPng, logoSvg } from './logo';
import { versions } from './version';

/** The kernel's name (its directory under `kernels/`). */
export const KERNEL_NAME = 'cbram-lab';
/** What Jupyter shows in its launcher and kernel menus. */
export const DISPLAY_NAME = 'CBRAM Lab (TypeScript)';

type Env = Record<string, string | undefined>;

/** Jupyter's user data directory. */
export function jupyterDataDir(env: Env = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME || os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32')
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
}

/** The data directories Jupyter searches, in order. */
export function jupyterPath(env: Env = process.env): string[] {
  const dirs = [
    ...(env.JUPYTER_PATH ? env.JUPYTER_PATH.split(path.delimiter).filter(Boolean) : []),
    jupyterDataDir(env),
    ...(process.platform === 'win32'
      ? [path.join(env.PROGRAMDATA || 'C:\\ProgramData', 'jupyter')]
      : ['/usr/local/share/jupyter', '/usr/share/jupyter']),
  ];
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

/** Where to install. */
export interface KernelspecTarget {
  /** Install into `<prefix>/share/jupyter/kernels` instead of the user data directory. */
  prefix?: string;
  /** Kernel name (default 'cbram-lab'). */
  name?: string;
  env?: Env;
}

/** Options for {@link installKernelspec}. */
export interface InstallOptions extends KernelspecTarget {
  displayName?: string;
  /** Node.js executable (default: the one running now). */
  node?: string;
  /** The kernel's main script (default: this package's dist/kernel/main.js). */
  main?: string;
}

/** The kernelspec directory for a target. */
export function kernelspecDir(t: KernelspecTarget = {}): string {
  const name = t.name ?? KERNEL_NAME;
  if (!/^[a-z0-9._-]+$/i.test(name))
    throw new Error(
      `kernel install: --name must use letters, digits, '.', '_' or '-', got "${name}"`,
    );
  const base = t.prefix
    ? path.join(path.resolve(t.prefix), 'share', 'jupyter')
    : jupyterDataDir(t.env);
  return path.join(base, 'kernels', name);
}

/** The kernel.json content. */
export function kernelJson(o: InstallOptions = {}): Record<string, unknown> {
  return {
    argv: [
      o.node ?? process.execPath,
      o.main ?? path.join(__dirname, 'main.js'),
      '{connection_file}',
    ],
    display_name: o.displayName ?? DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    env: {},
    metadata: { cbram_lab: { version: versions().kernel } },
  };
}

/**
 * Write the kernelspec (kernel.json and logos); returns its directory. Replaces an existing one.
 *
 * @example
 * installKernelspec({ prefix: '/tmp/env' }); // '/tmp/env/share/jupyter/kernels/cbram-lab'
 */
export function installKernelspec(o: InstallOptions = {}): string {
  const dir = kernelspecDir(o);
  const fn = 'installKernelspec';
  // Logos first, kernel.json last: Jupyter lists a kernelspec only once its kernel.json exists.
  writeFileDurable(path.join(dir, 'logo-32x32.png'), logoPng(32), fn);
  writeFileDurable(path.join(dir, 'logo-64x64.png'), logoPng(64), fn);
  writeFileDurable(path.join(dir, 'logo-svg.svg'), logoSvg(), fn);
  writeFileDurable(
    path.join(dir, 'kernel.json'),
    `${JSON.stringify(kernelJson(o), null, 2)}\n`,
    fn,
  );
  return dir;
}

/** One kernelspec found on the Jupyter path. */
export interface FoundKernelspec {
  name: string;
  dir: string;
  displayName: string;
  /** Written by `cbram-lab kernel install`. */
  cbramLab: boolean;
  /** Hidden by a kernelspec of the same name earlier on the path. */
  shadowed: boolean;
}

/** Every kernelspec on the Jupyter path, in search order. */
export function listKernelspecs(
  env: Env = process.env,
  extraDirs: string[] = [],
): FoundKernelspec[] {
  const out: FoundKernelspec[] = [];
  const seen = new Set<string>();
  for (const base of [...extraDirs, ...jupyterPath(env)]) {
    const kdir = path.join(base, 'kernels');
    let names: string[];
    try {
      names = fs.readdirSync(kdir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(kdir, name, 'kernel.json');
      let spec: { display_name?: unknown; metadata?: { cbram_lab?: unknown } };
      try {
        spec = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      out.push({
        name,
        dir: path.join(kdir, name),
        displayName: String(spec.display_name ?? name),
        cbramLab: spec.metadata?.cbram_lab !== undefined,
        shadowed: seen.has(name),
      });
      seen.add(name);
    }
  }
  return out;
}

/**
 * Remove a CBRAM Lab kernelspec: from `prefix` if given, else the first one Jupyter would use.
 * Returns the removed directory, or null if there was none. Refuses to remove a kernelspec that
 * `cbram-lab kernel install` did not write.
 */
export function uninstallKernelspec(t: KernelspecTarget = {}): string | null {
  const name = t.name ?? KERNEL_NAME;
  let dir: string | null = null;
  if (t.prefix) dir = fs.existsSync(kernelspecDir(t)) ? kernelspecDir(t) : null;
  else dir = listKernelspecs(t.env).find((k) => k.name === name && !k.shadowed)?.dir ?? null;
  if (!dir) return null;
  let spec: { metadata?: { cbram_lab?: unknown } } = {};
  try {
    spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
  } catch {
    // unreadable: treat as not ours
  }
  if (spec.metadata?.cbram_lab === undefined)
    throw new Error(`kernel uninstall: ${dir} was not written by cbram-lab; remove it yourself`);
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}
