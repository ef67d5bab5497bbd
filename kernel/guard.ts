/**
 * `process.exit`, `process.reallyExit` and `process.abort` disabled while the kernel runs.
 *
 * Cells share the kernel's process: `process.exit(1)` in a cell (or in a library it calls) would
 * end the kernel, drop every variable and, with ZeroMQ sockets open, abort in native code. The
 * guard replaces the three functions with ones that throw a CbramError, so the cell ends with an
 * error output and the kernel stays. The kernel itself exits through the originals, which the
 * guard's restore function puts back (shutdown does).
 */
import { CbramError } from '../src/core/errors';
import { safeText } from './traceback';

type Exiting = 'exit' | 'reallyExit' | 'abort';

const HELP =
  'it would end the kernel and lose every variable; to stop, use Kernel > Shut Down ' +
  '(or Restart) in the front end';

/**
 * Replace process.exit, process.reallyExit and process.abort with functions that throw; returns
 * a function that puts the originals back.
 *
 * @example
 * const restore = guardProcessExit();
 * try { process.exit(1); } catch (e) { console.log((e as Error).message); } // process.exit is disabled …
 * restore();
 */
export function guardProcessExit(): () => void {
  const proc = process as unknown as Record<Exiting, unknown>;
  const saved: [Exiting, unknown][] = [];
  for (const name of ['exit', 'reallyExit', 'abort'] as const) {
    if (typeof proc[name] !== 'function') continue;
    saved.push([name, proc[name]]);
    proc[name] = function disabled(code?: unknown): never {
      throw new CbramError(
        'E_STATE',
        `process.${name} is disabled inside a cell: ${HELP}${
          name === 'abort' ? '' : ` (the exit code was ${safeText(code ?? 0)})`
        }`,
        { fn: `process.${name}`, param: 'code', value: code },
      );
    };
  }
  return () => {
    for (const [name, fn] of saved) proc[name] = fn;
  };
}
