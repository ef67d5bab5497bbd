/**
 * Progress bars of `cbram-lab reproduce` (cli-progress): one for training and one for each
 * evaluation phase (labelling neurons, then testing), so the terminal never goes silent. The ETA
 * is shown only once a rate has been measured, and the energy on the training bar says it is the
 * energy spent so far in all phases.
 */
import { SingleBar, Presets } from 'cli-progress';
import { formatSI } from '../energy';
import type { EvaluateProgress } from '../learning/evaluate';
import type { TrainProgress } from '../learning/trainer';

/** Seconds as "1m 05s", or "…" while unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The bars of one run; every method is a no-op when quiet. */
export interface RunBars {
  startTraining(done: number, total: number, epoch: number): void;
  training(p: TrainProgress): void;
  /** Progress of an evaluation phase; opens a bar at a phase's first report, closes it at its end. */
  evaluation(epoch: number): (p: EvaluateProgress) => void;
  stop(): void;
}

const PHASE = { label: 'labelling neurons', test: 'testing' } as const;

/** Bars on stderr, or none when `quiet`. */
export function createRunBars(quiet: boolean): RunBars {
  let bar: SingleBar | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const open = (format: string, total: number, done: number, payload: object) => {
    stop();
    if (quiet) return;
    bar = new SingleBar({ format, hideCursor: true }, Presets.shades_classic);
    bar.start(total, done, payload);
  };
  let evalStart = 0;
  return {
    startTraining(done, total, epoch) {
      open(
        ' {bar} {percentage}% | {value}/{total} images | {ips} img/s | ETA {left} | epoch {epoch} | running acc (train) {acc} | energy so far {energy}',
        total,
        done,
        { ips: '-', left: '…', epoch, acc: '-', energy: '-' },
      );
    },
    training(p) {
      bar?.update(p.imagesDone, {
        ips: p.imagesPerSecond > 0 ? p.imagesPerSecond.toFixed(0) : '-',
        left: formatEta(
          p.imagesPerSecond > 0 ? (p.imagesTotal - p.imagesDone) / p.imagesPerSecond : NaN,
        ),
        epoch: p.epoch + 1,
        acc: p.runningAccuracy > 0 ? `${(p.runningAccuracy * 100).toFixed(1)}%` : '-',
        energy: formatSI(p.energy, 'J'),
      });
    },
    evaluation(epoch) {
      let phase: EvaluateProgress['phase'] | null = null;
      return (p) => {
        if (p.phase !== phase) {
          phase = p.phase;
          evalStart = performance.now();
          open(
            ` {bar} {percentage}% | epoch ${epoch} evaluation: ${PHASE[p.phase]} | {value}/{total} images | ETA {left}`,
            p.total,
            0,
            { left: '…' },
          );
        }
        const elapsed = (performance.now() - evalStart) / 1000;
        bar?.update(p.done, {
          left: formatEta(elapsed > 0.2 ? ((p.total - p.done) * elapsed) / p.done : NaN),
        });
        if (p.done === p.total) stop();
      };
    },
    stop,
  };
}
