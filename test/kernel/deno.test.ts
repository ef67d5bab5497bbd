/**
 * Deno interop: a notebook run in Deno's Jupyter kernel (`deno jupyter`, from the `deno` npm
 * package) with nbclient. Library objects answer to `Symbol.for('Jupyter.display')`, so a
 * crossbar cell's output carries the CBRAM MIME type and a PNG there too.
 *
 * All state is temporary: the Deno kernelspec is installed under XDG_DATA_HOME in the sandbox
 * (`deno jupyter --install` ignores JUPYTER_DATA_DIR), and Deno's cache is DENO_DIR there.
 * Needs /usr/bin/python3 with nbclient (skipped without it unless CBRAM_REQUIRE_JUPYTER=1).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { PLOT_MIME } from '../../kernel/display/plot';
import { PY, ROOT, jupyterCheck, jupyterSandbox, makeProject } from './helpers';

const DENO = path.join(ROOT, 'node_modules', '.bin', 'deno');
const jupyter = jupyterCheck(['nbclient', 'nbformat']);
const skip = jupyter.skip || (!fs.existsSync(DENO) && 'the deno npm package is not installed');

let state: string;
let env: NodeJS.ProcessEnv;
let project: ReturnType<typeof makeProject>;

before(() => {
  if (skip) return;
  ({ state, env } = jupyterSandbox('cbram-deno-'));
  const xdg = path.join(state, 'xdg');
  env = {
    ...env,
    XDG_DATA_HOME: xdg,
    DENO_DIR: path.join(state, 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    JUPYTER_PATH: `${env.JUPYTER_PATH}${path.delimiter}${path.join(xdg, 'jupyter')}`,
  };
  const r = spawnSync(DENO, ['jupyter', '--install', '--force'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(xdg, 'jupyter', 'kernels', 'deno', 'kernel.json')));
  // A user's project: package.json and node_modules/cbram-lab (Deno reads both).
  project = makeProject();
  fs.writeFileSync(
    path.join(project.dir, 'package.json'),
    JSON.stringify({ name: 'deno-project', private: true, dependencies: { 'cbram-lab': '*' } }),
  );
});

after(() => {
  if (state) fs.rmSync(state, { recursive: true, force: true });
  project?.remove();
});

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

test("Deno's Jupyter kernel shows a crossbar with the CBRAM MIME type and a PNG", { skip }, () => {
  if (jupyter.missing) assert.fail(`CBRAM_REQUIRE_JUPYTER=1 but ${jupyter.missing}`);
  const cells = [
    "import { createCrossbar } from 'cbram-lab';\nconst xbar = createCrossbar({ rows: 8, cols: 12, seed: 1 });\nxbar",
    "import { plot } from 'cbram-lab/kernel';\nconst chart = plot({ name: 'G', x: [1, 10, 100], y: [1, 2, 3] }, { x: { log: true } });\nchart",
  ];
  const nb = {
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { name: 'deno', display_name: 'Deno', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const src = path.join(project.dir, 'deno.ipynb');
  const dst = path.join(project.dir, 'deno.out.ipynb');
  fs.writeFileSync(src, JSON.stringify(nb));
  const r = spawnSync(
    PY,
    [path.join(ROOT, 'test', 'kernel', 'run_notebook.py'), src, dst, 'deno'],
    {
      cwd: project.dir,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const saved = JSON.parse(fs.readFileSync(dst, 'utf8')) as { cells: { outputs: Output[] }[] };
  const result = (k: number) => {
    const outs = saved.cells[k]!.outputs;
    const o = outs.find((x) => x.output_type === 'execute_result');
    assert.ok(o?.data, JSON.stringify(outs).slice(0, 2000));
    return o.data;
  };
  const xbar = result(0);
  assert.equal((xbar[CROSSBAR_MIME] as { kind: string }).kind, 'crossbar');
  assert.match(String(xbar['text/plain']), /^Crossbar 8 × 12/);
  // Deno sends no output metadata, so the PNG is drawn at the figure's own size (520 × 420).
  const image = PNG.sync.read(Buffer.from(String(xbar['image/png']), 'base64'));
  assert.deepEqual([image.width, image.height], [520, 420]);
  const chart = result(1);
  assert.equal((chart[PLOT_MIME] as { kind: string }).kind, 'plot');
  assert.match(String(chart['image/png']), /^iVBORw0KGgo/);
});
