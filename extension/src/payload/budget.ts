/**
 * The renderer's budget: the largest sizes it accepts from a payload, and the largest figure it
 * builds. Every size, and every product of sizes that decides an allocation (a map's cells, the
 * receptive-field grid, the points of all curves together), is checked against these numbers
 * before anything is allocated, so a small hostile payload cannot make the page allocate
 * gigabytes. Exceeding one is a {@link PayloadError} that names the field, the value and the
 * limit, e.g. `map.receptiveFields: 1,024 fields of 1,024 × 1,024 pixels make a grid of
 * 1,075,774,401 cells; the renderer draws at most 2,097,152 grid cells (limit FIELD_GRID_CELLS)`.
 *
 * The values leave ample room for the largest payloads the kernel sends (kernel/display/*.ts):
 * the paper's 397 × 500 map with 500 receptive fields of 28 × 28, a 1024 × 1024 crossbar, a
 * training dashboard whose history the kernel thins to under 512 points, device curves of a few
 * cycles of at most 2,000 pulses per train. docs/reliability.md has the table with the reasons.
 */
import { PayloadError } from './check';

/** The limits, by name (the name is what an error message shows). */
export const BUDGET = {
  /** Characters of a payload given as a JSON string (256 Mi; a 4096 × 4096 map is ~135 M). */
  JSON_CHARS: 1 << 28,
  /** Rows or columns of a map, training inputs and outputs, neurons of a raster (65,536). */
  SIDE: 1 << 16,
  /** Cells of one map, rows × cols (16 Mi, a 4096 × 4096 map; a 1024 × 1024 crossbar is 1 Mi). */
  MAP_CELLS: 1 << 24,
  /** Elements of one encoded array, the product of its shape (16 Mi). */
  ARRAY_ELEMENTS: 1 << 24,
  /** Dimensions of an encoded array's shape. */
  ARRAY_DIMS: 8,
  /** Width or height of one receptive-field image (1,024; MNIST's is 28). */
  FIELD_SIDE: 1 << 10,
  /**
   * Cells of the receptive-field grid: fields laid out about square, each width × height with a
   * one-pixel gap (2 Mi; 500 fields of 28 × 28 make 424,242, 1,024 fields of 32 × 32 make 1.1 M).
   */
  FIELD_GRID_CELLS: 1 << 21,
  /** Cells a map heatmap holds; larger maps are drawn as block means (1 Mi; default 512 × 512). */
  DRAWN_CELLS: 1 << 20,
  /** SET and RESET trains of a device payload (1,024; the default display has 4). */
  TRAINS: 1 << 10,
  /** Series of a plot (64). */
  SERIES: 64,
  /** Points of all curves of one payload: device trains, or plot series (2 Mi). */
  POINTS: 1 << 21,
  /** Points of a training history, per quantity (65,536; the kernel keeps fewer than 512). */
  HISTORY_POINTS: 1 << 16,
  /** Panels of a raster (16). */
  PANELS: 16,
  /** Spikes of all panels of a raster, or of a dashboard's last image (1 Mi). */
  SPIKES: 1 << 20,
  /** Ledgers compared in one energy chart (256). */
  LEDGERS: 256,
  /** Event kinds, and phases, of an energy chart (64 each). */
  LEDGER_KINDS: 64,
  LEDGER_PHASES: 64,
  /** Cells of all ledgers of an energy chart, ledgers × kinds × phases (65,536). */
  LEDGER_CELLS: 1 << 16,
  /** Reference lines of a plot (32). */
  REFERENCES: 32,
  /**
   * Values (numbers and labels) in the traces of one built figure, checked before it is built
   * (8 Mi). The limits above keep every payload under it; this is the last line of defence.
   */
  FIGURE_VALUES: 1 << 23,
} as const;

/** The name of a limit in {@link BUDGET}. */
export type Limit = keyof typeof BUDGET;

/** What each limit counts, as the error message says it. */
const UNITS: Record<Limit, string> = {
  JSON_CHARS: 'characters of JSON',
  SIDE: 'per side',
  MAP_CELLS: 'map cells',
  ARRAY_ELEMENTS: 'elements per array',
  ARRAY_DIMS: 'dimensions',
  FIELD_SIDE: 'pixels per side of a receptive field',
  FIELD_GRID_CELLS: 'grid cells',
  DRAWN_CELLS: 'drawn cells per map',
  TRAINS: 'trains',
  SERIES: 'series',
  POINTS: 'points per payload',
  HISTORY_POINTS: 'history points',
  PANELS: 'panels',
  SPIKES: 'spikes per payload',
  LEDGERS: 'ledgers',
  LEDGER_KINDS: 'kinds',
  LEDGER_PHASES: 'phases',
  LEDGER_CELLS: 'ledger cells',
  REFERENCES: 'reference lines',
  FIGURE_VALUES: 'values per figure',
};

/** A count for messages: thousands separators for integers, plain `String` otherwise. */
export function fmt(v: number): string {
  return Number.isSafeInteger(v) ? v.toLocaleString('en-US') : String(v);
}

/**
 * Throw the budget error for `path`: `subject` says what was found (e.g. `70,000 points`).
 *
 * @example
 * overBudget('history.energy', '70,000 points', 'HISTORY_POINTS');
 * // PayloadError: history.energy: 70,000 points; the renderer draws at most 65,536 history points (limit HISTORY_POINTS)
 */
export function overBudget(path: string, subject: string, limit: Limit): never {
  throw new PayloadError(
    `${path}: ${subject}; the renderer draws at most ${fmt(BUDGET[limit])} ${UNITS[limit]} (limit ${limit})`,
  );
}

/**
 * Check `value` against a limit; `subject` describes the value for the message (default: the
 * value itself). NaN fails too.
 *
 * @example
 * withinBudget('map', 65536 * 65536, 'MAP_CELLS', '65,536 × 65,536 is 4,294,967,296 cells'); // throws
 */
export function withinBudget(
  path: string,
  value: number,
  limit: Limit,
  subject = fmt(value),
): void {
  if (!(value <= BUDGET[limit])) overBudget(path, subject, limit);
}

/**
 * A running total checked against a limit as parts are added, before each part is allocated.
 *
 * @example
 * const spikes = new Tally('SPIKES', 'spikes');
 * spikes.add('panels[0].neuron', 1000); // fine
 */
export class Tally {
  private total = 0;
  constructor(
    readonly limit: Limit,
    readonly unit: string,
  ) {}

  /** Add `n` at `path`; throws when the total passes the limit. */
  add(path: string, n: number): void {
    this.total += n;
    withinBudget(path, this.total, this.limit, `${fmt(this.total)} ${this.unit} up to here`);
  }
}

/**
 * The receptive-field grid for `fields` images of `width` × `height`: `columns` × `rows` images,
 * about square, with one-pixel gaps; `W` × `H` cells in all.
 *
 * @example
 * fieldGridSize(500, 28, 28); // { columns: 23, rows: 22, W: 666, H: 637 }
 */
export function fieldGridSize(
  fields: number,
  width: number,
  height: number,
): { columns: number; rows: number; W: number; H: number } {
  const columns = Math.ceil(Math.sqrt(fields));
  const rows = Math.ceil(fields / columns);
  return { columns, rows, W: columns * (width + 1) - 1, H: rows * (height + 1) - 1 };
}
