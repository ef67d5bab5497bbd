/**
 * The kernel under Debian's Jupyter tooling: the jupyter_kernel_test suite, and nbclient running a
 * notebook (then nbconvert rendering it to HTML). All Jupyter state lives in a temporary folder
 * (JUPYTER_DATA_DIR, JUPYTER_PATH, JUPYTER_RUNTIME_DIR, JUPYTER_CONFIG_DIR).
 *
 * Needs /usr/bin/python3 with python3-jupyter-kernel-test, python3-nbclient and jupyter-nbconvert
 * (scripts/setup.sh installs them as root). Without them these tests are skipped, unless
 * CBRAM_REQUIRE_JUPYTER=1 (set by .ci/run), which makes them fail instead.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { DEVICE_MIME } from '../../kernel/display/device';
import { LEDGER_MIME } from '../../kernel/display/ledger';
import { PY, ROOT, jupyterCheck, jupyterSandbox, makeProject } from './helpers';

const { missing, skip } = jupyterCheck([
  'jupyter_kernel_test',
  'nbclient',
  'nbformat',
  'nbconvert',
]);

let state: string;
let project: ReturnType<typeof makeProject>;
let env: NodeJS.ProcessEnv;

before(() => {
  if (skip) return;
  ({ state, env } = jupyterSandbox('cbram-jupyter-'));
  project = makeProject();
});

after(() => {
  if (state) fs.rmSync(state, { recursive: true, force: true });
  project?.remove();
});

function python(args: string[]): { status: number | null; out: string } {
  if (missing) assert.fail(`CBRAM_REQUIRE_JUPYTER=1 but ${missing}`);
  const r = spawnSync(PY, args, { cwd: project.dir, env, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test('jupyter_kernel_test: every test that applies to a TypeScript kernel passes', { skip }, () => {
  const report = path.join(state, 'jkt.json');
  const r = python([path.join(ROOT, 'test', 'kernel', 'conformance.py'), report]);
  const outcomes = JSON.parse(fs.readFileSync(report, 'utf8')) as Record<
    string,
    { outcome: string; detail: string }
  >;
  const bad = Object.entries(outcomes).filter(
    ([, o]) => o.outcome === 'fail' || o.outcome === 'error',
  );
  assert.deepEqual(bad, [], r.out);
  for (const name of [
    'test_kernel_info',
    'test_execute_stdout',
    'test_execute_stderr',
    'test_execute_result',
    'test_error',
    'test_display_data',
    'test_completion',
    'test_inspect',
    'test_is_complete',
    'test_history',
    'test_clear_output',
  ])
    assert.equal(outcomes[name]?.outcome, 'pass', `${name}: ${JSON.stringify(outcomes[name])}`);
  // Every history access type ran (none skipped).
  for (const sub of [
    "test_history (hist_access_type='tail')",
    "test_history (hist_access_type='range')",
    "test_history (subsearch='unique', hist_access_type='search')",
  ])
    assert.equal(outcomes[sub]?.outcome, 'pass', sub);
  // The one test left out: the pager (see conformance.py).
  assert.deepEqual(
    Object.entries(outcomes)
      .filter(([, o]) => o.outcome === 'skip')
      .map(([k]) => k),
    ['test_pager'],
  );
  assert.equal(r.status, 0, r.out);
});

/** nbformat saves multi-line strings as lists of lines. */
function str(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v);
}

function cell(id: string, source: string) {
  return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source };
}

interface Output {
  output_type: string;
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  execution_count?: number;
}

test(
  'nbclient runs a notebook: execution counts, full bundles, live displays at their last state, errors; nbconvert shows them',
  { skip },
  () => {
    const sources = [
      "import { createCrossbar, createLedger, PRESETS } from 'cbram-lab';\nimport { display, live } from 'cbram-lab/kernel';\nconsole.log('hello from cbram-lab');",
      "const ledger = createLedger({ label: 'demo' });\nconst xbar = createCrossbar({ rows: 20, cols: 30, seed: 1, ledger });\nfor (let c = 0; c < 30; c++) xbar.pulseColumn(c, new Int8Array(20).fill(c % 5));\nxbar",
      "display(ledger);\ndisplay(PRESETS['cbram-subquantum']);",
      'const view = live(xbar);\nfor (let c = 0; c < 30; c++) {\n  xbar.pulseColumn(c, new Int8Array(20).fill(-2));\n  view.update();\n}',
      'ledger.toTable()',
      "throw new Error('expected failure')",
      "'still running'",
      'xbar.counters.resetPulses',
    ];
    const nb = {
      cells: sources.map((s, i) => cell(`c${i + 1}`, s)),
      metadata: {
        kernelspec: {
          name: 'cbram-lab',
          display_name: 'CBRAM Lab (TypeScript)',
          language: 'typescript',
        },
        language_info: { name: 'typescript' },
      },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const src = path.join(project.dir, 'demo.ipynb');
    const dst = path.join(project.dir, 'demo.out.ipynb');
    fs.writeFileSync(src, JSON.stringify(nb, null, 1));
    const r = python([path.join(ROOT, 'test', 'kernel', 'run_notebook.py'), src, dst, 'cbram-lab']);
    assert.equal(r.status, 0, r.out);
    const saved = JSON.parse(fs.readFileSync(dst, 'utf8')) as {
      cells: { execution_count: number | null; outputs: Output[] }[];
    };
    const cells = saved.cells;
    assert.deepEqual(
      cells.map((c) => c.execution_count),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(cells[0]!.outputs.length, 1);
    assert.equal(cells[0]!.outputs[0]!.name, 'stdout');
    assert.equal(str(cells[0]!.outputs[0]!.text), 'hello from cbram-lab\n');
    const full = (o: Output | undefined, mime: string) => {
      assert.ok(o?.data, JSON.stringify(o));
      assert.ok(mime in o.data!, `${mime} missing`);
      assert.ok(str(o.data!['text/plain']).length > 0);
      assert.match(str(o.data!['image/png']), /^iVBORw0KGgo/); // a PNG
      assert.equal(typeof o.data![mime], 'object'); // saved as JSON, not a string
    };
    full(
      cells[1]!.outputs.find((o) => o.output_type === 'execute_result'),
      CROSSBAR_MIME,
    );
    const shown = cells[2]!.outputs.filter((o) => o.output_type === 'display_data');
    full(shown[0], LEDGER_MIME);
    full(shown[1], DEVICE_MIME);
    // The live display was updated in place: one output, holding the final state.
    const liveOut = cells[3]!.outputs.filter((o) => o.output_type === 'display_data');
    assert.equal(liveOut.length, 1);
    full(liveOut[0], CROSSBAR_MIME);
    const resets = Number(str(cells[7]!.outputs[0]!.data!['text/plain']));
    assert.ok(resets > 0);
    assert.equal(
      (liveOut[0]!.data![CROSSBAR_MIME] as { counters: { resetPulses: number } }).counters
        .resetPulses,
      resets,
    );
    assert.match(str(cells[4]!.outputs[0]!.data!['text/html']), /<table>/);
    const err = cells[5]!.outputs[0]!;
    assert.equal(err.output_type, 'error');
    assert.equal(err.ename, 'Error');
    assert.equal(err.evalue, 'expected failure');
    assert.ok(
      err.traceback!.some((l) => l.includes('Cell In[6]:1:7')),
      err.traceback!.join('\n'),
    );
    assert.equal(str(cells[6]!.outputs[0]!.data!['text/plain']), "'still running'");

    // nbconvert shows the static fallbacks in HTML (four figures: crossbar, ledger, device, live crossbar).
    const html = python(['-m', 'nbconvert', '--to', 'html', '--output', 'demo', dst]);
    assert.equal(html.status, 0, html.out);
    const page = fs.readFileSync(path.join(project.dir, 'demo.html'), 'utf8');
    assert.equal((page.match(/<img src="data:image\/png;base64,/g) ?? []).length, 4);
    assert.match(page, /<table>/);
    assert.match(page, /expected failure/);
  },
);
