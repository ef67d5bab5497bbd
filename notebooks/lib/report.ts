/** Small helpers for the notebooks' tables. */
import {
  display,
  live,
  plot,
  type LiveDisplay,
  type PlotOptions,
  type PlotSeries,
} from 'cbram-lab/kernel';

/** Show a markdown table (renders on GitHub and in nbconvert). */
export function table(headers: string[], rows: (string | number)[][]): void {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  display.markdown([line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n'));
}

/** Mean and sample standard deviation. */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, std: xs.length > 1 ? Math.sqrt(v / (xs.length - 1)) : 0 };
}

/** A duration in seconds, for logs. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A chart that updates in place as points arrive (`live(plot(...))`), created at the first
 * update that has data: `plot` needs at least one point per series, so empty series are left out
 * until they have one.
 */
export function liveChart(
  series: () => PlotSeries[],
  options: PlotOptions,
): { update(): void; flush(): void } {
  let view: LiveDisplay<unknown> | null = null;
  return {
    update() {
      const s = series().filter((x) => x.x.length > 0);
      if (s.length === 0) return;
      const p = plot(s, options);
      if (view) view.update(p);
      else view = live(p);
    },
    flush() {
      view?.flush();
    },
  };
}
