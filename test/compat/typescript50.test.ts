import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';

// tslab compiles notebook cells with TypeScript 5.0 and Node10 module resolution. The package's
// published declarations must type-check there; this compiles a long chain of real API calls.
test('the notebook-facing API type-checks with TypeScript 5.0 (tslab) and Node10 resolution', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript50') as typeof import('typescript');
  assert.match(ts.version, /^5\.0\./);
  const root = path.resolve(__dirname, '../../..');
  const fixture = path.join(root, 'test/compat/notebook-api.fixture.ts.txt');
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  const fileName = path.join(root, 'test/compat/notebook-cell.ts');
  host.readFile = (f) => (f === fileName ? readFile(fixture) : readFile(f));
  host.fileExists = (
    (orig) => (f: string) =>
      f === fileName || orig(f)
  )(host.fileExists.bind(host));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang) =>
    f === fileName ? ts.createSourceFile(f, readFile(fixture)!, lang) : getSourceFile(f, lang);
  const program = ts.createProgram(
    [fileName],
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      types: ['node'],
      typeRoots: [path.join(root, 'node_modules/@types')],
      baseUrl: root,
      paths: { 'cbram-lab': ['dist/src/index.d.ts'] },
      skipLibCheck: true,
    },
    host,
  );
  const diags = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diags, []);
  // And the check can fail: a wrong call is reported.
  const bad = ts.createProgram(
    [fileName],
    {
      noEmit: true,
      strict: true,
      baseUrl: root,
      paths: { 'cbram-lab': ['dist/src/index.d.ts'] },
      types: [],
    },
    {
      ...host,
      getSourceFile: (f, lang) =>
        f === fileName
          ? ts.createSourceFile(
              f,
              "import { createCrossbar } from 'cbram-lab'; createCrossbar({ rows: 'x' });",
              lang,
            )
          : getSourceFile(f, lang),
    },
  );
  assert.ok(ts.getPreEmitDiagnostics(bad).length > 0);
});
