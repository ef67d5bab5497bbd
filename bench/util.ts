/** Shared benchmark plumbing: timed loops and the result row format. */

/** One benchmark figure. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

/**
 * Run `body` (which does `work` units per call) repeatedly for about `seconds` of wall time after
 * a warm-up, and return units per second.
 */
export function rate(body: () => void, work: number, seconds = 1): number {
  const warm = performance.now();
  while (performance.now() - warm < 150) body();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    body();
    n++;
    t = performance.now();
  }
  return (n * work) / ((t - t0) / 1000);
}

/** The shortest of `passes` timed calls of `body`, after one untimed call, in ms. */
export function bestTime(body: () => void, passes = 5): number {
  body();
  let t = Infinity;
  for (let r = 0; r < passes; r++) {
    const t0 = performance.now();
    body();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** Print rows as an aligned table. */
export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const v =
      r.value >= 1e6
        ? `${(r.value / 1e6).toFixed(1)} M`
        : r.value >= 1e4
          ? `${(r.value / 1e3).toFixed(1)} k`
          : r.value.toFixed(r.value < 10 ? 2 : 0);
    console.log(`  ${r.name.padEnd(w)}  ${v.padStart(10)} ${r.unit}`);
  }
}
