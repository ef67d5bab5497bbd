/** Test helper: how many values a built figure holds. */
import type { Figure } from '../../extension/src/figures';

/**
 * Values in the figure's traces: numbers and labels in arrays and typed arrays, nested arrays
 * (heatmap rows) counted through. The quantity the renderer's budget bounds.
 */
export function measure(f: Figure): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) n += (v as unknown as ArrayLike<number>).length;
    else if (Array.isArray(v)) {
      for (const x of v) {
        if (Array.isArray(x) || ArrayBuffer.isView(x)) walk(x);
        else n++;
      }
    } else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) walk(x);
  };
  for (const t of f.data) walk(t);
  return n;
}
