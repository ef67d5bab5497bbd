/**
 * The energy ledger: counts and joules of every event, by kind and phase.
 *
 * State is two Float64Arrays of kinds × phases cells (kind-major: cell = kind · 4 + phase). The hot
 * path, {@link EnergyLedger.record}, is called once per batch of pulses; it allocates nothing and
 * only checks that the numbers are non-negative and finite. Sums are plain double-precision
 * additions: a run of 10⁷ records loses at most about 10⁻⁹ of the total to rounding.
 */
import { table, type ColumnTable } from 'arquero';
import { CbramError } from '../core/errors';
import { checkBoolean, checkOneOf, checkOptions, fail } from '../core/validate';
import {
  EVENT_KINDS,
  EVENT_PHASES,
  KIND_INDEX,
  N_KINDS,
  N_PHASES,
  PHASE_INDEX,
  type EventKind,
  type EventPhase,
} from './events';
import { formatSI } from './format-si';
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../display/protocol';

/** Number of cells in a ledger (kinds × phases). */
const N_CELLS = N_KINDS * N_PHASES;

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** A name shown by `toString()`, e.g. `"CBRAM"` or `"von Neumann, DRAM"` (default none). */
  label?: string;
}

/** Options of {@link EnergyLedger.breakdown} and {@link EnergyLedger.toTable}. */
export interface BreakdownOptions {
  /** Include every kind × phase cell, even empty ones (default false). */
  includeEmpty?: boolean;
}

/** An event count and its energy, J. */
export interface EnergyTotals {
  /** Number of events. */
  count: number;
  /** Energy, J. */
  joules: number;
}

/** One kind × phase cell of a ledger. */
export interface EnergyRow extends EnergyTotals {
  kind: EventKind;
  phase: EventPhase;
}

/** The serialised ledger, version 1. Arrays are kind-major: index = kind · 4 + phase. */
export interface EnergyLedgerJSON {
  version: 1;
  /** Event counts, one per kind × phase cell, in {@link EVENT_KINDS} × {@link EVENT_PHASES} order. */
  counts: number[];
  /** Energies, J, in the same order. */
  joules: number[];
  /** The ledger's label, when it has one. */
  label?: string;
}

const LEDGER_OPTIONS = ['label'] as const;
const BREAKDOWN_OPTIONS = ['includeEmpty'] as const;

function checkLabel(fn: string, label: unknown): string | undefined {
  if (label !== undefined && typeof label !== 'string')
    fail(fn, 'options.label', label, 'a string');
  return label;
}

/** Validate an optional kind filter; returns its index, or -1 for "all". */
function kindFilter(fn: string, kind: unknown): number {
  if (kind === undefined) return -1;
  const k = typeof kind === 'string' ? KIND_INDEX[kind] : undefined;
  if (k === undefined) checkOneOf(fn, 'kind', kind, EVENT_KINDS); // throws
  return k!;
}

/** Validate an optional phase filter; returns its index, or -1 for "all". */
function phaseFilter(fn: string, phase: unknown): number {
  if (phase === undefined) return -1;
  const p = typeof phase === 'string' ? PHASE_INDEX[phase] : undefined;
  if (p === undefined) checkOneOf(fn, 'phase', phase, EVENT_PHASES); // throws
  return p!;
}

function sumCells(a: Float64Array, k: number, p: number): number {
  let s = 0;
  for (let i = 0; i < N_KINDS; i++) {
    if (k >= 0 && i !== k) continue;
    for (let j = 0; j < N_PHASES; j++) {
      if (p >= 0 && j !== p) continue;
      s += a[i * N_PHASES + j]!;
    }
  }
  return s;
}

function dataError(param: string, value: unknown, allowed: string): never {
  fail('EnergyLedger.fromJSON', param, value, allowed, 'E_DATA');
}

function readCells(json: Record<string, unknown>, name: 'counts' | 'joules'): Float64Array {
  const a = json[name];
  if (!Array.isArray(a) || a.length !== N_CELLS)
    dataError(
      `json.${name}`,
      a,
      `an array of ${N_CELLS} numbers (${N_KINDS} kinds × ${N_PHASES} phases)`,
    );
  const out = new Float64Array(N_CELLS);
  for (let i = 0; i < N_CELLS; i++) {
    const x: unknown = a[i];
    if (typeof x !== 'number' || !(x >= 0) || x === Infinity)
      dataError(`json.${name}[${i}]`, x, 'a finite number >= 0');
    out[i] = x;
  }
  return out;
}

/**
 * Counts and energies of events by kind and phase. Mutating methods (`record`, `merge`, `reset`)
 * change the ledger in place and return it, so calls chain.
 *
 * Counts may be fractional (e.g. expected counts); energies are in joules.
 *
 * @example
 * const ledger = createLedger({ label: 'CBRAM' });
 * ledger.record('set', 'train', 120, 120 * 0.25e-12);
 * ledger.record('read', 'test', 398, 398 * 0.01e-12);
 * ledger.joules('set'); // 3e-11
 * console.log(String(ledger));
 */
export class EnergyLedger {
  /** A name shown by `toString()`, or undefined. */
  label: string | undefined;
  private readonly _counts = new Float64Array(N_CELLS);
  private readonly _joules = new Float64Array(N_CELLS);

  /**
   * An empty ledger. Same as {@link createLedger}.
   *
   * @example
   * const ledger = new EnergyLedger({ label: 'CBRAM' });
   */
  constructor(options?: LedgerOptions) {
    checkOptions('createLedger', options, LEDGER_OPTIONS);
    this.label = checkLabel('createLedger', options?.label);
  }

  /**
   * Add `count` events of `kind` in `phase` that used `joules` in all. Allocation-free; call it
   * once per batch of pulses.
   *
   * @example
   * // 50 SET pulses at 0.25 pJ each during training
   * ledger.record('set', 'train', 50, 50 * 0.25e-12);
   */
  record(kind: EventKind, phase: EventPhase, count: number, joules: number): this {
    // typeof first: a key that is not a string (an object, a symbol) must not reach the lookup.
    const k = typeof kind === 'string' ? KIND_INDEX[kind] : undefined;
    const p = typeof phase === 'string' ? PHASE_INDEX[phase] : undefined;
    if (k === undefined) checkOneOf('EnergyLedger.record', 'kind', kind, EVENT_KINDS);
    if (p === undefined) checkOneOf('EnergyLedger.record', 'phase', phase, EVENT_PHASES);
    // `x >= 0` rejects NaN and negatives; `x <= MAX_VALUE` rejects Infinity.
    if (typeof count !== 'number' || !(count >= 0 && count <= Number.MAX_VALUE))
      fail('EnergyLedger.record', 'count', count, 'a finite number >= 0');
    if (typeof joules !== 'number' || !(joules >= 0 && joules <= Number.MAX_VALUE))
      fail('EnergyLedger.record', 'joules', joules, 'a finite number >= 0 (J)');
    const i = k! * N_PHASES + p!;
    this._counts[i] += count;
    this._joules[i] += joules;
    return this;
  }

  /**
   * Number of events, optionally only of one kind and/or one phase (undefined = all).
   *
   * @example
   * ledger.count(); // every event
   * ledger.count('set', 'train'); // SET pulses during training
   * ledger.count(undefined, 'test'); // every event during test
   */
  count(kind?: EventKind, phase?: EventPhase): number {
    const k = kindFilter('EnergyLedger.count', kind);
    const p = phaseFilter('EnergyLedger.count', phase);
    return sumCells(this._counts, k, p);
  }

  /**
   * Energy, J, optionally only of one kind and/or one phase (undefined = all).
   *
   * @example
   * ledger.joules(); // total energy
   * ledger.joules('reset'); // all RESET pulses, every phase
   */
  joules(kind?: EventKind, phase?: EventPhase): number {
    const k = kindFilter('EnergyLedger.joules', kind);
    const p = phaseFilter('EnergyLedger.joules', phase);
    return sumCells(this._joules, k, p);
  }

  /**
   * Total count and energy.
   *
   * @example
   * const { count, joules } = ledger.totals();
   */
  totals(): EnergyTotals {
    return { count: sumCells(this._counts, -1, -1), joules: sumCells(this._joules, -1, -1) };
  }

  /**
   * Count and energy per kind (every kind present, zeros included).
   *
   * @example
   * ledger.byKind().set.joules; // energy of all SET pulses
   */
  byKind(): Record<EventKind, EnergyTotals> {
    const out = {} as Record<EventKind, EnergyTotals>;
    EVENT_KINDS.forEach((kind, k) => {
      out[kind] = { count: sumCells(this._counts, k, -1), joules: sumCells(this._joules, k, -1) };
    });
    return out;
  }

  /**
   * Count and energy per phase (every phase present, zeros included).
   *
   * @example
   * ledger.byPhase().train.joules; // training energy
   */
  byPhase(): Record<EventPhase, EnergyTotals> {
    const out = {} as Record<EventPhase, EnergyTotals>;
    EVENT_PHASES.forEach((phase, p) => {
      out[phase] = { count: sumCells(this._counts, -1, p), joules: sumCells(this._joules, -1, p) };
    });
    return out;
  }

  /**
   * One row per kind × phase cell that holds events or energy (count > 0 or joules > 0), in
   * {@link EVENT_KINDS} × {@link EVENT_PHASES} order. `includeEmpty: true` returns all cells.
   *
   * @example
   * for (const { kind, phase, count, joules } of ledger.breakdown()) console.log(kind, phase, count, joules);
   */
  breakdown(options?: BreakdownOptions): EnergyRow[] {
    checkOptions('EnergyLedger.breakdown', options, BREAKDOWN_OPTIONS);
    const { includeEmpty = false } = options ?? {};
    checkBoolean('EnergyLedger.breakdown', 'options.includeEmpty', includeEmpty);
    return this.rows(includeEmpty);
  }

  private rows(includeEmpty: boolean): EnergyRow[] {
    const rows: EnergyRow[] = [];
    for (let k = 0; k < N_KINDS; k++) {
      for (let p = 0; p < N_PHASES; p++) {
        const i = k * N_PHASES + p;
        const count = this._counts[i]!;
        const joules = this._joules[i]!;
        if (includeEmpty || count > 0 || joules > 0)
          rows.push({ kind: EVENT_KINDS[k]!, phase: EVENT_PHASES[p]!, count, joules });
      }
    }
    return rows;
  }

  /**
   * The breakdown as an arquero table with columns `kind`, `phase`, `count`, `joules` (J).
   *
   * @example
   * import { op } from 'arquero';
   * ledger.toTable().groupby('phase').rollup({ joules: op.sum('joules') }).print();
   */
  toTable(options?: BreakdownOptions): ColumnTable {
    checkOptions('EnergyLedger.toTable', options, BREAKDOWN_OPTIONS);
    const { includeEmpty = false } = options ?? {};
    checkBoolean('EnergyLedger.toTable', 'options.includeEmpty', includeEmpty);
    const rows = this.rows(includeEmpty);
    return table({
      kind: rows.map((r) => r.kind),
      phase: rows.map((r) => r.phase),
      count: rows.map((r) => r.count),
      joules: rows.map((r) => r.joules),
    });
  }

  /**
   * Add every count and energy of `other` into this ledger (in place; `other` is unchanged).
   *
   * @example
   * const total = createLedger().merge(epoch1).merge(epoch2);
   */
  merge(other: EnergyLedger): this {
    if (!(other instanceof EnergyLedger))
      fail('EnergyLedger.merge', 'other', other, 'an EnergyLedger');
    for (let i = 0; i < N_CELLS; i++) {
      this._counts[i] += other._counts[i]!;
      this._joules[i] += other._joules[i]!;
    }
    return this;
  }

  /**
   * Zero every count and energy (in place). The label stays.
   *
   * @example
   * ledger.reset().count(); // 0
   */
  reset(): this {
    this._counts.fill(0);
    this._joules.fill(0);
    return this;
  }

  /**
   * An independent copy, label included.
   *
   * @example
   * const before = ledger.clone();
   */
  clone(): EnergyLedger {
    const c = new EnergyLedger(this.label === undefined ? undefined : { label: this.label });
    c._counts.set(this._counts);
    c._joules.set(this._joules);
    return c;
  }

  /**
   * The rich display in Deno's Jupyter kernel (and any kernel using `Symbol.for('Jupyter.display')`):
   * text, the CBRAM payload and a PNG figure, as the CBRAM Lab kernel shows a ledger.
   *
   * @example
   * trainer.ledger; // as a cell's value in `deno jupyter`: the stacked energy bars
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    return displayBundle(this);
  }

  /**
   * The serialised ledger, version 1 (JSON-safe). `JSON.stringify(ledger)` uses it.
   *
   * @example
   * const saved = JSON.stringify(ledger);
   * const again = EnergyLedger.fromJSON(JSON.parse(saved));
   */
  toJSON(): EnergyLedgerJSON {
    const json: EnergyLedgerJSON = {
      version: 1,
      counts: Array.from(this._counts),
      joules: Array.from(this._joules),
    };
    if (this.label !== undefined) json.label = this.label;
    return json;
  }

  /**
   * Rebuild a ledger from {@link EnergyLedger.toJSON}'s output (an object or its JSON text).
   * Malformed input throws E_DATA; an unknown `version` throws E_CHECKSUM.
   *
   * @example
   * const ledger = EnergyLedger.fromJSON(fs.readFileSync('energy.json', 'utf8'));
   */
  static fromJSON(json: EnergyLedgerJSON | string): EnergyLedger {
    let data: unknown = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json);
      } catch (e) {
        throw new CbramError(
          'E_DATA',
          `EnergyLedger.fromJSON: json must be valid JSON text, got a parse error (${(e as Error).message})`,
          { fn: 'EnergyLedger.fromJSON', param: 'json', value: json },
        );
      }
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      dataError('json', data, 'an object from EnergyLedger.toJSON()');
    const obj = data as Record<string, unknown>;
    if (typeof obj.version !== 'number') dataError('json.version', obj.version, '1');
    if (obj.version !== 1)
      fail(
        'EnergyLedger.fromJSON',
        'json.version',
        obj.version,
        '1 (the only version this release reads)',
        'E_CHECKSUM',
      );
    for (const key of Object.keys(obj)) {
      if (!['version', 'counts', 'joules', 'label'].includes(key))
        dataError(`json.${key}`, obj[key], 'absent (known fields: version, counts, joules, label)');
    }
    if (obj.label !== undefined && typeof obj.label !== 'string')
      dataError('json.label', obj.label, 'a string');
    const counts = readCells(obj, 'counts');
    const joules = readCells(obj, 'joules');
    const ledger = new EnergyLedger(
      obj.label === undefined ? undefined : { label: obj.label as string },
    );
    ledger._counts.set(counts);
    ledger._joules.set(joules);
    return ledger;
  }

  /**
   * A text summary: one line per kind with events, total energy and energy per phase, with SI
   * prefixes.
   *
   * @example
   * console.log(ledger.toString());
   * // EnergyLedger "CBRAM": 518 events, 34 pJ
   * //   kind   count   joules  train  label     test  prune
   * //   set      120    30 pJ  30 pJ      -        -      -
   * //   read     398  3.98 pJ      -      -  3.98 pJ      -
   * //   total    518    34 pJ  30 pJ      -  3.98 pJ      -
   */
  toString(): string {
    const head = `EnergyLedger${this.label !== undefined ? ` ${JSON.stringify(this.label)}` : ''}`;
    const { count, joules } = this.totals();
    if (count === 0 && joules === 0) return `${head}: empty`;
    const fmtCount = (n: number): string =>
      Number.isInteger(n) ? n.toLocaleString('en-US') : String(Number(n.toPrecision(3)));
    const fmtJ = (j: number): string => (j === 0 ? '-' : formatSI(j, 'J'));
    const lines: string[][] = [['kind', 'count', 'joules', ...EVENT_PHASES]];
    const byKind = this.byKind();
    for (let k = 0; k < N_KINDS; k++) {
      const kind = EVENT_KINDS[k]!;
      const t = byKind[kind];
      if (t.count === 0 && t.joules === 0) continue;
      const phases = EVENT_PHASES.map((_, p) => fmtJ(this._joules[k * N_PHASES + p]!));
      lines.push([kind, fmtCount(t.count), fmtJ(t.joules), ...phases]);
    }
    const byPhase = this.byPhase();
    lines.push([
      'total',
      fmtCount(count),
      fmtJ(joules),
      ...EVENT_PHASES.map((p) => fmtJ(byPhase[p].joules)),
    ]);
    const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
    const body = lines.map(
      (l) =>
        '  ' +
        l
          .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
          .join('  '),
    );
    return [`${head}: ${fmtCount(count)} events, ${formatSI(joules, 'J')}`, ...body].join('\n');
  }
}

/**
 * An empty {@link EnergyLedger}.
 *
 * @example
 * const ledger = createLedger({ label: 'CBRAM' });
 * ledger.record('spike', 'train', 1, 0);
 */
export function createLedger(options?: LedgerOptions): EnergyLedger {
  return new EnergyLedger(options);
}
