/**
 * Signature help inside calls: with the cursor in an argument list (`createCrossbar(|` or
 * `createCrossbar({ rows: 4, |`), Jupyter's inspect request should describe the function being
 * called, as IPython does. TypeScript's quick info only describes the token under the cursor, so
 * the cell is parsed and the innermost call around the cursor gives the position to ask about:
 * the end of its callee (`createCrossbar`, `xbar.pulseColumn`, `new Foo`).
 */
import { createRequire } from 'node:module';

type TS = typeof import('typescript');

let cached: TS | null = null;

/** The TypeScript that tslab bundles (the one cells are compiled with). */
function typescript(): TS {
  cached ??= createRequire(require.resolve('tslab/package.json'))(
    '@tslab/typescript-for-tslab',
  ) as TS;
  return cached;
}

/**
 * The UTF-16 offset of the last character of the callee of the innermost call or `new`
 * expression whose argument list holds `pos`, or null when `pos` is in no argument list.
 *
 * @example
 * calleeAt('createCrossbar({ rows: 4, ', 26); // 13, the "r" at the end of createCrossbar
 */
export function calleeAt(code: string, cursor: number): number | null {
  const ts = typescript();
  // An unclosed call ends at its last token: step back over the blanks before the cursor.
  let pos = cursor;
  while (pos > 0 && /\s/.test(code[pos - 1]!)) pos--;
  const sf = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found: number | null = null;
  const visit = (node: import('typescript').Node): void => {
    // Only nodes that span the cursor can hold it (an unclosed call spans to the end).
    if (pos < node.getStart(sf) || pos > node.end) return;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const open = node.arguments.pos; // just after "("
      const closed = code[node.end - 1] === ')';
      if (pos >= open && (closed ? pos < node.end : pos <= node.end)) {
        const callee = node.expression;
        found = callee.end - 1;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Is the character before or at `pos` part of an identifier? */
export function onIdentifier(code: string, pos: number): boolean {
  const word = /[\w$]/;
  return word.test(code[pos] ?? '') || word.test(code[pos - 1] ?? '');
}
