/**
 * Run sizes for the notebooks: full (the default, what the committed outputs come from) or quick
 * (`CBRAM_QUICK=1`, small real-MNIST subsets, what CI runs). Every notebook takes its sizes and its
 * science floors from here, so the two modes differ only in these numbers.
 */
export const QUICK = process.env.CBRAM_QUICK === '1';

/** 'quick' or 'full'. */
export const MODE: 'quick' | 'full' = QUICK ? 'quick' : 'full';

/** Pick a value by mode. */
export function bySize<T>(quick: T, full: T): T {
  return QUICK ? quick : full;
}

/** A one-line banner for the top of a notebook's output. */
export function banner(what: string): string {
  return `${what}: ${MODE} mode${QUICK ? ' (CBRAM_QUICK=1: small subsets for CI)' : ' (set CBRAM_QUICK=1 for a quick run)'}`;
}

/** Fail the run with a clear message when a scientific check does not hold. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`science check failed (${MODE} mode): ${what}`);
  console.log(`✓ ${what}`);
}

/** A percentage with two decimals. */
export function pct(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)} %`;
}
