/**
 * Runs cells with tslab's converter (TypeScript → JavaScript, completion, quick info) and
 * executor (cell state, top-level await, SIGINT), and turns what happens into values and error
 * content instead of console output.
 *
 * tslab's executor takes its converters and its console as arguments. The runner passes:
 * - converters that record each conversion (for diagnostics and source mapping) and end the
 *   emitted JavaScript with `//# sourceURL=cbram-cell-<n>.ts`, so stack frames name the cell;
 * - a console whose `log` receives the cell's last value (tslab prints it) and whose `error`
 *   receives what the cell threw.
 *
 * Compiling, completion, quick info and error formatting run with the original built-ins
 * (./builtins.ts), so a cell that replaces `JSON.stringify` or an Array method cannot break the
 * compilation of later cells.
 */
import { inspect } from 'node:util';
import { withOriginals } from './builtins';
import { expandShorthand } from './shorthand';
import { calleeAt, onIdentifier } from './signature';
import type { ConvertResult, Converter, Diagnostic } from 'tslab/dist/converter';
import type { Executor } from 'tslab/dist/executor';
import {
  CellRegistry,
  cellFile,
  formatDiagnostics,
  formatError,
  type ErrorContent,
} from './traceback';

/** How a cell ended. */
export type RunOutcome =
  | { status: 'ok'; hasValue: boolean; value: unknown }
  | { status: 'error'; error: ErrorContent; interrupted: boolean };

/** Messages tslab's executor uses for interrupted code. */
const INTERRUPTED = /^Interrupted asynchronously$|^Script execution was interrupted/;

interface Current {
  seq: number;
  /** Interrupted before it started. */
  cancelled: boolean;
  /** Declarations after this cell, from its conversion. */
  declOutput: string | null;
  label: string;
  diagnostics: Diagnostic[] | null;
  moduleDiagnostics: Diagnostic[];
  hasValue: boolean;
  value: unknown;
  threw: boolean;
  thrown: unknown;
}

function interruptedOutcome(): RunOutcome {
  return {
    status: 'error',
    interrupted: true,
    error: {
      ename: 'Interrupted',
      evalue: 'the cell was interrupted',
      traceback: ['Interrupted: the cell was interrupted (SIGINT or interrupt_request)'],
    },
  };
}

/** Cell execution on top of tslab. Create with {@link createRunner}. */
export class CellRunner {
  readonly cells = new CellRegistry();
  private current: Current | null = null;
  /**
   * Declarations of a cell that compiled but failed while running. tslab forgets them (its
   * executor keeps the declarations of the last successful cell), but the values defined before
   * the error exist, so later cells are compiled against them, as IPython keeps names defined
   * before an exception.
   */
  private failedDecl: string | null = null;
  /** An interrupt arrived before the running cell was compiled. */
  private cancelRequested = false;
  private readonly executor: Executor;

  /** @internal Use {@link createRunner}. */
  constructor(
    private readonly tslab: TslabModules,
    rootDir: string,
    private readonly writeStderr: (text: string) => void,
  ) {
    let node: Converter | null = null;
    let browser: Converter | null = null;
    const { createConverter } = tslab.converter;
    const wrap = (real: Converter): Converter => this.wrapConverter(real);
    const set = {
      get node(): Converter {
        node ??= wrap(createConverter({ isJS: false, isBrowser: false }));
        return node;
      },
      get browser(): Converter {
        browser ??= wrap(createConverter({ isJS: false, isBrowser: true }));
        return browser;
      },
      close(): void {
        node?.close();
        browser?.close();
      },
    };
    // Creating the Node converter builds the first TypeScript program (about a second): do it
    // now, at kernel start, not in the first cell.
    void set.node;
    this.executor = tslab.executor.createExecutor(rootDir, set, {
      log: (value: unknown) => {
        if (this.current) {
          this.current.hasValue = true;
          this.current.value = value;
        }
      },
      error: (first: unknown, ...rest: unknown[]) => {
        // tslab prints diagnostics as ("%s%d:%d - %s", …); the runner reads them structured.
        if (first === '%s%d:%d - %s' && rest.length === 4) return;
        if (this.current) {
          this.current.threw = true;
          this.current.thrown = first;
        } else this.writeStderr(`${inspect(first)}\n`);
      },
    });
  }

  private wrapConverter(real: Converter): Converter {
    return {
      convert: (prevDecl: string, src: string): ConvertResult => {
        const cur = this.current;
        if (cur && this.cancelRequested) {
          // Interrupted while compiling: do not start the cell (tslab runs it right after this).
          cur.cancelled = true;
          return { diagnostics: [] as Diagnostic[] };
        }
        const r = withOriginals(() =>
          real.convert(this.failedDecl ?? prevDecl, expandShorthand(src)),
        );
        if (cur) {
          cur.declOutput = r.declOutput ?? null;
          if (r.diagnostics.length > 0) cur.diagnostics = r.diagnostics;
          if (r.output) {
            const file = cellFile(cur.seq);
            r.output = `${r.output}\n//# sourceURL=${file}\n`;
            this.cells.add({ file, label: cur.label, source: src, output: r.output });
          }
        }
        return r;
      },
      inspect: (prevDecl, src, position) =>
        withOriginals(() => real.inspect(this.failedDecl ?? prevDecl, src, position)),
      complete: (prevDecl, src, position) =>
        withOriginals(() => real.complete(this.failedDecl ?? prevDecl, src, position)),
      addModule: (name, content, meta) => {
        const d = withOriginals(() => real.addModule(name, content, meta));
        this.current?.moduleDiagnostics.push(...d);
        return d;
      },
      close: () => real.close(),
    };
  }

  /**
   * Run one cell. `seq` numbers the script (unique per run); `label` names it in tracebacks.
   *
   * @example
   * const r = await runner.run('6 * 7', 1, 'Cell In[1]'); // { status: 'ok', hasValue: true, value: 42 }
   */
  async run(code: string, seq: number, label: string): Promise<RunOutcome> {
    const cur: Current = {
      seq,
      cancelled: false,
      declOutput: null,
      label,
      diagnostics: null,
      moduleDiagnostics: [],
      hasValue: false,
      value: undefined,
      threw: false,
      thrown: undefined,
    };
    this.current = cur;
    this.cancelRequested = false;
    let ok: boolean;
    try {
      ok = await this.executor.execute(code);
    } catch (e) {
      // tslab itself failed (not the cell).
      ok = false;
      cur.threw = true;
      cur.thrown = e;
    } finally {
      this.current = null;
      this.cancelRequested = false;
    }
    return withOriginals(() => this.outcome(cur, code, label, ok));
  }

  private outcome(cur: Current, code: string, label: string, ok: boolean): RunOutcome {
    if (cur.moduleDiagnostics.length > 0) {
      const e = formatDiagnostics(cur.moduleDiagnostics, label, code);
      this.writeStderr(`${e.traceback.join('\n')}\n`);
    }
    if (cur.cancelled) return interruptedOutcome();
    if (ok) {
      this.failedDecl = null;
      return { status: 'ok', hasValue: cur.hasValue, value: cur.value };
    }
    if (!cur.diagnostics && cur.declOutput !== null) this.failedDecl = cur.declOutput;
    if (cur.diagnostics) {
      return {
        status: 'error',
        error: formatDiagnostics(cur.diagnostics, label, code),
        interrupted: false,
      };
    }
    const thrown = cur.thrown;
    if (thrown instanceof Error && INTERRUPTED.test(thrown.message)) return interruptedOutcome();
    return { status: 'error', error: formatError(thrown, this.cells), interrupted: false };
  }

  /** Completions at a UTF-16 offset. */
  complete(code: string, pos: number): { start: number; end: number; matches: string[] } {
    const info = withOriginals(() => this.executor.complete(code, pos));
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  /**
   * Quick info (type and docs) at a UTF-16 offset, or null. On a name, that name; elsewhere in a
   * call's argument list (`createCrossbar(|`, `f({ rows: 4, |`), the function being called.
   */
  inspect(code: string, pos: number): string | null {
    return withOriginals(() => {
      const at = (p: number) => {
        const info = this.executor.inspect(code, p);
        return info ? this.tslab.inspect.printQuickInfo(info) : null;
      };
      const here = onIdentifier(code, pos) ? at(pos) : null;
      if (here) return here;
      const callee = calleeAt(code, pos);
      return callee !== null ? at(callee) : at(pos);
    });
  }

  /** Is the code complete, or does it need more lines (with this indent)? */
  isComplete(code: string): { complete: boolean; indent: string } {
    const r = withOriginals(() => this.tslab.converter.isCompleteCode(code));
    return { complete: r.completed, indent: r.indent ?? '' };
  }

  /**
   * Interrupt the running cell: if it has not started yet, it will not; if it is awaiting, the
   * await is rejected (tslab's asynchronous interrupt). Synchronous code is stopped by SIGINT
   * itself (tslab runs cells with breakOnSigint).
   */
  interrupt(): void {
    if (this.current) this.cancelRequested = true;
    this.executor.interrupt();
  }

  close(): void {
    this.executor.close();
  }
}

/** The tslab modules the runner uses. */
export interface TslabModules {
  converter: typeof import('tslab/dist/converter');
  executor: typeof import('tslab/dist/executor');
  inspect: typeof import('tslab/dist/inspect');
}

/**
 * Load tslab (and its TypeScript, about 0.2 s) and build a runner whose cells resolve imports
 * from `rootDir` (the notebook's directory).
 *
 * @example
 * const runner = await createRunner(process.cwd(), (t) => process.stderr.write(t));
 */
export async function createRunner(
  rootDir: string,
  writeStderr: (text: string) => void,
): Promise<CellRunner> {
  const [converter, executor, inspectMod] = await Promise.all([
    import('tslab/dist/converter'),
    import('tslab/dist/executor'),
    import('tslab/dist/inspect'),
  ]);
  return new CellRunner({ converter, executor, inspect: inspectMod }, rootDir, writeStderr);
}
