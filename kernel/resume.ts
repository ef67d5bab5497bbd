/**
 * Resumable training cells. The documented cell builds its trainer and trains it in one go:
 *
 *     const t = createTrainer(train, { outputs: 100, epochs: 1, imagesPerEpoch: 5000 });
 *     await trainLive(t);
 *
 * Running that cell again after an interrupt makes a new, untrained trainer. So the kernel
 * remembers the last run that `trainLive` stopped on an interrupt; when the next `trainLive` gets
 * an untrained trainer with the same data and the same configuration, it restores the remembered
 * run into it (through the checkpoint format, with all its checks) and continues from there. A
 * trainer with a different configuration or different data starts fresh, and `trainLive` says
 * which difference made it do so.
 */
import {
  checkpointBytes,
  checkpointConfig,
  datasetFingerprint,
  restoreCheckpointInto,
} from '../src/learning/checkpoint';
import type { Trainer } from '../src/learning/trainer';

/** The run `trainLive` stopped on an interrupt, while it can still be resumed. */
interface Interrupted {
  trainer: Trainer;
  fingerprint?: string;
}

let interrupted: Interrupted | null = null;

/** Remember `t` as the interrupted run (or forget it with null). */
export function rememberInterrupted(t: Trainer | null): void {
  interrupted = t ? { trainer: t } : null;
}

/** The remembered interrupted run, if any. */
export function interruptedRun(): Trainer | null {
  return interrupted?.trainer ?? null;
}

/** What {@link adoptInterrupted} did. */
export type Adoption =
  | { action: 'none' }
  | { action: 'resumed'; imagesDone: number; imagesTotal: number }
  | { action: 'fresh'; reason: string; imagesDone: number; imagesTotal: number };

/** Flatten a config to `path → JSON value` pairs, for listing differences. */
function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, v === Infinity ? 'Infinity' : (JSON.stringify(v) ?? 'undefined'));
}

/**
 * The differences between two trainers' configurations, as `name: old → new` (at most `max`,
 * then "and N more"); empty when they train alike.
 *
 * @example
 * configDifferences(a, b); // ['outputs: 100 → 200']
 */
export function configDifferences(before: Trainer, after: Trainer, max = 3): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(checkpointConfig(before), '', a);
  flatten(checkpointConfig(after), '', b);
  const diffs: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k) ?? 'unset';
    const y = b.get(k) ?? 'unset';
    if (x !== y) diffs.push(`${k}: ${x} → ${y}`);
  }
  return diffs.length > max ? [...diffs.slice(0, max), `and ${diffs.length - max} more`] : diffs;
}

function sameData(r: Interrupted, t: Trainer): boolean {
  const a = r.trainer.data;
  const b = t.data;
  if (a === b) return true;
  if (a.n !== b.n || a.pixels !== b.pixels) return false;
  r.fingerprint ??= datasetFingerprint(a);
  return r.fingerprint === datasetFingerprint(b);
}

/**
 * If `t` is untrained and the remembered interrupted run has the same data and configuration,
 * restore that run into `t`. The remembered run is forgotten either way once `t` is untrained
 * and different (it starts fresh), so an old run never resumes by surprise later.
 */
export function adoptInterrupted(t: Trainer): Adoption {
  const r = interrupted;
  if (!r || r.trainer === t || t.imagesDone !== 0) return { action: 'none' };
  const { imagesDone, imagesTotal } = r.trainer;
  const diffs = configDifferences(r.trainer, t);
  let reason: string | null = null;
  if (diffs.length) reason = `the configuration changed (${diffs.join(', ')})`;
  else if (!sameData(r, t)) reason = 'the training data changed';
  interrupted = null;
  if (reason) return { action: 'fresh', reason, imagesDone, imagesTotal };
  restoreCheckpointInto(t, checkpointBytes(r.trainer));
  return { action: 'resumed', imagesDone, imagesTotal };
}
