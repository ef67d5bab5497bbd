import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calleeAt, onIdentifier } from '../../kernel/signature';

/** The callee text for the cursor at the end of `code`. */
function callee(code: string): string | null {
  const p = calleeAt(code, code.length);
  return p === null ? null : code.slice(0, p + 1);
}

test('calleeAt: the innermost call whose argument list holds the cursor, closed or not', () => {
  assert.equal(callee('createCrossbar('), 'createCrossbar');
  assert.equal(callee('createCrossbar({ rows: 4, '), 'createCrossbar');
  assert.equal(callee('createCrossbar({ rows: 4,\n  '), 'createCrossbar');
  assert.equal(callee('a.b.c(1, f(2), '), 'a.b.c');
  assert.equal(callee('g(h(1), { a: [1, '), 'g');
  assert.equal(callee('g(h(1, '), 'g(h');
  assert.equal(callee('new Foo(x'), 'new Foo');
  assert.equal(callee('f(1)'), null, 'after the closing parenthesis');
  assert.equal(callee('f(1) '), null);
  assert.equal(callee('const x = 1'), null);
  assert.equal(callee("f('(', "), 'f', 'a parenthesis in a string is no call');
  // The cursor in the middle of a closed call.
  assert.equal(calleeAt('f(1, 2)', 4), 0);
  assert.equal(calleeAt('f(1, 2); g(3)', 11), 9);
});

test('onIdentifier: the cursor touches a name', () => {
  assert.equal(onIdentifier('Math.abs', 8), true);
  assert.equal(onIdentifier('f(', 2), false);
  assert.equal(onIdentifier('f({ rows: 4, ', 13), false);
});
