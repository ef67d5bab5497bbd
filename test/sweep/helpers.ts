/** Shared by the sweep tests. */
import type { ErrorCode } from '../../src/core/errors';
import { defineSweep } from '../../src/sweep/spec';
import { assertCbramError } from '../helpers';

/** Assert that `defineSweep(spec)` refuses the spec with `code` and a message matching `message`. */
export function refused(spec: unknown, message: RegExp, code: ErrorCode = 'E_ARG'): void {
  assertCbramError(() => defineSweep(spec), code, message);
}
