/* eslint-disable @typescript-eslint/no-explicit-any -- page functions use JupyterLab's and plotly's runtime objects */
/**
 * `npm install cbram-lab` is a complete install: pack the package (`npm pack`), install the
 * tarball into a new project (its dependencies from the registry, nothing else: no overrides,
 * no build step), run `npx cbram-lab lab` there, and open a notebook in Chromium that runs a
 * crossbar cell and renders the heatmap. Also `npx cbram-lab labextension install` from the
 * installed package.
 *
 * On this registry, arquero's newest @uwdata/flechette needs a package the registry lacks
 * (@uwdata/wk-geojson, E404). cbram-lab depends on @uwdata/flechette 2.6.0 itself, so npm
 * places that version at the top and arquero shares it; the project below has no override.
 *
 * Needs the built front end and prebuilt extension (scripts/setup.sh), Chromium and Python's
 * jupyter_server (the browser tests' prerequisites); skipped without them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureAppBuilt } from '../../extension/launch/lab';
import { builtEntry, ensureLabextensionBuilt } from '../../extension/launch/labextension';
import {
  CHROMIUM,
  missingPrerequisite,
  openNotebook,
  runCellToEnd,
  shot,
  writeNotebook,
} from '../browser/harness';

declare const document: any;

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CROSSBAR = 'application/vnd.cbram.crossbar.v1+json';
/** The package must stay small enough to install quickly. */
const MAX_PACKAGE_BYTES = 15 * 2 ** 20;

const skip = missingPrerequisite() ?? false;

let tmp: string;
let project: string;
let tarball: { file: string; size: number; unpacked: number; files: string[] };

function npm(args: string[], cwd: string, timeout = 300_000): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout });
  assert.equal(r.status, 0, `npm ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  if (skip) return;
  // The package ships what a clone builds: the front end and the prebuilt extension.
  ensureAppBuilt();
  ensureLabextensionBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-pack-'));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], ROOT, 120_000)) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  tarball = {
    file: path.join(tmp, packed[0]!.filename),
    size: packed[0]!.size,
    unpacked: packed[0]!.unpackedSize,
    files: packed[0]!.files.map((f) => f.path),
  };
  project = path.join(tmp, 'my-project');
  fs.mkdirSync(project);
  // A user's project: just the dependency (see docs/lab.md).
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'my-project',
        private: true,
        dependencies: { 'cbram-lab': `file:${tarball.file}` },
      },
      null,
      2,
    ),
  );
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], project);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test(
  'the package ships the built front end and the prebuilt extension, not their sources',
  { skip },
  () => {
    const files = new Set(tarball.files);
    assert.ok(files.has('extension/app/build/bundle.js'));
    assert.ok(files.has('extension/app/templates/index.html'));
    assert.ok(files.has('extension/app/cbram_lab_server.py'));
    assert.ok(files.has('dist/extension/launch/cli.js'));
    assert.ok(tarball.files.some((f) => /^extension\/labextension\/static\/remoteEntry\./.test(f)));
    assert.ok(!tarball.files.some((f) => f.startsWith('extension/src/') || f.startsWith('test/')));
    assert.ok(
      !tarball.files.some((f) => f.startsWith('extension/app/build/') && f.endsWith('.map')),
    );
    assert.ok(
      tarball.size < MAX_PACKAGE_BYTES,
      `package ${(tarball.size / 2 ** 20).toFixed(1)} MB (unpacked ${(tarball.unpacked / 2 ** 20).toFixed(1)} MB)`,
    );
    const installed = path.join(project, 'node_modules', 'cbram-lab');
    assert.ok(fs.existsSync(path.join(installed, 'extension', 'app', 'build', 'bundle.js')));
  },
);

test('npx cbram-lab labextension install works from the installed package', { skip }, () => {
  const prefix = path.join(tmp, 'prefix');
  const r = spawnSync('npx', ['cbram-lab', 'labextension', 'install', '--prefix', prefix], {
    cwd: project,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const target = path.join(prefix, 'share', 'jupyter', 'labextensions', 'cbram-lab-jupyterlab');
  assert.ok(builtEntry(target), `no remoteEntry in ${target}`);
});

/** Start `npx cbram-lab lab` in the project; resolves with its URL and folder once it prints them. */
function startInstalledLab(
  state: string,
): Promise<{ child: ChildProcess; url: string; notebooks: string }> {
  const child = spawn('npx', ['cbram-lab', 'lab', '--port', '0', '--state', state], {
    cwd: project,
    detached: true, // its own process group: npx, node and the Python server stop together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 90 s:\n${out}\n${err}`)), 90_000);
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/lab\?token=\w+)/.exec(out)?.[1];
      const notebooks = /notebooks: (.*)\)\./.exec(out)?.[1];
      if (url && notebooks) {
        clearTimeout(timer);
        resolve({ child, url, notebooks });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npx cbram-lab lab exited (${code}):\n${out}\n${err}`));
    });
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

test(
  'npx cbram-lab lab serves the project folder, and a crossbar cell renders its heatmap',
  { skip },
  async () => {
    writeNotebook(project, 'crossbar.ipynb', [
      "import { createCrossbar } from 'cbram-lab';\nconst xbar = createCrossbar({ rows: 12, cols: 20, seed: 1 });\nxbar.pulseColumn(3, new Int8Array(12).fill(5));\nxbar",
    ]);
    const state = path.join(tmp, 'lab-state');
    const lab = await startInstalledLab(state);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-chromium-'));
    let context: BrowserContext | undefined;
    try {
      assert.equal(fs.realpathSync(lab.notebooks), fs.realpathSync(project));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 1000 },
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
      });
      const page: Page = context.pages()[0] ?? (await context.newPage());
      await page.goto(lab.url);
      await page.waitForFunction(() => document.body.dataset.cbramLabReady === 'true', null, {
        timeout: 60_000,
      });
      await openNotebook(page, 'crossbar.ipynb');
      await runCellToEnd(page, 0);
      const sel = `.jp-Notebook .jp-Cell:nth-child(1) .cbram-Renderer[data-mime-type="${CROSSBAR}"]`;
      await page.waitForFunction(
        (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 1,
        sel,
        { timeout: 60_000 },
      );
      const shape = await page.evaluate((q) => {
        const z = (document.querySelector(`${q} .cbram-Plot`) as any).data[0].z;
        return [z.length, z[0].length, z[0][3] > z[0][0]];
      }, sel);
      // 12 × 20, and the pulsed column is brighter than its neighbour.
      assert.deepEqual(shape, [12, 20, true]);
      await shot(page, 'packaged-lab-crossbar');
    } finally {
      await context?.close();
      await stopGroup(lab.child);
      fs.rmSync(profile, { recursive: true, force: true });
    }
  },
);
