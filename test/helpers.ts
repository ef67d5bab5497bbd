/** Small helpers shared by the tests. */
import assert from 'node:assert/strict';
import { CbramError, type ErrorCode } from '../src/core/errors';

/** Assert that `f` throws a CbramError with `code` and a message matching `message`. */
export function assertCbramError(f: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof CbramError, `expected a CbramError, got ${String(e)}`);
    assert.equal(e.code, code, `code of: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}

/** Mean and (population) standard deviation. */
export function meanStd(a: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(v / a.length) };
}
