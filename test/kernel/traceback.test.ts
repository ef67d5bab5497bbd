import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  CellRegistry,
  alignLines,
  cellFile,
  formatDiagnostics,
  formatError,
  libraryPath,
  mapPosition,
} from '../../kernel/traceback';

// A cell and the JavaScript tslab 1.0.22 emits for it (recorded from its converter).
const SOURCE = `import { createCrossbar } from 'cbram-lab';
interface P { a: number }
const x: number = 40 + 2;
type Q = string;
function f(p: P): number {
  if (p.a > 3) {
    throw new Error('boom ' + p.a);
  }
  return p.a;
}
const xb = createCrossbar({ rows: 2, cols: 3 });
console.log(x,
  xb.rows);
f({ a: x })`;

const OUTPUT = `Object.defineProperty(exports, "__esModule", { value: true });
exports.xb = exports.x = exports.createCrossbar = exports.f = exports.tsLastExpr = void 0;
const cbram_lab_1 = require("cbram-lab");
Object.defineProperty(exports, "createCrossbar", { enumerable: true, get: function () { return cbram_lab_1.createCrossbar; } });
const x = 40 + 2;
exports.x = x;
function f(p) {
    if (p.a > 3) {
        throw new Error('boom ' + p.a);
    }
    return p.a;
}
exports.f = f;
const xb = (0, cbram_lab_1.createCrossbar)({ rows: 2, cols: 3 });
exports.xb = xb;
console.log(x, xb.rows);
exports.tsLastExpr = f({ a: x });
`;

test('emitted lines align with the cell lines they came from (types erased, lines joined, preamble added)', () => {
  const map = alignLines(SOURCE, OUTPUT);
  const at = (outLine: number) => map[outLine - 1]! + 1; // 1-based both sides
  assert.equal(at(5), 3); // const x
  assert.equal(at(7), 5); // function f
  assert.equal(at(9), 7); // throw
  assert.equal(at(11), 9); // return
  assert.equal(at(14), 11); // const xb
  assert.equal(at(16), 12); // console.log(x, xb.rows) was two lines
  assert.equal(at(17), 14); // the last expression
  assert.equal(at(13), 10); // exports.f = f; belongs to the function before it
  assert.equal(map[0], -1); // the CommonJS preamble is no cell line
});

test('positions map to the token under the column', () => {
  const cell = { file: cellFile(1), label: 'Cell In[1]', source: SOURCE, output: OUTPUT };
  assert.deepEqual(mapPosition(cell, 9, 15), { line: 7, column: 11 }); // `new` of `throw new Error`
  assert.equal(mapPosition(cell, 1, 1), null);
  assert.equal(mapPosition(cell, 99, 1), null);
});

test('formatError rewrites cell frames, hides the kernel and Node internals, and shows the line', () => {
  const cells = new CellRegistry();
  cells.add({ file: cellFile(3), label: 'Cell In[3]', source: SOURCE, output: OUTPUT });
  const e = new Error('boom 42');
  e.stack = [
    'Error: boom 42',
    '    at f (cbram-cell-3.ts:9:15)',
    '    at cbram-cell-3.ts:17:22',
    '    at cbram-cell-3.ts:19:3',
    '    at Script.runInThisContext (node:vm:137:12)',
    '    at Object.execute (/x/node_modules/tslab/dist/executor.js:161:38)',
    '    at g (cbram-cell-9.ts:2:1)',
  ].join('\n');
  const r = formatError(e, cells);
  assert.equal(r.ename, 'Error');
  assert.equal(r.evalue, 'boom 42');
  assert.deepEqual(r.traceback.slice(0, 4), [
    'Error: boom 42',
    '    at f (Cell In[3]:7:11)',
    '    at Cell In[3]:14:1',
    '    at g ((an earlier cell):2:1)',
  ]);
  const text = r.traceback.join('\n');
  assert.match(
    text,
    /Cell In\[3\], line 7:\n.*\n.*\n> 7 \| {5}throw new Error\('boom ' \+ p\.a\);\n\s+\| {11}\^/,
  );
  assert.doesNotMatch(text, /node:vm|tslab/);
});

test('formatError: codes, causes and non-Error values', () => {
  const cells = new CellRegistry();
  const e = Object.assign(new Error('rows must be a positive integer, got -3'), { code: 'E_ARG' });
  e.name = 'CbramError';
  e.stack = 'CbramError: rows must be a positive integer, got -3';
  (e as { cause?: unknown }).cause = new TypeError('inner');
  const r = formatError(e, cells);
  assert.equal(r.ename, 'CbramError');
  assert.equal(r.traceback[0], 'CbramError [E_ARG]: rows must be a positive integer, got -3');
  assert.ok(r.traceback.includes('Caused by:'));
  assert.deepEqual(formatError('plain', cells), {
    ename: 'Uncaught',
    evalue: "'plain'",
    traceback: ["Uncaught 'plain'"],
  });
});

test('formatDiagnostics names the cell line and underlines the span', () => {
  const r = formatDiagnostics(
    [
      {
        start: { line: 0, character: 6 },
        end: { line: 0, character: 7 },
        messageText: "Type 'number' is not assignable to type 'string'.",
        code: 2322,
      },
    ],
    'Cell In[5]',
    'const s: string = 1;',
  );
  assert.equal(r.ename, 'CompileError');
  assert.equal(
    r.evalue,
    "Cell In[5], line 1: Type 'number' is not assignable to type 'string'. (TS2322)",
  );
  assert.deepEqual(r.traceback.slice(0, 3), [
    "Cell In[5]:1:7 - error TS2322: Type 'number' is not assignable to type 'string'.",
    '> 1 | const s: string = 1;',
    '    |       ^',
  ]);
});

test('the cell registry keeps the most recent cells', () => {
  const reg = new CellRegistry(2);
  for (const n of [1, 2, 3]) reg.add({ file: cellFile(n), label: `c${n}`, source: '', output: '' });
  assert.equal(reg.get(cellFile(1)), undefined);
  assert.equal(reg.get(cellFile(3))?.label, 'c3');
});

test('library frames: relative to their package, each run folded into the frame the cell called', () => {
  const cells = new CellRegistry();
  cells.add({ file: cellFile(3), label: 'Cell In[3]', source: SOURCE, output: OUTPUT });
  const root = path.resolve(__dirname, '..', '..', '..');
  const e = new Error('createTrainer: options.outputs must be an integer >= 1, got 0');
  e.stack = [
    `Error: ${e.message}`,
    `    at fail (${root}/dist/src/core/validate.js:40:11)`,
    `    at checkInt (${root}/dist/src/core/validate.js:88:5)`,
    `    at createTrainer (${root}/dist/src/learning/trainer.js:480:20)`,
    '    at cbram-cell-3.ts:14:35',
    '    at run (/home/me/project/node_modules/arquero/dist/a.js:1:2)',
    '    at cbram-cell-3.ts:17:22',
  ].join('\n');
  const old = process.env.CBRAM_TRACEBACK;
  try {
    delete process.env.CBRAM_TRACEBACK;
    const folded = formatError(e, cells).traceback;
    assert.deepEqual(folded.slice(1, 5), [
      '    at createTrainer (cbram-lab/dist/src/learning/trainer.js:480:20) and 2 frames inside cbram-lab',
      '    at Cell In[3]:11:12',
      '    at run (arquero/dist/a.js:1:2)',
      '    at Cell In[3]:14:1',
    ]);
    assert.ok(
      folded.includes("(2 library frames folded; process.env.CBRAM_TRACEBACK = 'full' shows them)"),
    );
    assert.ok(!folded.join('\n').includes(root), 'no absolute path of the machine');
    process.env.CBRAM_TRACEBACK = 'full';
    const full = formatError(e, cells).traceback;
    assert.deepEqual(full.slice(1, 4), [
      '    at fail (cbram-lab/dist/src/core/validate.js:40:11)',
      '    at checkInt (cbram-lab/dist/src/core/validate.js:88:5)',
      '    at createTrainer (cbram-lab/dist/src/learning/trainer.js:480:20)',
    ]);
    assert.ok(!full.some((l) => l.includes('folded')));
  } finally {
    if (old === undefined) delete process.env.CBRAM_TRACEBACK;
    else process.env.CBRAM_TRACEBACK = old;
  }
});

test('libraryPath: this package wherever it is installed, other packages by name, own files not', () => {
  assert.deepEqual(libraryPath('/p/node_modules/cbram-lab/dist/src/index.js'), {
    pkg: 'cbram-lab',
    path: 'cbram-lab/dist/src/index.js',
  });
  assert.deepEqual(libraryPath('/p/node_modules/@scope/x/lib/a.js'), {
    pkg: '@scope/x',
    path: '@scope/x/lib/a.js',
  });
  assert.equal(libraryPath('/home/me/project/lib/helper.js'), null);
});
