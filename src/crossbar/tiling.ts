/**
 * Tiling: a logical matrix larger than one physical array is split across arrays of a fixed size
 * (e.g. 512 × 1024 = 512 kbit). Each weight occupies `cellsPerWeight` adjacent cells in a row
 * (2 for a differential pair, b for b-bit digital storage).
 */
import { checkBudget, checkInt, checkOptions, fail } from '../core/validate';

/** One physical array's share of the logical matrix. */
export interface Tile {
  /** Tile index (row-major over the tile grid). */
  index: number;
  /** First logical row and column (weight coordinates) this tile holds. */
  row0: number;
  col0: number;
  /** Logical rows and columns (weights) it holds. */
  rows: number;
  cols: number;
  /** Physical cells used. */
  cellsUsed: number;
}

/** A tiling plan and its capacity use. */
export interface TilePlan {
  tileRows: number;
  tileCols: number;
  cellsPerWeight: number;
  tiles: Tile[];
  /** Weights stored. */
  weights: number;
  /** Cells used and provided. */
  cellsUsed: number;
  cellsTotal: number;
  /** cellsUsed / cellsTotal. */
  utilization: number;
}

/** Options for {@link planTiles}. */
export interface TileOptions {
  /** Physical rows per array (default 512). */
  tileRows?: number;
  /** Physical columns (cells) per array (default 1024). */
  tileCols?: number;
  /** Cells per weight (default 1). */
  cellsPerWeight?: number;
}

/**
 * Split a rows × cols weight matrix across physical arrays.
 *
 * @example
 * planTiles(398, 500, { cellsPerWeight: 2 }); // 397 inputs + bias row, 2-bit weights: 1 tile of 512 kbit, 76 % used
 */
export function planTiles(rows: number, cols: number, options: TileOptions = {}): TilePlan {
  return planTilesFor('planTiles', rows, cols, options);
}

/** Bytes counted against the memory budget for each tile of a plan (one small object). */
const TILE_BYTES = 128;

/** @internal {@link planTiles}, with errors naming the public function `fn` the caller used. */
export function planTilesFor(
  fn: string,
  rows: number,
  cols: number,
  options: TileOptions = {},
): TilePlan {
  checkOptions(fn, options, ['tileRows', 'tileCols', 'cellsPerWeight']);
  checkInt(fn, 'rows', rows, { min: 1 });
  checkInt(fn, 'cols', cols, { min: 1 });
  const tileRows = checkInt(fn, `options.tileRows`, options.tileRows ?? 512, { min: 1 });
  const tileCols = checkInt(fn, `options.tileCols`, options.tileCols ?? 1024, { min: 1 });
  const cpw = checkInt(fn, `options.cellsPerWeight`, options.cellsPerWeight ?? 1, {
    min: 1,
    max: tileCols,
  });
  const weightsPerTileRow = Math.floor(tileCols / cpw);
  const tileGrid = Math.ceil(rows / tileRows) * Math.ceil(cols / weightsPerTileRow);
  checkBudget(
    fn,
    'tiles (⌈rows / tileRows⌉ × ⌈cols / weights per tile row⌉)',
    tileGrid,
    TILE_BYTES,
    {
      unit: 'tiles',
      hint: 'lower rows or cols, or use larger tiles',
    },
  );
  const exact = `at most ${Number.MAX_SAFE_INTEGER} (cells are counted exactly)`;
  if (rows * cols * cpw > Number.MAX_SAFE_INTEGER)
    fail(fn, 'rows × cols × cellsPerWeight', rows * cols * cpw, exact);
  if (tileGrid * tileRows * tileCols > Number.MAX_SAFE_INTEGER)
    fail(fn, 'tiles × tileRows × tileCols', tileGrid * tileRows * tileCols, exact);
  const tiles: Tile[] = [];
  for (let r0 = 0; r0 < rows; r0 += tileRows) {
    for (let c0 = 0; c0 < cols; c0 += weightsPerTileRow) {
      const tr = Math.min(tileRows, rows - r0);
      const tc = Math.min(weightsPerTileRow, cols - c0);
      tiles.push({
        index: tiles.length,
        row0: r0,
        col0: c0,
        rows: tr,
        cols: tc,
        cellsUsed: tr * tc * cpw,
      });
    }
  }
  const cellsUsed = rows * cols * cpw;
  const cellsTotal = tiles.length * tileRows * tileCols;
  return {
    tileRows,
    tileCols,
    cellsPerWeight: cpw,
    tiles,
    weights: rows * cols,
    cellsUsed,
    cellsTotal,
    utilization: cellsUsed / cellsTotal,
  };
}
