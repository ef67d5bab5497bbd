/**
 * Deno interop: cells run in Deno's Jupyter kernel (`deno jupyter`, from the `deno` npm package)
 * through jupyter_client. Library objects answer to `Symbol.for('Jupyter.display')`, so a
 * crossbar cell's output carries the CBRAM MIME type and a PNG there too.
 *
 * The cells run through deno_outputs.py rather than nbclient: Deno 2.9 publishes a cell's
 * `execute_result` asynchronously, and on a loaded machine it can arrive after the cell's idle
 * status, where nbclient (which stops reading at idle) drops it. The script waits for the result
 * itself, so the test checks what the library controls: the bundle Deno publishes.
 *
 * All state is temporary: the Deno kernelspec is installed under XDG_DATA_HOME in the sandbox
 * (`deno jupyter --install` ignores JUPYTER_DATA_DIR), and Deno's cache is DENO_DIR there.
 * Needs /usr/bin/python3 with jupyter_client (skipped without it unless CBRAM_REQUIRE_JUPYTER=1).
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
const jupyter = jupyterCheck(['jupyter_client']);
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
  const cellsFile = path.join(project.dir, 'cells.json');
  fs.writeFileSync(cellsFile, JSON.stringify(cells));
  const r = spawnSync(
    PY,
    [path.join(ROOT, 'test', 'kernel', 'deno_outputs.py'), 'deno', cellsFile],
    {
      cwd: project.dir,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const ran = JSON.parse(r.stdout) as { status: string; outputs: Output[] }[];
  assert.equal(ran.length, cells.length);
  const result = (k: number) => {
    const { status, outputs } = ran[k]!;
    const o = outputs.find((x) => x.output_type === 'execute_result');
    assert.ok(status === 'ok' && o?.data, JSON.stringify(ran[k]).slice(0, 2000));
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
