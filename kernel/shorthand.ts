/**
 * tslab rewrites a reference to a variable from an earlier cell, `x`, into `exports.x`, but not
 * inside a shorthand property: `{ x }` stays `{ x }` and throws a ReferenceError at run time.
 * Before conversion the kernel spells every shorthand property out, `{ x: x }`, which means the
 * same in JavaScript and which tslab does rewrite. Only columns move; lines stay, so tracebacks
 * still point at the cell's lines.
 */
import { createRequire } from 'node:module';

type TS = typeof import('typescript');
let ts: TS | null = null;

/** tslab's own TypeScript (the compiler that converts the cells). */
function typescript(): TS {
  if (!ts)
    ts = createRequire(require.resolve('tslab/package.json'))('@tslab/typescript-for-tslab') as TS;
  return ts;
}

/**
 * `src` with each shorthand property assignment `{ x }` written `{ x: x }` (also in
 * destructuring assignments, `({ x } = o)` → `({ x: x } = o)`, and with defaults).
 *
 * @example
 * expandShorthand('const o = { pixelIndex, n: 1 };'); // 'const o = { pixelIndex: pixelIndex, n: 1 };'
 */
export function expandShorthand(src: string): string {
  if (!src.includes('{')) return src;
  const t = typescript();
  const file = t.createSourceFile('cell.ts', src, t.ScriptTarget.Latest, false, t.ScriptKind.TS);
  const at: { pos: number; name: string }[] = [];
  const visit = (node: import('typescript').Node): void => {
    if (t.isShorthandPropertyAssignment(node))
      at.push({ pos: node.name.getEnd(), name: node.name.getText(file) });
    node.forEachChild(visit);
  };
  file.forEachChild(visit);
  if (at.length === 0) return src;
  let out = '';
  let last = 0;
  for (const { pos, name } of at.sort((a, b) => a.pos - b.pos)) {
    out += `${src.slice(last, pos)}: ${name}`;
    last = pos;
  }
  return out + src.slice(last);
}
