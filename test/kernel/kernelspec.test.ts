import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import {
  DISPLAY_NAME,
  installKernelspec,
  jupyterDataDir,
  jupyterPath,
  kernelspecDir,
  listKernelspecs,
  uninstallKernelspec,
} from '../../kernel/kernelspec';
import { ROOT } from './helpers';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-spec-'));
}

test('Jupyter directories follow jupyter_core: JUPYTER_DATA_DIR, XDG_DATA_HOME, then ~/.local/share', () => {
  if (process.platform !== 'linux') return;
  assert.equal(jupyterDataDir({ JUPYTER_DATA_DIR: '/d', HOME: '/h' }), '/d');
  assert.equal(jupyterDataDir({ XDG_DATA_HOME: '/x', HOME: '/h' }), '/x/jupyter');
  assert.equal(jupyterDataDir({ HOME: '/h' }), '/h/.local/share/jupyter');
  assert.deepEqual(jupyterPath({ JUPYTER_PATH: '/p1:/p2', JUPYTER_DATA_DIR: '/d' }), [
    '/p1',
    '/p2',
    '/d',
    '/usr/local/share/jupyter',
    '/usr/share/jupyter',
  ]);
  assert.equal(kernelspecDir({ prefix: '/env' }), '/env/share/jupyter/kernels/cbram-lab');
  assert.throws(() => kernelspecDir({ name: '../x' }), /--name must use/);
});

test('install writes kernel.json (signal interrupts, this Node and kernel) and 32/64 px logos', () => {
  const prefix = tmp();
  try {
    const dir = installKernelspec({ prefix });
    assert.equal(dir, path.join(prefix, 'share', 'jupyter', 'kernels', 'cbram-lab'));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    assert.equal(spec.display_name, DISPLAY_NAME);
    assert.equal(spec.language, 'typescript');
    assert.equal(spec.interrupt_mode, 'signal');
    assert.equal(spec.argv[0], process.execPath);
    assert.ok(fs.existsSync(spec.argv[1]), spec.argv[1]);
    assert.ok(spec.argv[1].endsWith(path.join('dist', 'kernel', 'main.js')));
    assert.equal(spec.argv[2], '{connection_file}');
    assert.ok(spec.metadata.cbram_lab.version);
    for (const size of [32, 64]) {
      const png = PNG.sync.read(fs.readFileSync(path.join(dir, `logo-${size}x${size}.png`)));
      assert.equal(png.width, size);
      assert.equal(png.height, size);
      assert.equal(png.data[3], 0); // transparent corner
      assert.equal(png.data[((size / 2) * size + size / 2) * 4 + 3], 255);
    }
    assert.match(fs.readFileSync(path.join(dir, 'logo-svg.svg'), 'utf8'), /^<svg /);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test('list follows the Jupyter path and marks shadowed specs; uninstall removes only its own', () => {
  const a = tmp();
  const b = tmp();
  try {
    const env = { JUPYTER_PATH: a, JUPYTER_DATA_DIR: b, HOME: b };
    installKernelspec({ prefix: undefined, env: { JUPYTER_DATA_DIR: a } });
    installKernelspec({ env });
    fs.mkdirSync(path.join(a, 'kernels', 'other'), { recursive: true });
    fs.writeFileSync(
      path.join(a, 'kernels', 'other', 'kernel.json'),
      JSON.stringify({ display_name: 'Other', argv: [] }),
    );
    const mine = listKernelspecs(env).filter((k) => k.dir.startsWith(a) || k.dir.startsWith(b));
    assert.deepEqual(
      mine.map((k) => [k.name, k.dir.startsWith(a) ? 'a' : 'b', k.cbramLab, k.shadowed]),
      [
        ['cbram-lab', 'a', true, false],
        ['other', 'a', false, false],
        ['cbram-lab', 'b', true, true],
      ],
    );
    assert.equal(uninstallKernelspec({ env }), path.join(a, 'kernels', 'cbram-lab'));
    assert.equal(uninstallKernelspec({ env }), path.join(b, 'kernels', 'cbram-lab'));
    assert.equal(uninstallKernelspec({ env }), null);
    assert.throws(
      () => uninstallKernelspec({ env, name: 'other' }),
      /was not written by cbram-lab/,
    );
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});

test('cbram-lab kernel install --user | list | uninstall, through the CLI', () => {
  const data = tmp();
  const cli = path.join(ROOT, 'dist', 'cli', 'main.js');
  const env = { ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: '' };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'kernel', ...args], { env, encoding: 'utf8' });
  try {
    const inst = run('install', '--user');
    assert.equal(inst.status, 0, inst.stderr);
    assert.match(inst.stdout, new RegExp(`Installed kernelspec cbram-lab in ${data}`));
    const list = run('list');
    assert.match(
      list.stdout,
      /^\* cbram-lab\s+\S+kernels\/cbram-lab\s+\(CBRAM Lab \(TypeScript\)\)$/m,
    );
    assert.equal(run('uninstall').status, 0);
    assert.equal(fs.existsSync(path.join(data, 'kernels', 'cbram-lab')), false);
    assert.equal(run('uninstall').status, 1);
    const bad = run('install', '--user', '--prefix', '/x');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--user or --prefix, not both/);
    assert.equal(run('frobnicate').status, 2);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
