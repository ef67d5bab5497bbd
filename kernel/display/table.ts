/**
 * arquero tables: an HTML table (the static form is the rich form) and an aligned text table.
 */

/** The part of an arquero ColumnTable this renderer uses. */
export interface TableLike {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  toHTML(options?: { limit?: number }): string;
  objects(options?: { limit?: number }): Record<string, unknown>[];
}

/** Is `x` an arquero table (by shape)? */
export function isTable(x: unknown): x is TableLike {
  const t = x as TableLike;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof t.toHTML === 'function' &&
    typeof t.numRows === 'function' &&
    typeof t.columnNames === 'function' &&
    typeof t.objects === 'function'
  );
}

function cell(v: unknown): string {
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Text and HTML of a table's first `limit` rows (default 50).
 *
 * @example
 * tableBundle(aq.table({ a: [1, 2] }))['text/html']; // '<table>…'
 */
export function tableBundle(t: TableLike, limit = 50): Record<string, string> {
  const n = t.numRows();
  const names = t.columnNames();
  const rows = t.objects({ limit }).map((r) => names.map((c) => cell(r[c])));
  const widths = names.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((x, k) => x.padStart(widths[k]!)).join('  ');
  const more = n > limit ? `… ${n - limit} more rows` : '';
  const head = `${n} rows × ${t.numCols()} columns`;
  return {
    'text/plain': [head, line(names), ...rows.map(line), ...(more ? [more] : [])].join('\n'),
    'text/html':
      `<div class="cbram-table">${t.toHTML({ limit })}` +
      `<p style="font-size:smaller;color:#666">${head}${more ? `, ${more}` : ''}</p></div>`,
  };
}
