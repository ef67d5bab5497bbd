/**
 * Starting CBRAM Lab's JupyterLab (`npm start`, `cbram-lab lab`): the Python server packages,
 * the front end built once from npm packages and cached, the kernel registered, and a server on
 * 127.0.0.1 with a token. The browser tests start their labs with the same code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { installKernelspec } from '../../kernel/kernelspec';
import { writeFileDurable } from '../../src/core/durable';

/** The repository (or installed package) root. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXT = path.join(ROOT, 'extension');
const APP = path.join(EXT, 'app');
/** The built front end. */
export const BUILD = path.join(APP, 'build');
const STAMP = path.join(BUILD, '.inputs-sha256');

/** Debian packages of the Python server side. */
export const SERVER_DEBS = ['python3-jupyter-server', 'python3-jupyterlab-server'];

/** Debian's python3 (it has the Jupyter packages), else the first on PATH. */
export function pythonPath(): string {
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Which of the server's Python modules `python` cannot import. */
export function missingPythonModules(python = pythonPath()): string[] {
  const r = spawnSync(
    python,
    [
      '-c',
      'import importlib.util as u; print(" ".join(m for m in ["jupyter_server", "jupyterlab_server"] if u.find_spec(m) is None))',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return ['python3'];
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

/**
 * Make sure jupyter_server and jupyterlab_server import. On Debian or Ubuntu as root, install
 * them with apt; elsewhere throw with the exact command to run.
 */
export function ensurePythonPackages(log: (line: string) => void = () => undefined): void {
  const python = pythonPath();
  const missing = missingPythonModules(python);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${SERVER_DEBS.join(' ')}`;
  const apt = fs.existsSync('/usr/bin/apt-get') && fs.existsSync('/usr/bin/dpkg-query');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!apt || !root)
    throw new Error(
      `CBRAM Lab needs Python's ${missing.join(' and ')} (${python} cannot import them). Install them with:\n` +
        (apt
          ? `  sudo ${command}\n`
          : `  python3 -m pip install "jupyter_server>=1.23" "jupyterlab_server>=2.16"\n`) +
        'then run npm start again.',
    );
  log(`Installing ${SERVER_DEBS.join(' ')} with apt-get (missing: ${missing.join(', ')})…`);
  for (const args of [['update', '-qq'], command.split(' ').slice(1)]) {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
  }
  const still = missingPythonModules(python);
  if (still.length > 0) throw new Error(`${still.join(', ')} still missing after apt-get`);
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
}

/** A hash of everything the front end is built from: sources, styles, app files, the lock. */
export function appInputsHash(): string {
  const files = [
    ...listFiles(path.join(EXT, 'src')),
    ...listFiles(path.join(EXT, 'style')),
    ...['index.ts', 'webpack.config.cjs', 'templates/index.html'].map((f) => path.join(APP, f)),
    path.join(EXT, 'package-lock.json'),
    path.join(EXT, 'tsconfig.json'),
  ].sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(path.relative(EXT, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/**
 * Is this an installed npm package (`npm install cbram-lab`) rather than a clone of the
 * repository? The package ships the built front end but not its sources (extension/src).
 */
export function isInstalledPackage(): boolean {
  return !fs.existsSync(path.join(EXT, 'src'));
}

/** The folder `cbram-lab lab` opens by default: the user's project (installed), or notebooks/. */
export function defaultNotebooks(): string {
  return isInstalledPackage() ? process.cwd() : path.join(ROOT, 'notebooks');
}

/** Is the built front end current (built from inputs with this hash, default: the current ones)? */
export function appIsBuilt(hash = appInputsHash()): boolean {
  return fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8').trim() === hash;
}

function run(cmd: string, args: string[], cwd: string, what: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0)
    throw new Error(`${what} failed (exit ${r.status}): ${cmd} ${args.join(' ')}`);
}

/**
 * Build the front end when its inputs changed since the last build (npm ci in extension/ first
 * when its lock is newer than its node_modules). Returns whether it built. An installed package
 * ships it built: nothing to do.
 */
export function ensureAppBuilt(log: (line: string) => void = () => undefined): boolean {
  if (isInstalledPackage()) {
    // The npm package ships the front end built; there is nothing to build or install.
    if (fs.existsSync(path.join(BUILD, 'bundle.js'))) return false;
    throw new Error(
      `the package's built front end is missing (${BUILD}); reinstall it: npm install cbram-lab`,
    );
  }
  const lock = path.join(EXT, 'package-lock.json');
  const installed = path.join(EXT, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs) {
    log('Installing the front end’s npm packages (extension/)…');
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], EXT, 'npm ci in extension/');
  }
  const hash = appInputsHash();
  if (appIsBuilt(hash)) return false;
  log('Building JupyterLab with the CBRAM Lab extension (once; cached in extension/app/build)…');
  run('npm', ['run', '--silent', 'build:app'], EXT, 'Building the front end');
  // Written last and durably: a build that was killed half-way is never taken for a current one.
  writeFileDurable(STAMP, `${hash}\n`, 'cbram-lab lab');
  return true;
}

/** A free TCP port on 127.0.0.1 (`preferred` when it is free). */
export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a ? a.port : null));
      });
    });
  return (preferred ? await tryPort(preferred) : null) ?? (await tryPort(0))!;
}

/** Options of {@link startLab}. */
export interface LabOptions {
  /** The folder the file browser opens (default {@link defaultNotebooks}). */
  notebooks?: string;
  /** Port (default: 8888 when free, else any free port; 0: any). */
  port?: number;
  /** Access token (default: 24 random bytes, hex). */
  token?: string;
  /** Where Jupyter's state lives: kernelspec, runtime files, settings (default .cache/lab). */
  stateDir?: string;
  /** Server log lines (default: ignored). */
  onLog?: (line: string) => void;
  /** How long to wait for the server to answer, ms (default 60 s). */
  timeout?: number;
}

/** A running lab. */
export interface RunningLab {
  /** Open this: http://127.0.0.1:PORT/lab?token=… */
  url: string;
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  token: string;
  notebooks: string;
  stateDir: string;
  process: ChildProcess;
  /** Stop the server (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Start the server: register the kernel in the lab's own Jupyter path, launch jupyter_server
 * with the built front end, and resolve once it answers.
 *
 * @example
 * const lab = await startLab({ notebooks: 'notebooks' });
 * console.log(lab.url);
 * await lab.stop();
 */
export async function startLab(o: LabOptions = {}): Promise<RunningLab> {
  if (!fs.existsSync(path.join(BUILD, 'bundle.js')))
    throw new Error(
      isInstalledPackage()
        ? `The package's built front end is missing (${BUILD}); reinstall it: npm install cbram-lab`
        : `The front end is not built (${BUILD}); run npm start or bash scripts/setup.sh`,
    );
  const notebooks = path.resolve(o.notebooks ?? defaultNotebooks());
  if (!fs.statSync(notebooks, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`startLab: notebooks must be a folder, got "${notebooks}"`);
  const stateDir = path.resolve(o.stateDir ?? path.join(ROOT, '.cache', 'lab'));
  const prefix = path.join(stateDir, 'env');
  installKernelspec({ prefix });
  const port = o.port === 0 ? await freePort() : await freePort(o.port ?? 8888);
  const token = o.token ?? randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `/usr/bin:${process.env.PATH ?? ''}`,
    JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(stateDir, 'data'),
    JUPYTER_CONFIG_DIR: path.join(stateDir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(stateDir, 'runtime'),
    CBRAM_LAB_STATE: path.join(stateDir, 'lab'),
  };
  const args = [
    path.join(APP, 'cbram_lab_server.py'),
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${notebooks}`,
    '--ServerApp.open_browser=False',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0)
    args.push('--ServerApp.allow_root=True');
  const child = spawn(pythonPath(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        o.onLog?.(line);
      }
  };
  child.stdout!.on('data', onLine);
  child.stderr!.on('data', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  // Never leave a server behind when this process ends.
  const reap = () => child.kill('SIGTERM');
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.timeout ?? 60_000);
  let up = false;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!up && !gone && Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      up = r.ok;
    } catch {
      // Not listening yet: wait for the next poll or the process's exit.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
    }
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  };
  if (!up) {
    await stop();
    throw new Error(
      `The Jupyter server did not ${gone ? 'stay up' : 'answer within the timeout'}:\n${tail.join('\n')}`,
    );
  }
  return {
    url: `${base}/lab?token=${token}`,
    base,
    port,
    token,
    notebooks,
    stateDir,
    process: child,
    stop,
  };
}
