/**
 * Errors as Jupyter `error` content (ename, evalue, traceback), with positions mapped back to
 * the cells the user wrote.
 *
 * Each cell runs as a script named `cbram-cell-<n>.ts` (a `//# sourceURL` comment), so stack
 * frames say which cell they are in, also for functions defined in earlier cells. tslab's
 * converter emits JavaScript without a source map, so a JavaScript line is mapped to its
 * TypeScript line by aligning the two texts: lines are compared by their tokens (a weighted Dice
 * coefficient) and matched monotonically by dynamic programming, as in a diff. Emitted lines that
 * match nothing (CommonJS preamble, export assignments) map to the nearest matched line before
 * them. Type-only lines and joined lines are handled by the same alignment.
 *
 * Library frames are shown relative to their package (`cbram-lab/dist/src/…`, never an absolute
 * path of the machine), and each run of frames inside one library is folded into the frame the
 * caller called; `process.env.CBRAM_TRACEBACK = 'full'` shows them all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';

/** What the kernel keeps about a cell to map positions in it. */
export interface CellRecord {
  /** Script name, `cbram-cell-<seq>.ts`. */
  file: string;
  /** How tracebacks name it, e.g. `Cell In[3]`. */
  label: string;
  source: string;
  /** The JavaScript that ran. */
  output: string;
  /** Lazily built: emitted line → source line (0-based), −1 if unknown. */
  lineMap?: Int32Array;
}

/** Jupyter error content. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One TypeScript diagnostic (tslab's shape): zero-based line and character. */
export interface DiagnosticLike {
  start: { line: number; character: number };
  end: { line: number; character: number };
  messageText: string;
  code: number;
  category?: number;
  fileName?: string;
}

const CELL_FILE = /cbram-cell-(\d+)\.ts:(\d+):(\d+)/g;

/** The script name of cell number `seq`. */
export function cellFile(seq: number): string {
  return `cbram-cell-${seq}.ts`;
}

/** The last `capacity` cells run, by script name. */
export class CellRegistry {
  private readonly cells = new Map<string, CellRecord>();
  constructor(private readonly capacity = 500) {}

  add(cell: CellRecord): void {
    this.cells.set(cell.file, cell);
    if (this.cells.size > this.capacity) {
      const oldest = this.cells.keys().next().value as string;
      this.cells.delete(oldest);
    }
  }

  get(file: string): CellRecord | undefined {
    return this.cells.get(file);
  }
}

interface Token {
  text: string;
  col: number;
  weight: number;
}

const TOKEN =
  /[A-Za-z_$][\w$]*|\d[\w.]*|'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|`[^`\n]*`?|[^\s\w$]/g;

/** Tokens of one line, weighted: names and literals 1, punctuation ¼, emit artefacts 0. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  for (const m of line.matchAll(TOKEN)) {
    const text = m[0];
    let weight = /^[\w$'"`]/.test(text) ? 1 : 0.25;
    if (text === 'exports' || text === 'require' || /^\w+_\d+$/.test(text)) weight = 0;
    out.push({ text, col: m.index ?? 0, weight });
  }
  return out;
}

function bag(tokens: Token[]): { counts: Map<string, number>; total: number } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of tokens) {
    if (t.weight === 0) continue;
    counts.set(t.text, (counts.get(t.text) ?? 0) + t.weight);
    total += t.weight;
  }
  return { counts, total };
}

/** Weighted Dice similarity of two token bags, 0 to 1. */
function similarity(
  a: { counts: Map<string, number>; total: number },
  b: { counts: Map<string, number>; total: number },
): number {
  if (a.total === 0 || b.total === 0) return 0;
  let common = 0;
  for (const [k, w] of a.counts) {
    const v = b.counts.get(k);
    if (v !== undefined) common += Math.min(v, w);
  }
  return (2 * common) / (a.total + b.total);
}

/** Matches below this similarity are not trusted. */
const MIN_SIMILARITY = 0.34;

/**
 * For each line of `output` (emitted JavaScript), the line of `source` it came from (0-based),
 * or −1 before the first matched line.
 *
 * @example
 * alignLines('interface P {}\nconst x: number = f(1);', 'const x = f(1);'); // Int32Array [1]
 */
export function alignLines(source: string, output: string): Int32Array {
  const src = source.split('\n').map((l) => bag(tokenize(l)));
  const out = output.split('\n').map((l) => bag(tokenize(l)));
  const n = out.length;
  const m = src.length;
  const map = new Int32Array(n).fill(-1);
  if (n * m > 4_000_000) {
    // Too large to align cheaply: assume lines kept their order and spacing.
    for (let i = 0; i < n; i++) map[i] = Math.min(i, m - 1);
    return map;
  }
  // score[i][j]: best total similarity aligning out[0..i) with src[0..j).
  const w = m + 1;
  const score = new Float64Array((n + 1) * w);
  const sim = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const s = similarity(out[i]!, src[j]!);
      sim[i * m + j] = s >= MIN_SIMILARITY ? s : 0;
    }
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const s = sim[(i - 1) * m + (j - 1)]!;
      let best = Math.max(score[(i - 1) * w + j]!, score[i * w + j - 1]!);
      if (s > 0) best = Math.max(best, score[(i - 1) * w + j - 1]! + s);
      score[i * w + j] = best;
    }
  for (let i = n, j = m; i > 0 && j > 0;) {
    const s = sim[(i - 1) * m + (j - 1)]!;
    if (s > 0 && score[i * w + j] === score[(i - 1) * w + j - 1]! + s) {
      map[i - 1] = j - 1;
      i--;
      j--;
    } else if (score[i * w + j] === score[(i - 1) * w + j]) i--;
    else j--;
  }
  // Unmatched emitted lines belong to the statement of the matched line before them.
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (map[i]! >= 0) last = map[i]!;
    else map[i] = last;
  }
  return map;
}

/**
 * Map a 1-based position in a cell's emitted JavaScript to a 1-based position in its source, or
 * null if the line is outside the cell's code.
 */
export function mapPosition(
  cell: CellRecord,
  line: number,
  column: number,
): { line: number; column: number } | null {
  const outLines = cell.output.split('\n');
  if (line < 1 || line > outLines.length) return null;
  cell.lineMap ??= alignLines(cell.source, cell.output);
  const target = cell.lineMap[line - 1]!;
  if (target < 0) return null;
  const srcLine = cell.source.split('\n')[target] ?? '';
  // The column: find the token under the emitted column in the source line.
  const tok = tokenize(outLines[line - 1]!).find(
    (t) => column - 1 >= t.col && column - 1 < t.col + t.text.length && t.weight > 0,
  );
  let col = tok ? srcLine.indexOf(tok.text) : -1;
  if (col < 0) col = srcLine.length - srcLine.trimStart().length;
  return { line: target + 1, column: col + 1 };
}

/** This package's root folder (the kernel runs from `<root>/dist/kernel`), as loaded and real. */
const PACKAGE_ROOTS = (() => {
  const root = path.resolve(__dirname, '..', '..');
  let real = root;
  try {
    real = fs.realpathSync(root);
  } catch {
    // Keep the path as it is.
  }
  return [...new Set([root, real])].map((r) => r + path.sep);
})();

/**
 * A library file's path relative to its package, and the package: `cbram-lab/dist/src/…` for
 * this package (wherever it is installed), `<name>/…` for a file in `node_modules`; null for a
 * path that is in no package (the user's own files keep their paths).
 *
 * @example
 * libraryPath('/home/me/project/node_modules/cbram-lab/dist/src/core/validate.js');
 * // { pkg: 'cbram-lab', path: 'cbram-lab/dist/src/core/validate.js' }
 */
export function libraryPath(file: string): { pkg: string; path: string } | null {
  const nm = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)[/\\](.*)$/.exec(file);
  if (nm) {
    const pkg = nm[1]!.replace(/\\/g, '/');
    return { pkg, path: `${pkg}/${nm[2]!.replace(/\\/g, '/')}` };
  }
  for (const root of PACKAGE_ROOTS)
    if (file.startsWith(root))
      return { pkg: 'cbram-lab', path: `cbram-lab/${file.slice(root.length).replace(/\\/g, '/')}` };
  return null;
}

/** A stack frame of a library: its function, package and package-relative location. */
interface LibraryFrame {
  fn: string | null;
  pkg: string;
  where: string;
}

const FRAME = /^(\s+at )(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function libraryFrame(frame: string): LibraryFrame | null {
  const m = FRAME.exec(frame);
  if (!m) return null;
  const lib = libraryPath(m[3]!.replace(/^file:\/\//, ''));
  return lib ? { fn: m[2] ?? null, pkg: lib.pkg, where: `${lib.path}:${m[4]}:${m[5]}` } : null;
}

function showFrame(f: LibraryFrame): string {
  return f.fn ? `    at ${f.fn} (${f.where})` : `    at ${f.where}`;
}

/**
 * Fold each run of consecutive frames in one library into its outermost frame (the function the
 * caller called), noting how many frames inside it are folded. `full` shows every frame.
 */
function foldLibraries(frames: string[], full: boolean): { lines: string[]; folded: number } {
  const lines: string[] = [];
  let folded = 0;
  for (let i = 0; i < frames.length;) {
    const lib = libraryFrame(frames[i]!);
    if (!lib) {
      lines.push(frames[i++]!);
      continue;
    }
    const run: LibraryFrame[] = [lib];
    while (i + run.length < frames.length) {
      const next = libraryFrame(frames[i + run.length]!);
      if (!next || next.pkg !== lib.pkg) break;
      run.push(next);
    }
    i += run.length;
    if (full || run.length === 1) lines.push(...run.map(showFrame));
    else {
      const n = run.length - 1;
      lines.push(`${showFrame(run[n]!)} and ${n} frame${n === 1 ? '' : 's'} inside ${lib.pkg}`);
      folded += n;
    }
  }
  return { lines, folded };
}

/** Are library frames shown in full (`process.env.CBRAM_TRACEBACK = 'full'`)? */
function fullTracebacks(): boolean {
  return process.env.CBRAM_TRACEBACK === 'full';
}

/** Rewrite cell script positions in one stack line; null if the frame should be hidden. */
function rewriteFrame(frame: string, cells: CellRegistry): string | null {
  if (/\(node:|at node:|[/\\]tslab[/\\]dist[/\\]|[/\\]dist[/\\]kernel[/\\]/.test(frame))
    return null;
  let hide = false;
  const text = frame.replace(CELL_FILE, (all, seq: string, l: string, c: string) => {
    const cell = cells.get(cellFile(Number(seq)));
    if (!cell) return `(an earlier cell):${l}:${c}`;
    const pos = mapPosition(cell, Number(l), Number(c));
    if (!pos) {
      hide = true;
      return all;
    }
    return `${cell.label}:${pos.line}:${pos.column}`;
  });
  return hide ? null : text;
}

/** Source lines around `line` (1-based) with a marker and a caret under `column`. */
export function excerpt(source: string, line: number, column: number, width = 1): string[] {
  const lines = source.split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const pad = String(to).length;
  const out: string[] = [];
  for (let k = from; k <= to; k++) {
    out.push(`${k === line ? '>' : ' '} ${String(k).padStart(pad)} | ${lines[k - 1] ?? ''}`);
    if (k === line)
      out.push(`  ${' '.repeat(pad)} | ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`);
  }
  return out;
}

/**
 * Error content for a thrown value, with frames in cells mapped to cell lines and the kernel's
 * own frames removed. Never throws: a value that resists description (a Proxy whose traps throw,
 * a `message` or `stack` getter that throws, a hostile `Symbol.toPrimitive`) still gets content
 * that says so.
 *
 * @example
 * const { ename, evalue, traceback } = formatError(e, cells);
 */
export function formatError(err: unknown, cells: CellRegistry): ErrorContent {
  try {
    const c = describeError(err, cells, 0);
    if (
      typeof c.ename === 'string' &&
      typeof c.evalue === 'string' &&
      Array.isArray(c.traceback) &&
      c.traceback.every((l) => typeof l === 'string')
    )
      return c;
    throw new TypeError('the error has non-string fields');
  } catch (e) {
    let shown: string;
    try {
      shown = inspect(err, { depth: 1, customInspect: false, getters: false });
    } catch {
      shown = '(a value that cannot be inspected)';
    }
    let why: string;
    try {
      why = e instanceof Error ? e.message : inspect(e, { customInspect: false });
    } catch {
      why = 'unknown';
    }
    const evalue = `the cell threw a value that cannot be described (${why}): ${shown}`;
    return { ename: 'Uncaught', evalue, traceback: [`Uncaught ${evalue}`] };
  }
}

/** Text of a value for an error message; never throws. */
export function safeText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return inspect(value, { depth: 1, customInspect: false, getters: false });
  } catch {
    return '(a value that cannot be inspected)';
  }
}

function describeError(err: unknown, cells: CellRegistry, depth: number): ErrorContent {
  if (!(err instanceof Error)) {
    const evalue = inspect(err, { depth: 2 });
    return { ename: 'Uncaught', evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const name: unknown = err.name || err.constructor?.name || 'Error';
  const ename = typeof name === 'string' ? name : safeText(name);
  const code = (err as { code?: unknown }).code;
  const message: unknown = err.message;
  const evalue = typeof message === 'string' ? message : safeText(message);
  const head = `${ename}${typeof code === 'string' ? ` [${code}]` : ''}: ${evalue}`;
  const frames: string[] = [];
  let first: { cell: CellRecord; line: number; column: number } | null = null;
  for (const raw of String(err.stack ?? '').split('\n')) {
    if (!/^\s+at /.test(raw)) continue;
    const frame = rewriteFrame(raw, cells);
    if (frame === null) continue;
    frames.push(frame);
    if (!first) {
      const m = /cbram-cell-(\d+)\.ts:(\d+):(\d+)/.exec(raw);
      const cell = m ? cells.get(cellFile(Number(m[1]))) : undefined;
      const pos = cell && m ? mapPosition(cell, Number(m[2]), Number(m[3])) : null;
      if (cell && pos) first = { cell, ...pos };
    }
  }
  const { lines, folded } = foldLibraries(frames, fullTracebacks());
  const traceback = [head, ...lines];
  if (folded > 0)
    traceback.push(
      `(${folded} library frame${folded === 1 ? '' : 's'} folded; process.env.CBRAM_TRACEBACK = 'full' shows them)`,
    );
  if (first)
    traceback.push(
      '',
      `${first.cell.label}, line ${first.line}:`,
      ...excerpt(first.cell.source, first.line, first.column),
    );
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && depth < 8) {
    const c = describeError(cause, cells, depth + 1);
    traceback.push('', 'Caused by:', ...c.traceback);
  }
  return { ename, evalue, traceback };
}

/**
 * Error content for TypeScript diagnostics that stopped a cell from running.
 *
 * @example
 * formatDiagnostics([{ start: { line: 0, character: 6 }, end: { line: 0, character: 7 }, messageText: "Type 'number' is not assignable to type 'string'.", code: 2322 }], 'Cell In[1]', 'const s: string = 1;');
 */
export function formatDiagnostics(
  diagnostics: readonly DiagnosticLike[],
  label: string,
  source: string,
): ErrorContent {
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const where = d.fileName ?? label;
    const line = d.start.line + 1;
    const col = d.start.character + 1;
    traceback.push(`${where}:${line}:${col} - error TS${d.code}: ${d.messageText}`);
    if (!d.fileName) {
      const width =
        d.end.line === d.start.line ? Math.max(1, d.end.character - d.start.character) : 1;
      traceback.push(...excerpt(source, line, col, width), '');
    }
  }
  const d0 = diagnostics[0]!;
  const evalue = `${d0.fileName ?? label}, line ${d0.start.line + 1}: ${d0.messageText} (TS${d0.code})${
    diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ''
  }`;
  return { ename: 'CompileError', evalue, traceback };
}
