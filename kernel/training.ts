/**
 * Training with a live dashboard: the trainer's progress reports drive a throttled live display
 * (conductance map, accuracy, pulses, energy), and the kernel's interrupt signal stops training
 * at the next image boundary. Rerunning the cell resumes the run (see `kernel/resume.ts`), and
 * the dashboard's history lives in `trainer.records`, so it survives resumes and checkpoints.
 */
import { inspect } from 'node:util';
import { DISPLAY, type MimeBundle } from '../src/display/protocol';
import { formatSI } from '../src/energy/format-si';
import type { TrainProgress, TrainResult, TrainRunOptions, Trainer } from '../src/learning/trainer';
import { figureBundle, normalizeBundle } from './display/bundle';
import {
  HISTORY_RECORD,
  TRAINING_MIME,
  ProgressHistory,
  trainingParts,
  trainingFigure,
  trainingText,
  type TrainingStatus,
} from './display/training';
import { interruptSignal, live, type LiveDisplay } from './notebook';
import { adoptInterrupted, rememberInterrupted } from './resume';
import { REAL_CLOCK, type Clock } from './throttle';
import { checkNumber } from '../src/core/validate';

/** Options for {@link trainingView}. */
export interface TrainingViewOptions {
  title?: string;
  /** Dashboard updates a second at most (default 1: each carries the full map). */
  maxRate?: number;
  /** Milliseconds between refreshes of the PNG dashboard during training (default 10000). */
  fallbackInterval?: number;
  /** Leave the map out of the payload (default: included). */
  map?: boolean;
  /**
   * Milliseconds between maps in live updates (0: with every update). The map is the whole
   * crossbar at full resolution, 5.3 bytes a cell once encoded (about 1 MB for the paper's
   * 397 × 500), and sending and drawing it is most of what a live view costs. Updates between
   * maps carry the curves and the last image's spikes and say that the map is held: the
   * dashboard keeps drawing the last one. The first update and the last always carry the map.
   * Default: one cell per 25 µs (MAP_CELL_MS), so the map costs the same whatever its size:
   * every 5 s for 397 × 500, every 0.5 s (every update, at the default rate) for 397 × 50.
   */
  mapInterval?: number;
  /** Also send the dashboard as SVG (default: PNG only). */
  svg?: boolean;
  /** @internal Tests pass a fake clock. */
  clock?: Clock;
}

/**
 * The default time between live maps, per cell of the map, ms: 25 µs, so 397 × 500 cells (about
 * 1 MB encoded) go every 5 s. On a 2-core machine with the paper's network, the live dashboard at
 * its default rate slowed training by 16–18 % with the map in every update, and by 5–13 %
 * (median 9 %) with one every 5 s (docs/kernel.md).
 */
export const MAP_CELL_MS = 0.025;

/**
 * Dashboard updates a second, `sinceStart` ms after it was shown: 4 a second while the view is
 * new, slowing to `maxRate` (interval = sinceStart / 5, between 250 ms and 1 / maxRate s), so any
 * run longer than 2 s gets at least 5 updates and a long run costs what `maxRate` says.
 *
 * @example
 * dashboardRate(0, 1); // 4
 * dashboardRate(60_000, 1); // 1
 */
export function dashboardRate(sinceStart: number, maxRate: number): number {
  return 1000 / Math.min(Math.max(250, sinceStart / 5), 1000 / maxRate);
}

/**
 * A live training dashboard. `runOptions()` gives the options for `trainer.train()`; call
 * `finish(result)` when it returns.
 *
 * @example
 * const view = trainingView(t);
 * view.finish(await t.train(view.runOptions({ maxImages: 5000 })));
 */
export class TrainingView {
  readonly display: LiveDisplay<Trainer>;
  status: TrainingStatus;
  private readonly history: ProgressHistory;
  private progress: TrainProgress | undefined;
  /** When the last map was sent (the clock's ms), or −∞ before the first. */
  private mapSentAt = -Infinity;

  constructor(
    readonly trainer: Trainer,
    private readonly options: TrainingViewOptions = {},
  ) {
    // Shown at once, at the final layout, with the history so far (kept in the trainer's
    // records, so a resumed run shows its whole history).
    this.status = trainer.imagesDone >= trainer.imagesTotal ? 'completed' : 'starting';
    this.progress = trainer.progress();
    this.history = ProgressHistory.from(trainer.records[HISTORY_RECORD], trainer.imagesDone);
    this.record(this.progress);
    const maxRate = options.maxRate ?? 1;
    const clock = options.clock ?? REAL_CLOCK;
    const cells = trainer.data.pixels * trainer.config.outputs;
    const mapInterval =
      options.mapInterval === undefined
        ? cells * MAP_CELL_MS
        : checkNumber('trainingView', 'options.mapInterval', options.mapInterval, { min: 0 });
    this.display = live(trainer, {
      rate: (ms) => dashboardRate(ms, maxRate),
      clock,
      fallbackInterval: options.fallbackInterval ?? 10000,
      renderer: (t, fallback) => {
        // The map with the first update, the last, the static picture, and every mapInterval ms.
        const now = clock.now();
        const wanted = this.options.map !== false;
        const send =
          wanted && (fallback || this.status !== 'running' || now - this.mapSentAt >= mapInterval);
        const { spec, data } = trainingParts(t as Trainer, {
          title: this.options.title,
          status: this.status,
          history: this.history.toJSON(),
          progress: this.progress,
          map: send,
        });
        if (send) this.mapSentAt = now;
        else if (wanted) spec.mapHeld = true;
        const r = figureBundle(
          trainingText(spec),
          TRAINING_MIME,
          spec,
          () => trainingFigure(spec, data),
          {
            fallback,
            svg: this.options.svg,
          },
        );
        return { data: normalizeBundle(r.data, t, 'trainingView'), metadata: r.metadata };
      },
    });
  }

  /** Record a progress report and schedule an update. */
  report(p: TrainProgress): void {
    this.progress = p;
    this.status = 'running';
    this.record(p);
    this.display.update();
  }

  private record(p: TrainProgress): void {
    this.history.push(p);
    this.trainer.records[HISTORY_RECORD] = this.history.toJSON();
  }

  /**
   * Options for `trainer.train()`: progress into the view, and the kernel's interrupt signal
   * (combined with `extra.signal`, if any).
   */
  runOptions(extra: TrainRunOptions = {}): TrainRunOptions {
    const signals = [interruptSignal(), ...(extra.signal ? [extra.signal] : [])];
    const userProgress = extra.onProgress;
    return {
      ...extra,
      signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      progressInterval: extra.progressInterval ?? 250,
      onProgress: (p) => {
        this.report(p);
        userProgress?.(p);
      },
    };
  }

  /** Show how the run ended (a final update with a fresh static fallback). */
  finish(result: TrainResult): void {
    this.status = result.status;
    this.progress = result.progress;
    this.record(result.progress);
    this.display.update();
    this.display.close();
  }
}

/** A {@link TrainingView} of `trainer`. */
export function trainingView(trainer: Trainer, options: TrainingViewOptions = {}): TrainingView {
  return new TrainingView(trainer, options);
}

/** Options for {@link trainLive}. */
export interface TrainLiveOptions extends TrainRunOptions, TrainingViewOptions {
  /**
   * Continue the interrupted run when `trainer` is a new trainer with the same data and
   * configuration (default true); false starts `trainer` fresh.
   */
  resume?: boolean;
}

/**
 * How a {@link trainLive} call ended: a {@link TrainResult} that shows itself as one line
 * (`completed: 3,000 of 3,000 images · running accuracy (train) 71.2 % · …`), not as the raw
 * object, when it is a cell's value.
 */
export class TrainLiveResult implements TrainResult {
  readonly status: TrainResult['status'];
  readonly imagesDone: number;
  readonly progress: TrainProgress;
  /** Images the run had done when this call resumed it (0 for a fresh run). */
  readonly resumedAt: number;

  constructor(result: TrainResult, resumedAt: number) {
    this.status = result.status;
    this.imagesDone = result.imagesDone;
    this.progress = result.progress;
    this.resumedAt = resumedAt;
  }

  /** The one-line summary. */
  toString(): string {
    const p = this.progress;
    const n = (x: number) => Math.round(x).toLocaleString('en-US');
    const speed = p.elapsed > 0 ? `${n(p.imagesDone / p.elapsed)} images/s` : null;
    const parts = [
      `${n(p.imagesDone)} of ${n(p.imagesTotal)} images`,
      this.resumedAt > 0 ? `resumed at ${n(this.resumedAt)}` : null,
      `running accuracy (train) ${(100 * p.runningAccuracy).toFixed(1)} %`,
      speed,
      p.setPulses + p.resetPulses > 0 ? `${n(p.setPulses)} SET / ${n(p.resetPulses)} RESET` : null,
      formatSI(p.energy, 'J'),
    ];
    return `trainLive ${this.status}: ${parts.filter((x) => x !== null).join(' · ')}`;
  }

  [DISPLAY](): MimeBundle {
    return { 'text/plain': this.toString() };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Train with a live dashboard. Interrupting the cell stops training after the current image.
 * Running the cell again resumes: a new trainer made with the same data and options continues
 * the interrupted run where it stopped, with its whole history; a changed configuration starts
 * fresh, and says so. `{ resume: false }` always starts fresh. Training the same trainer object
 * again also continues it. The result shows as a one-line summary.
 *
 * @example
 * const t = createTrainer(train, { outputs: 100, epochs: 1, imagesPerEpoch: 5000 });
 * await trainLive(t);
 */
export async function trainLive(
  trainer: Trainer,
  options: TrainLiveOptions = {},
): Promise<TrainLiveResult> {
  const { title, maxRate, fallbackInterval, map, mapInterval, svg, clock, resume, ...run } =
    options;
  const n = (x: number) => x.toLocaleString('en-US');
  if (resume === false) rememberInterrupted(null);
  const adopted = adoptInterrupted(trainer);
  if (adopted.action === 'resumed')
    process.stdout.write(
      `trainLive: resuming the interrupted run at image ${n(adopted.imagesDone)} of ` +
        `${n(adopted.imagesTotal)} (same data and configuration)\n`,
    );
  else if (adopted.action === 'fresh')
    process.stdout.write(
      `trainLive: starting fresh, because ${adopted.reason}; the interrupted run ` +
        `(stopped at image ${n(adopted.imagesDone)}) is dropped\n`,
    );
  const resumedAt = trainer.imagesDone;
  const view = trainingView(trainer, {
    title,
    maxRate,
    fallbackInterval,
    map,
    mapInterval,
    svg,
    clock,
  });
  let result: TrainResult;
  try {
    result = await trainer.train(view.runOptions(run));
  } catch (e) {
    rememberInterrupted(null);
    view.status = 'interrupted';
    view.display.close();
    throw e;
  }
  view.finish(result);
  rememberInterrupted(result.status === 'interrupted' ? trainer : null);
  if (result.status === 'interrupted')
    process.stderr.write(
      `trainLive: interrupted after image ${n(result.imagesDone)} of ${n(trainer.imagesTotal)}. ` +
        `Run the cell again to resume from image ${n(result.imagesDone)}: a trainer made with the ` +
        `same data and options continues this run, with its history ({ resume: false } starts over)\n`,
    );
  return new TrainLiveResult(result, resumedAt);
}
