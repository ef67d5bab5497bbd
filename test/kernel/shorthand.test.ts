import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandShorthand } from '../../kernel/shorthand';

test('expandShorthand spells shorthand properties out and leaves everything else', () => {
  assert.equal(expandShorthand('const o = { a, b: 1, c };'), 'const o = { a: a, b: 1, c: c };');
  assert.equal(expandShorthand('f({ pixelIndex })'), 'f({ pixelIndex: pixelIndex })');
  assert.equal(expandShorthand('({ a = 1 } = o)'), '({ a: a = 1 } = o)');
  // Binding patterns, methods, spreads, strings and comments are not shorthand properties.
  for (const src of [
    'const { a, b } = o;',
    'const o = { f() { return 1; }, ...p };',
    "const s = '{ a }'; // { b }",
    'function g({ a }: { a: number }) { return a; }',
    'x + 1',
  ])
    assert.equal(expandShorthand(src), src);
  // Lines stay where they were.
  const src = 'const o = {\n  a,\n  b,\n};\no';
  assert.equal(expandShorthand(src).split('\n').length, src.split('\n').length);
});
