/**
 * Reading a sweep's rows: the spread over seeds of each configuration (mean, standard deviation
 * and a 95 % confidence interval), and the accuracy-against-energy Pareto front.
 */
import { fail } from '../core/validate';
import { canonicalJson, type TrialRow } from './results';
import type { ParamValue } from './params';

/** A configuration's metric over its seeds. */
export interface SeedSummary {
  /** The varied parameters (the seed excluded). */
  params: Record<string, ParamValue>;
  /** Seeds with a finished row. */
  seeds: number[];
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one seed. */
  std: number;
  /** Half-width of the 95 % confidence interval of the mean (Student's t); NaN for one seed. */
  ci95: number;
}

/** Two-sided 95 % Student t quantiles t(0.975, df) for df = 1..30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/**
 * t(0.975, df): the table for df <= 30, beyond it the Cornish-Fisher expansion around the normal
 * quantile (error below 1e-4 for df > 30).
 *
 * @example
 * studentT975(2); // 4.303
 */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) fail('studentT975', 'df', df, 'an integer >= 1');
  if (df <= 30) return T975[df - 1]!;
  const z = 1.959963985;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

function metricOf(row: TrialRow, metric: string): number {
  const v = row.metrics[metric];
  if (typeof v !== 'number')
    fail(
      'seedSummary',
      'metric',
      metric,
      `a metric of the rows (${Object.keys(row.metrics).join(', ')})`,
    );
  return v;
}

/**
 * Group rows by configuration (every varied parameter, not the seed) and summarise `metric` over
 * the seeds: mean, standard deviation and a 95 % confidence interval. Groups come in the order of
 * their first trial.
 *
 * @example
 * for (const s of seedSummary(rows, 'accuracy'))
 *   console.log(s.params, `${(s.mean * 100).toFixed(2)} ± ${(s.ci95 * 100).toFixed(2)} %`);
 */
export function seedSummary(rows: readonly TrialRow[], metric = 'accuracy'): SeedSummary[] {
  const groups = new Map<string, { params: Record<string, ParamValue>; rows: TrialRow[] }>();
  for (const r of [...rows].sort((a, b) => a.trial - b.trial)) {
    const key = canonicalJson(r.params);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { params: r.params, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()].map(({ params, rows: rs }) => {
    // Welford's running mean and variance.
    let mean = 0;
    let m2 = 0;
    rs.forEach((r, k) => {
      const x = metricOf(r, metric);
      const d = x - mean;
      mean += d / (k + 1);
      m2 += d * (x - mean);
    });
    const n = rs.length;
    const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    return {
      params,
      seeds: rs.map((r) => r.seed),
      n,
      mean,
      std,
      ci95: n > 1 ? (studentT975(n - 1) * std) / Math.sqrt(n) : NaN,
    };
  });
}

/**
 * The rows on the Pareto front of two metrics: no other row has at most the `x` (e.g. energy)
 * and at least the `y` (e.g. accuracy), one of them strictly. Returned by increasing `x`.
 *
 * @example
 * paretoFront(rows).map((r) => [r.metrics.energy_J, r.metrics.accuracy]);
 */
export function paretoFront(rows: readonly TrialRow[], x = 'energy_J', y = 'accuracy'): TrialRow[] {
  const pts = rows
    .filter((r) => typeof r.metrics[x] === 'number' && typeof r.metrics[y] === 'number')
    .sort(
      (a, b) => a.metrics[x]! - b.metrics[x]! || b.metrics[y]! - a.metrics[y]! || a.trial - b.trial,
    );
  const front: TrialRow[] = [];
  let best = -Infinity;
  for (const r of pts) {
    if (r.metrics[y]! > best) {
      front.push(r);
      best = r.metrics[y]!;
    }
  }
  return front;
}
