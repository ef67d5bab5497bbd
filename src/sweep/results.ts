/**
 * A sweep's results folder, shared by every backend (worker threads, Slurm array tasks):
 *
 *     DIR/spec.json               the spec (a rerun with another spec is refused)
 *     DIR/rows/00003.json         one JSON line per finished trial, written atomically
 *     DIR/checkpoints/00003.ckpt  the training state of an unfinished trial
 *     DIR/results.csv             every finished row, in trial order
 *
 * One file per trial means concurrent writers (threads, or tasks on several cluster nodes over a
 * shared file system) never touch the same file, and a row exists only once it is complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as aq from 'arquero';
import { preflightDir, writeFileDurable } from '../core/durable';
import { CbramError } from '../core/errors';
import { EVENT_KINDS, EVENT_PHASES } from '../energy/events';
import type { ParamValue } from './params';
import { defineSweep, type Sweep } from './spec';

/** One finished trial. */
export interface TrialRow {
  /** Trial index in the sweep. */
  trial: number;
  /** The varied parameters. */
  params: Record<string, ParamValue>;
  seed: number;
  /** Deterministic results: the same for a spec and trial on any machine, backend or worker count. */
  metrics: Record<string, number | null>;
  /** Training images per second (train trials), measured: not deterministic. */
  images_per_s: number | null;
  /** Wall-clock seconds of the trial over all its processes: not deterministic. */
  wall_s: number;
  /** Which process finished the trial (not deterministic): for audits and rerun checks. */
  run: { id: string; host: string; pid: number; finished: string; resumed: boolean };
}

/** The metric columns of train trials, in CSV order. */
export const TRAIN_METRICS: readonly string[] = Object.freeze([
  'accuracy',
  'energy_J',
  'set_pulses',
  'reset_pulses',
  'frozen_fraction',
  'mean_spikes',
  ...EVENT_KINDS.map((k) => `energy_${k}_J`),
  ...EVENT_PHASES.map((p) => `energy_${p}_J`),
]);

/** The metric columns of pulseResponse trials, in CSV order. */
export const PULSE_METRICS: readonly string[] = Object.freeze([
  'g_high_mean_S',
  'g_high_std_S',
  'g_low_mean_S',
  'g_low_std_S',
  'on_off_ratio',
  'range_fraction',
  'set_half_pulses',
  'reset_half_pulses',
  'energy_J',
  'energy_set_J',
  'energy_reset_J',
  'set_pulses',
  'reset_pulses',
]);

/** Trial index as a file stem: 00003. */
export function trialStem(index: number): string {
  return String(index).padStart(5, '0');
}

/** DIR/rows/NNNNN.json. */
export function rowFile(dir: string, index: number): string {
  return path.join(dir, 'rows', `${trialStem(index)}.json`);
}

/** DIR/checkpoints/NNNNN.ckpt. */
export function checkpointFile(dir: string, index: number): string {
  return path.join(dir, 'checkpoints', `${trialStem(index)}.ckpt`);
}

/** JSON with object keys sorted: equal for equal values whatever the key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x === Infinity) return 'Infinity';
    if (x === -Infinity) return '-Infinity';
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = (x as Record<string, unknown>)[k];
      return o;
    }
    return x;
  });
}

/**
 * Prepare `dir` for a sweep: prove it writable and record the spec, or check that the spec it
 * already holds is the same (then the run resumes). Throws E_STATE for a different spec.
 *
 * @example
 * openSweepDir('results/sweeps/c2c', sweep);
 */
export function openSweepDir(dir: string, sweep: Sweep, fn = 'runSweep'): void {
  preflightDir(dir, fn);
  const file = path.join(dir, 'spec.json');
  if (fs.existsSync(file)) {
    const held = readSpec(dir, fn);
    if (canonicalJson(held) !== canonicalJson(sweep.spec))
      throw new CbramError(
        'E_STATE',
        `${fn}: ${dir} holds another sweep (its spec.json differs from this spec); choose another output folder, or delete it to start over`,
        { fn, param: 'out', value: dir },
      );
    return;
  }
  writeFileDurable(file, JSON.stringify(sweep.spec, null, 2) + '\n', fn);
}

function readSpec(dir: string, fn: string): unknown {
  const file = path.join(dir, 'spec.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CbramError(
      'E_IO',
      `${fn}: cannot read ${file} (${(e as Error).message}); is ${dir} a sweep results folder?`,
      { fn, param: 'dir', value: dir },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CbramError('E_DATA', `${fn}: ${file} is not valid JSON: ${(e as Error).message}`, {
      fn,
      param: 'dir',
      value: dir,
    });
  }
}

/**
 * The sweep recorded in a results folder.
 *
 * @example
 * const sweep = loadSweepDir('results/sweeps/c2c');
 */
export function loadSweepDir(dir: string, fn = 'loadSweepDir'): Sweep {
  return defineSweep(readSpec(dir, fn));
}

/** The finished row of trial `index` in `dir`, or null. Throws E_DATA for a damaged file. */
export function readRow(dir: string, index: number): TrialRow | null {
  const file = rowFile(dir, index);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const row = JSON.parse(text) as TrialRow;
    if (row.trial !== index) throw new Error(`it holds trial ${String(row.trial)}`);
    return row;
  } catch (e) {
    throw new CbramError(
      'E_DATA',
      `readRow: ${file} is damaged (${(e as Error).message}); delete it to rerun trial ${index}`,
      { fn: 'readRow', param: 'file', value: file },
    );
  }
}

/** Write a finished trial's row atomically. */
export function writeRow(dir: string, row: TrialRow): void {
  writeFileDurable(rowFile(dir, row.trial), JSON.stringify(row) + '\n', 'writeRow');
}

/** Indices of the finished trials in `dir` (those with a row file), ascending. */
export function finishedTrials(dir: string, sweep: Sweep): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dir, 'rows'));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const m = /^(\d+)\.json$/.exec(n);
    if (m && Number(m[1]) < sweep.trials) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** Every finished row in `dir`, in trial order. */
export function readRows(dir: string, sweep: Sweep): TrialRow[] {
  return finishedTrials(dir, sweep).map((i) => readRow(dir, i)!);
}

/** The CSV and table columns of a sweep: varied parameters, seed, metrics, timing, trial. */
export function sweepColumns(sweep: Sweep): string[] {
  return [
    ...sweep.varied,
    'seed',
    ...(sweep.kind === 'train' ? TRAIN_METRICS : PULSE_METRICS),
    ...(sweep.kind === 'train' ? ['images_per_s'] : []),
    'wall_s',
    'trial',
  ];
}

function cell(row: TrialRow, col: string): unknown {
  if (col in row.params) return row.params[col];
  if (col === 'seed' || col === 'trial' || col === 'wall_s' || col === 'images_per_s')
    return row[col];
  return row.metrics[col] ?? null;
}

function tableValue(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
}

/**
 * Rows as an arquero table, one column per varied parameter, then seed, metrics and timing.
 *
 * @example
 * rowsToTable(sweep, rows).groupby('device.c2cStd').rollup({ acc: aq.op.mean('accuracy') });
 */
export function rowsToTable(sweep: Sweep, rows: readonly TrialRow[]): aq.ColumnTable {
  const data: Record<string, unknown[]> = {};
  for (const c of sweepColumns(sweep)) data[c] = rows.map((r) => tableValue(cell(r, c)));
  return aq.table(data);
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header row; numbers in their shortest exact form. */
export function rowsToCsv(sweep: Sweep, rows: readonly TrialRow[]): string {
  const cols = sweepColumns(sweep);
  const lines = [cols.map(csvField).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvField(cell(r, c))).join(','));
  return lines.join('\n') + '\n';
}

/**
 * Merge the finished rows of a results folder into DIR/results.csv and a table.
 *
 * @example
 * const { table, missing } = collectSweep('results/sweeps/c2c');
 */
export function collectSweep(dir: string): {
  sweep: Sweep;
  rows: TrialRow[];
  table: aq.ColumnTable;
  missing: number[];
  csv: string;
} {
  const sweep = loadSweepDir(dir, 'collectSweep');
  const rows = readRows(dir, sweep);
  const csv = path.join(dir, 'results.csv');
  writeFileDurable(csv, rowsToCsv(sweep, rows), 'collectSweep');
  const done = new Set(rows.map((r) => r.trial));
  const missing: number[] = [];
  for (let i = 0; i < sweep.trials; i++) if (!done.has(i)) missing.push(i);
  return { sweep, rows, table: rowsToTable(sweep, rows), missing, csv };
}
