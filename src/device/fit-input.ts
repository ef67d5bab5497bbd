/**
 * The input side of {@link fitDevice}: CSV text, an arquero table or column arrays → validated
 * typed columns (one row per pulse), with errors that name the column and the row.
 */
import { fromCSV } from 'arquero';
import { CbramError } from '../core/errors';
import { checkBudget, fail, nearestName } from '../core/validate';

/** The public function the fit's errors name. */
export const FN = 'fitDevice';

/** An E_DATA error of {@link fitDevice}. */
export function dataError(param: string, message: string, value?: unknown): never {
  throw new CbramError('E_DATA', `${FN}: ${message}`, { fn: FN, param, value });
}

export interface Rows {
  n: number;
  pulse: Float64Array;
  g: Float64Array;
  up: Uint8Array;
  /** Device index into `devices`. */
  dev: Int32Array;
  devices: string[];
  cycle: string[];
}

/** Bytes the fit allocates per row of data (typed columns, steps and residuals of every candidate). */
export const FIT_ROW_BYTES = 256;

export const REQUIRED = ['pulse', 'conductance', 'direction'] as const;
export const OPTIONAL = ['cycle', 'device'] as const;

export interface TableLike {
  columnNames(): string[];
  array(name: string): ArrayLike<unknown>;
}

export function isTable(v: unknown): v is TableLike {
  return typeof (v as TableLike | null)?.columnNames === 'function';
}

export function columnsOf(data: unknown): Map<string, ArrayLike<unknown>> {
  if (typeof data === 'string') {
    if (!data.trim())
      dataError('data', 'data is empty: expected CSV text with a header row and one row per pulse');
    try {
      data = fromCSV(data, { autoType: false });
    } catch (e) {
      dataError('data', `data is not readable CSV text (${(e as Error).message})`);
    }
  }
  const cols = new Map<string, ArrayLike<unknown>>();
  if (isTable(data)) {
    for (const name of data.columnNames()) cols.set(name.trim(), data.array(name));
    return cols;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data) || ArrayBuffer.isView(data))
    fail(FN, 'data', data, 'CSV text, an arquero table or an object of column arrays');
  for (const [name, col] of Object.entries(data)) {
    if (!(Array.isArray(col) || (ArrayBuffer.isView(col) && !(col instanceof DataView)))) {
      if (
        (REQUIRED as readonly string[]).includes(name) ||
        (OPTIONAL as readonly string[]).includes(name)
      )
        dataError(`data.${name}`, `column "${name}" must be an array, got ${typeof col}`, col);
      continue;
    }
    cols.set(name, col as ArrayLike<unknown>);
  }
  return cols;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

export function readRows(data: unknown): Rows {
  const cols = columnsOf(data);
  const found = [...cols.keys()];
  for (const name of REQUIRED) {
    if (!cols.has(name))
      dataError(
        `data.${name}`,
        `data has no "${name}" column (columns found: ${found.join(', ') || 'none'}); ` +
          'expected pulse, conductance, direction and optionally cycle, device',
      );
  }
  const n = cols.get('pulse')!.length;
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const len = cols.get(name)?.length;
    if (len !== undefined && len !== n)
      dataError(`data.${name}`, `column lengths differ: pulse has ${n} rows, ${name} has ${len}`);
  }
  if (n === 0) dataError('data', 'data has no rows (expected one row per pulse)', 0);
  checkBudget(FN, 'rows of data', n, FIT_ROW_BYTES, {
    unit: 'rows',
    hint: 'fit fewer pulses (e.g. fewer cycles or devices)',
  });
  const pulseCol = cols.get('pulse')!;
  const gCol = cols.get('conductance')!;
  const dirCol = cols.get('direction')!;
  const devCol = cols.get('device');
  const cycleCol = cols.get('cycle');
  const rows: Rows = {
    n,
    pulse: new Float64Array(n),
    g: new Float64Array(n),
    up: new Uint8Array(n),
    dev: new Int32Array(n),
    devices: [],
    cycle: new Array<string>(n),
  };
  const devIndex = new Map<string, number>();
  const label = (col: ArrayLike<unknown> | undefined, name: string, i: number): string => {
    if (!col) return '0';
    const v = col[i];
    if ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim()))
      return String(v).trim();
    return fail(FN, `${name} in row ${i}`, v, 'a number or a non-empty label', 'E_DATA');
  };
  for (let i = 0; i < n; i++) {
    const p = toNumber(pulseCol[i]);
    if (!Number.isInteger(p) || p < 0)
      fail(FN, `pulse in row ${i}`, pulseCol[i], 'a non-negative integer', 'E_DATA');
    const g = toNumber(gCol[i]);
    if (!Number.isFinite(g))
      fail(FN, `conductance in row ${i}`, gCol[i], 'a finite number of siemens', 'E_DATA');
    if (g < 0) fail(FN, `conductance in row ${i}`, g, 'non-negative (siemens)', 'E_DATA');
    const raw = dirCol[i];
    const dir = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (dir !== 'set' && dir !== 'reset') {
      const hint =
        typeof raw === 'string' ? ` (did you mean "${nearestName(dir, ['set', 'reset'])}"?)` : '';
      fail(FN, `direction in row ${i}`, raw, `"set" or "reset"${hint}`, 'E_DATA');
    }
    const d = label(devCol, 'device', i);
    let k = devIndex.get(d);
    if (k === undefined) {
      k = rows.devices.length;
      devIndex.set(d, k);
      rows.devices.push(d);
    }
    rows.pulse[i] = p;
    rows.g[i] = g;
    rows.up[i] = dir === 'set' ? 1 : 0;
    rows.dev[i] = k;
    rows.cycle[i] = label(cycleCol, 'cycle', i);
  }
  return rows;
}
