/**
 * The prebuilt extension for a user's own JupyterLab 4: `cbram-lab labextension install` puts
 * the federated bundle where JupyterLab looks for it, and the bundle, loaded in Chromium the way
 * JupyterLab loads prebuilt extensions (its remoteEntry script, a share scope that provides
 * @lumino/widgets, then `get('./mimeExtension')`), exposes the renderer, which draws a payload.
 * Not covered here: loading by a pip-installed JupyterLab (there is none on this machine).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  ensureLabextensionBuilt,
  labextensionCommand,
  LABEXTENSION_NAME,
} from '../../extension/launch/labextension';
import { ROOT } from '../../extension/launch/lab';
import { CHROMIUM, missingPrerequisite, shot } from './harness';

// Page functions run in Chromium: untyped here (no DOM lib in Node's build).
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const missing = missingPrerequisite();
if (missing && process.env.CBRAM_REQUIRE_JUPYTER === '1')
  throw new Error(`the browser tests must run here (CBRAM_REQUIRE_JUPYTER=1), but ${missing}`);
const skip = missing ? `browser tests need ${missing}` : false;

let prefix: string;
let context: BrowserContext | undefined;
let profile: string;

before(() => {
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-labext-'));
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-chromium-'));
});

after(async () => {
  await context?.close();
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.rmSync(profile, { recursive: true, force: true });
});

function capture(): { out: { write(s: string): boolean }; text: () => string } {
  let text = '';
  return {
    out: {
      write: (s: string) => {
        text += s;
        return true;
      },
    },
    text: () => text,
  };
}

test(
  'labextension install / uninstall: the federated bundle lands in <prefix>/share/jupyter/labextensions',
  { skip },
  () => {
    ensureLabextensionBuilt();
    const out = capture();
    const err = capture();
    assert.equal(
      labextensionCommand(['install', '--prefix', prefix], out.out, err.out),
      0,
      err.text(),
    );
    const target = path.join(prefix, 'share', 'jupyter', 'labextensions', LABEXTENSION_NAME);
    assert.match(out.text(), new RegExp(`Installed the CBRAM Lab extension in ${target}`));
    const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
    assert.equal(pkg.name, LABEXTENSION_NAME);
    assert.equal(pkg.jupyterlab._build.mimeExtension, './mimeExtension');
    assert.match(pkg.jupyterlab._build.load, /^static\/remoteEntry\.[0-9a-f]+\.js$/);
    assert.ok(fs.existsSync(path.join(target, pkg.jupyterlab._build.load)));
    // Uninstall removes it; a second uninstall says there is nothing.
    const out2 = capture();
    assert.equal(labextensionCommand(['uninstall', '--prefix', prefix], out2.out, err.out), 0);
    assert.ok(!fs.existsSync(target));
    const err3 = capture();
    assert.equal(labextensionCommand(['uninstall', '--prefix', prefix], out2.out, err3.out), 1);
    assert.match(err3.text(), /nothing installed/);
    assert.equal(labextensionCommand(['install', '--prefix', prefix], out.out, err.out), 0);
  },
);

test(
  'the prebuilt bundle loads as JupyterLab loads it and its renderer draws a payload',
  { skip },
  async () => {
    const target = path.join(prefix, 'share', 'jupyter', 'labextensions', LABEXTENSION_NAME);
    const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
    const widgets = JSON.parse(
      fs.readFileSync(
        path.join(ROOT, 'extension', 'node_modules', '@lumino', 'widgets', 'package.json'),
        'utf8',
      ),
    ).version as string;
    const page = path.join(target, 'static', 'check.html');
    fs.writeFileSync(page, '<!doctype html><html><body></body></html>');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
    });
    const p = context.pages()[0] ?? (await context.newPage());
    await p.goto(`file://${page}`);
    const result = await p.evaluate(
      async ({ entry, version }: { entry: string; version: string }) => {
        await new Promise((resolve, reject) => {
          const s = document.createElement('script');
          s.src = entry;
          s.onload = resolve;
          s.onerror = reject;
          document.head.append(s);
        });
        const container = window._JUPYTERLAB['cbram-lab-jupyterlab'];
        // The host's @lumino/widgets, reduced to what a renderer widget uses.
        class Widget {
          node = document.createElement('div');
          isDisposed = false;
          addClass(c: string) {
            this.node.classList.add(c);
          }
          dispose() {
            this.isDisposed = true;
          }
        }
        const scope = {
          '@lumino/widgets': {
            [version]: { get: () => Promise.resolve(() => ({ Widget })), from: 'host', loaded: 1 },
          },
        };
        await container.init(scope);
        const mod = (await container.get('./mimeExtension'))();
        const ext = (Array.isArray(mod.default) ? mod.default : [mod.default])[0];
        const mime = 'application/vnd.cbram.plot.v1+json';
        const renderer = ext.rendererFactory.createRenderer({ mimeType: mime });
        document.body.append(renderer.node);
        await renderer.renderModel({
          data: {
            [mime]: {
              version: 1,
              kind: 'plot',
              title: 'from the prebuilt extension',
              x: { label: 'x' },
              y: { label: 'y' },
              series: [{ name: 's', x: [1, 2, 3], y: [3, 1, 2] }],
            },
          },
          metadata: {},
          trusted: false,
        });
        const gd = renderer.node.querySelector('.cbram-Plot');
        return {
          id: ext.id,
          mimeTypes: ext.rendererFactory.mimeTypes,
          safe: ext.rendererFactory.safe,
          traces: gd.data.length,
          svg: gd.querySelectorAll('.main-svg').length > 0,
          title: gd.querySelector('.gtitle')?.textContent,
        };
      },
      { entry: `./${path.basename(pkg.jupyterlab._build.load)}`, version: widgets },
    );
    assert.equal(result.id, 'cbram-lab-jupyterlab:renderers');
    assert.ok(result.mimeTypes.includes('application/vnd.cbram.crossbar.v1+json'));
    assert.equal(result.safe, true);
    assert.deepEqual(
      [result.traces, result.svg, result.title],
      [1, true, 'from the prebuilt extension'],
    );
    await shot(p, 'prebuilt-extension');
  },
);
