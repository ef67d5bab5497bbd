/**
 * Training with a live dashboard: the trainer's progress reports drive a throttled live display
 * (conductance map, accuracy, pulses, energy), and the kernel's interrupt signal stops training
 * at the next image boundary, so the run can be resumed by training again.
 */
import type { TrainProgress, TrainResult, TrainRunOptions, Trainer } from '../src/learning/trainer';
import { figureBundle, normalizeBundle } from './display/bundle';
import {
  TRAINING_MIME,
  ProgressHistory,
  trainingParts,
  trainingFigure,
  trainingText,
  type TrainingStatus,
} from './display/training';
import { interruptSignal, live, type LiveDisplay } from './notebook';

/** Options for {@link trainingView}. */
export interface TrainingViewOptions {
  title?: string;
  /** Dashboard updates a second at most (default 1: each carries the full map). */
  maxRate?: number;
  /** Milliseconds between refreshes of the PNG dashboard during training (default 10000). */
  fallbackInterval?: number;
  /** Leave the map out of the payload (default: included). */
  map?: boolean;
  /** Also send the dashboard as SVG (default: PNG only). */
  svg?: boolean;
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
  private readonly history = new ProgressHistory();
  private progress: TrainProgress | undefined;

  constructor(
    readonly trainer: Trainer,
    private readonly options: TrainingViewOptions = {},
  ) {
    this.status = trainer.imagesDone > 0 ? 'paused' : 'idle';
    this.progress = trainer.progress();
    this.history.push(this.progress);
    this.display = live(trainer, {
      maxRate: options.maxRate ?? 1,
      fallbackInterval: options.fallbackInterval ?? 10000,
      renderer: (t, fallback) => {
        const { spec, data } = trainingParts(t as Trainer, {
          title: this.options.title,
          status: this.status,
          history: this.history.toJSON(),
          progress: this.progress,
          map: this.options.map,
        });
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
    this.history.push(p);
    this.display.update();
  }

  /**
   * Options for `trainer.train()`: progress into the view, and the kernel's interrupt signal
   * (combined with `extra.signal`, if any).
   */
  runOptions(extra: TrainRunOptions = {}): TrainRunOptions {
    const signals = [interruptSignal(), ...(extra.signal ? [extra.signal] : [])];
    const userProgress = extra.onProgress;
    this.status = 'running';
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
    this.history.push(result.progress);
    this.display.update();
    this.display.close();
  }
}

/** A {@link TrainingView} of `trainer`. */
export function trainingView(trainer: Trainer, options: TrainingViewOptions = {}): TrainingView {
  return new TrainingView(trainer, options);
}

/**
 * Train with a live dashboard. Interrupting the cell stops training after the current image;
 * run `trainLive(trainer)` again to resume where it stopped.
 *
 * @example
 * const t = createTrainer(train, { outputs: 100, epochs: 1, imagesPerEpoch: 5000 });
 * await trainLive(t);
 */
export async function trainLive(
  trainer: Trainer,
  options: TrainRunOptions & TrainingViewOptions = {},
): Promise<TrainResult> {
  const { title, maxRate, fallbackInterval, map, svg, ...run } = options;
  const view = trainingView(trainer, { title, maxRate, fallbackInterval, map, svg });
  let result: TrainResult;
  try {
    result = await trainer.train(view.runOptions(run));
  } catch (e) {
    view.status = 'interrupted';
    view.display.close();
    throw e;
  }
  view.finish(result);
  if (result.status === 'interrupted')
    process.stderr.write(
      `trainLive: stopped after image ${result.imagesDone.toLocaleString('en-US')} of ` +
        `${trainer.imagesTotal.toLocaleString('en-US')}; run trainLive() on the same trainer to resume\n`,
    );
  return result;
}
