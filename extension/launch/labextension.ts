/**
 * `cbram-lab labextension install | uninstall | path`: the prebuilt (federated) extension for a
 * JupyterLab 4 you installed yourself (pip or conda). JupyterLab loads prebuilt extensions from
 * `<data dir>/labextensions/<name>/`; no rebuild of JupyterLab is needed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jupyterDataDir } from '../../kernel/kernelspec';
import { ROOT } from './lab';
import { ensureDir } from '../../src/core/durable';

/** The extension's package name (its folder under labextensions/). */
export const LABEXTENSION_NAME = 'cbram-lab-jupyterlab';
/** Where the prebuilt extension is built (and shipped in the npm package). */
export const LABEXTENSION_BUILD = path.join(ROOT, 'extension', 'labextension');

export const LABEXTENSION_HELP = `cbram-lab labextension: the prebuilt JupyterLab 4 extension

Usage:
  cbram-lab labextension install [--prefix P]   copy it to <data dir>/labextensions/${LABEXTENSION_NAME}
  cbram-lab labextension uninstall [--prefix P]
  cbram-lab labextension path                   where the prebuilt files are

The data dir is $JUPYTER_DATA_DIR, else ~/.local/share/jupyter (Linux); --prefix P uses
P/share/jupyter (e.g. the virtualenv or conda environment that has JupyterLab: --prefix "$(python -c 'import sys; print(sys.prefix)')").
Restart JupyterLab afterwards; 'jupyter labextension list' shows it. Also install the kernel:
cbram-lab kernel install. See docs/lab.md.
`;

/** The directory JupyterLab reads the extension from. */
export function labextensionTarget(prefix?: string): string {
  const data = prefix ? path.join(prefix, 'share', 'jupyter') : jupyterDataDir();
  return path.join(data, 'labextensions', LABEXTENSION_NAME);
}

/** The prebuilt extension's entry (static/remoteEntry.*.js), or null when it is not built. */
export function builtEntry(dir = LABEXTENSION_BUILD): string | null {
  const pkg = path.join(dir, 'package.json');
  if (!fs.existsSync(pkg)) return null;
  const load = (
    JSON.parse(fs.readFileSync(pkg, 'utf8')) as { jupyterlab?: { _build?: { load?: string } } }
  ).jupyterlab?._build?.load;
  return load && fs.existsSync(path.join(dir, load)) ? path.join(dir, load) : null;
}

/**
 * Build the prebuilt extension when it is missing (a repository clone: needs extension/'s npm
 * packages). An installed npm package ships it built.
 */
export function ensureLabextensionBuilt(log: (line: string) => void = () => undefined): void {
  if (builtEntry()) return;
  const ext = path.join(ROOT, 'extension');
  if (!fs.existsSync(path.join(ext, 'node_modules', '@jupyterlab', 'builder')))
    throw new Error(
      `the prebuilt extension is missing (${LABEXTENSION_BUILD}) and cannot be built here: run bash scripts/setup.sh in a clone of the repository`,
    );
  log('Building the prebuilt extension (about a minute)…');
  const r = spawnSync('npm', ['run', '--silent', 'build:labextension'], {
    cwd: ext,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0 || !builtEntry())
    throw new Error(`building the prebuilt extension failed (exit ${r.status})`);
}

/** Copy the prebuilt extension into place; returns the target directory. */
export function installLabextension(prefix?: string): string {
  const target = labextensionTarget(prefix);
  ensureDir(path.dirname(target), 'cbram-lab labextension install');
  // Copy beside the target, then swap: a failed copy leaves the previous install in place.
  const staging = `${target}.tmp-${process.pid}`;
  try {
    fs.cpSync(LABEXTENSION_BUILD, staging, { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

/** Where a command writes (stdout and stderr by default). */
export interface Output {
  write(text: string): unknown;
}

/** Run a labextension subcommand; the exit code. */
export function labextensionCommand(
  argv: string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
): number {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    out.write(LABEXTENSION_HELP);
    return sub ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { prefix: { type: 'string' } },
  });
  try {
    switch (sub) {
      case 'install': {
        ensureLabextensionBuilt((l) => err.write(`${l}\n`));
        const target = installLabextension(values.prefix);
        out.write(
          `Installed the CBRAM Lab extension in ${target}\nRestart JupyterLab to load it.\n`,
        );
        return 0;
      }
      case 'uninstall': {
        const target = labextensionTarget(values.prefix);
        if (!fs.existsSync(target)) {
          err.write(`cbram-lab labextension: nothing installed at ${target}\n`);
          return 1;
        }
        fs.rmSync(target, { recursive: true, force: true });
        out.write(`Removed ${target}\n`);
        return 0;
      }
      case 'path':
        out.write(`${LABEXTENSION_BUILD}${builtEntry() ? '' : ' (not built)'}\n`);
        return 0;
      default:
        err.write(
          `cbram-lab labextension: unknown subcommand "${sub}" (install, uninstall or path)\n`,
        );
        return 2;
    }
  } catch (e) {
    err.write(`cbram-lab labextension: ${(e as Error).message}\n`);
    return 1;
  }
}
