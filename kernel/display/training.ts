/**
 * Training runs: a dashboard payload (`application/vnd.cbram.training.v1+json`) — progress,
 * history of accuracy, speed, pulses and energy, the current weight or conductance map, and the
 * energy ledger — with a four-panel SVG fallback.
 */
import type { Trainer, TrainProgress } from '../../src/learning/trainer';
import { formatSI } from '../../src/energy/format-si';
import type { Crossbar } from '../../src/crossbar/crossbar';
import { encodeArray, type EncodedArray } from './arrays';
import { ledgerSpec, type LedgerEntry } from './ledger';
import { mapPanel, mapSpec, type MapData, type MapSpec } from './map';
import { COLORS, caption, linePanel, prefixFor, title } from './chart';
import { Scene } from './scene';

/** The training payload's MIME type. */
export const TRAINING_MIME = 'application/vnd.cbram.training.v1+json';

/** Where a run is ('starting': shown, no image trained in this call yet). */
export type TrainingStatus =
  'idle' | 'starting' | 'running' | 'paused' | 'interrupted' | 'completed';

/** Progress over time: parallel arrays, one point per progress report. */
export interface TrainingHistory {
  imagesDone: number[];
  runningAccuracy: number[];
  imagesPerSecond: number[];
  setPulses: number[];
  resetPulses: number[];
  /** Total energy so far, J. */
  energy: number[];
  /** Seconds of training so far. */
  elapsed: number[];
}

/** A training dashboard payload, version 1. */
export interface TrainingSpec {
  version: 1;
  kind: 'training';
  title: string;
  status: TrainingStatus;
  config: {
    outputs: number;
    inputs: number;
    epochs: number;
    imagesTotal: number;
    rule: string;
    device: string;
    seed: number;
    pruning: { fraction: number; mode: string } | null;
  };
  progress: TrainProgress;
  history: TrainingHistory;
  /** Conductances (device rule) or weights (ideal rule). */
  map: MapSpec | null;
  /**
   * A live update without the map (`map` is null): the map has not been sent again since the
   * last update that had one, and the dashboard keeps drawing that one. Absent otherwise.
   */
  mapHeld?: true;
  energy: LedgerEntry;
  kinds: string[];
  phases: string[];
  /** Output spikes of the last trained image (null before the first). */
  raster: {
    label: string;
    neurons: number;
    /** s. */
    duration: number;
    /** int32. */
    neuron: EncodedArray;
    /** float32, s. */
    time: EncodedArray;
  } | null;
}

/**
 * The key under which `trainLive` keeps the dashboard's history in `trainer.records`, which
 * checkpoints save, so the curves survive an interrupt, a resume and a checkpoint.
 */
export const HISTORY_RECORD = 'trainLive.history';

const HISTORY_KEYS = [
  'imagesDone',
  'runningAccuracy',
  'imagesPerSecond',
  'setPulses',
  'resetPulses',
  'energy',
  'elapsed',
] as const;

/**
 * A bounded progress history: when `capacity` points are reached, every other point is dropped,
 * so a long run keeps an evenly thinned record of all of it.
 */
export class ProgressHistory {
  private h: TrainingHistory = emptyHistory();
  constructor(readonly capacity = 512) {}

  /**
   * A history continued from `saved` (e.g. `trainer.records[HISTORY_RECORD]`, restored from a
   * checkpoint), keeping its points up to `imagesDone`; anything that is not a well-formed
   * history (parallel arrays of finite numbers) is ignored.
   *
   * @example
   * const h = ProgressHistory.from(trainer.records[HISTORY_RECORD], trainer.imagesDone);
   */
  static from(saved: unknown, imagesDone = Infinity, capacity = 512): ProgressHistory {
    const out = new ProgressHistory(capacity);
    if (typeof saved !== 'object' || saved === null) return out;
    const r = saved as Record<string, unknown>;
    const cols = HISTORY_KEYS.map((k) => r[k]);
    if (!cols.every((c) => Array.isArray(c) && c.every((v) => Number.isFinite(v)))) return out;
    const arrays = cols as number[][];
    const n = arrays[0]!.length;
    if (n > capacity || !arrays.every((c) => c.length === n)) return out;
    let keep = 0;
    while (keep < n && arrays[0]![keep]! <= imagesDone) keep++;
    HISTORY_KEYS.forEach((k, i) => (out.h[k] = arrays[i]!.slice(0, keep)));
    return out;
  }

  /** Points held. */
  get length(): number {
    return this.h.imagesDone.length;
  }

  push(p: TrainProgress): void {
    const n = this.h.imagesDone.length;
    if (n > 0 && this.h.imagesDone[n - 1] === p.imagesDone && this.h.elapsed[n - 1] === p.elapsed)
      return;
    this.h.imagesDone.push(p.imagesDone);
    this.h.runningAccuracy.push(p.runningAccuracy);
    this.h.imagesPerSecond.push(p.imagesPerSecond);
    this.h.setPulses.push(p.setPulses);
    this.h.resetPulses.push(p.resetPulses);
    this.h.energy.push(p.energy);
    this.h.elapsed.push(p.elapsed);
    if (this.h.imagesDone.length >= this.capacity)
      for (const k of HISTORY_KEYS) this.h[k] = this.h[k].filter((_, i) => i % 2 === 1);
  }

  toJSON(): TrainingHistory {
    const out = emptyHistory();
    for (const k of HISTORY_KEYS) out[k] = this.h[k].slice();
    return out;
  }
}

function emptyHistory(): TrainingHistory {
  return {
    imagesDone: [],
    runningAccuracy: [],
    imagesPerSecond: [],
    setPulses: [],
    resetPulses: [],
    energy: [],
    elapsed: [],
  };
}

/** Is `x` a Trainer (by shape)? */
export function isTrainer(x: unknown): x is Trainer {
  const t = x as Trainer;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof t.progress === 'function' &&
    typeof t.train === 'function' &&
    typeof t.config === 'object' &&
    typeof t.synapses === 'object' &&
    typeof t.ledger === 'object'
  );
}

/** The trainer's map: conductances for device synapses, weights for ideal ones. */
export function trainerMap(t: Trainer): MapData {
  const syn = t.synapses as Trainer['synapses'] & {
    crossbar?: Crossbar;
    wMin?: number;
    wMax?: number;
  };
  const pixelIndex =
    t.data.pixelIndex && t.data.pixelIndex.length === syn.inputs ? t.data.pixelIndex : null;
  if (syn.kind === 'device' && syn.crossbar) {
    const x = syn.crossbar;
    return {
      rows: x.rows,
      cols: x.cols,
      quantity: 'conductance',
      range: [x.config.gMin, x.config.gMax],
      values: x.g.slice(),
      frozen: x.mask.slice(),
      stuck: x.devices.stuck.slice(),
      weight: { wMin: t.config.wInitMin, wMax: t.config.wInitMax },
      pixelIndex,
      imageSide: 28,
    };
  }
  return {
    rows: syn.inputs,
    cols: syn.outputs,
    quantity: 'weight',
    range: [syn.wMin ?? -1, syn.wMax ?? 1],
    values: syn.weights(),
    frozen: syn.frozen.slice(),
    stuck: null,
    weight: null,
    pixelIndex,
    imageSide: 28,
  };
}

/** Options for {@link trainingParts}. */
export interface TrainingDisplayOptions {
  title?: string;
  status?: TrainingStatus;
  history?: TrainingHistory;
  /** Latest progress (default: `trainer.progress()`). */
  progress?: TrainProgress;
  /** Leave the map out (smaller payloads). */
  map?: boolean;
}

/**
 * The dashboard payload of a trainer, with the map data behind it for the static picture.
 *
 * @example
 * const { spec } = trainingParts(trainer, { status: 'running' });
 */
export function trainingParts(
  t: Trainer,
  o: TrainingDisplayOptions = {},
): { spec: TrainingSpec; data: MapData | null } {
  const progress = o.progress ?? t.progress();
  const status: TrainingStatus =
    o.status ??
    (t.imagesDone >= t.imagesTotal ? 'completed' : t.imagesDone > 0 ? 'paused' : 'idle');
  const data = o.map === false ? null : trainerMap(t);
  const c = t.config;
  const ledger = ledgerSpec(t.ledger);
  return {
    spec: {
      version: 1,
      kind: 'training',
      title: o.title ?? `Training: ${c.outputs} outputs, ${c.rule} rule`,
      status,
      config: {
        outputs: c.outputs,
        inputs: t.data.pixels,
        epochs: c.epochs,
        imagesTotal: t.imagesTotal,
        rule: c.rule,
        device: typeof c.device === 'string' ? c.device : c.device.name,
        seed: c.seed,
        pruning: c.pruning ? { fraction: c.pruning.fraction, mode: c.pruning.mode } : null,
      },
      progress,
      history: o.history ?? {
        ...emptyHistory(),
        imagesDone: [progress.imagesDone],
        runningAccuracy: [progress.runningAccuracy],
        imagesPerSecond: [progress.imagesPerSecond],
        setPulses: [progress.setPulses],
        resetPulses: [progress.resetPulses],
        energy: [progress.energy],
        elapsed: [progress.elapsed],
      },
      map: data ? mapSpec(data) : null,
      energy: ledger.ledgers[0]!,
      kinds: ledger.kinds,
      phases: ledger.phases,
      raster: lastRaster(t),
    },
    data,
  };
}

/** The last trained image's output spikes (trainers from older copies of the library have none). */
function lastRaster(t: Trainer): TrainingSpec['raster'] {
  if (typeof t.lastImageSpikes !== 'function' || t.imagesDone === 0) return null;
  const s = t.lastImageSpikes();
  return {
    label: `image ${t.imagesDone.toLocaleString('en-US')}`,
    neurons: t.config.outputs,
    duration: s.duration,
    neuron: encodeArray(s.neuron),
    time: encodeArray(Float32Array.from(s.time)),
  };
}

/** One line of progress. */
export function trainingText(spec: TrainingSpec): string {
  const p = spec.progress;
  return (
    `${spec.title} [${spec.status}]: ${p.imagesDone.toLocaleString('en-US')} of ${p.imagesTotal.toLocaleString('en-US')} images ` +
    `(epoch ${p.epoch + 1} of ${p.epochs}), running accuracy (train) ${(100 * p.runningAccuracy).toFixed(1)} %, ` +
    `${Math.round(p.imagesPerSecond)} images/s, ${p.setPulses} SET / ${p.resetPulses} RESET pulses, ` +
    `${formatSI(p.energy, 'J')}`
  );
}

/** The dashboard figure: map, accuracy, pulses and energy panels. */
export function trainingFigure(spec: TrainingSpec, data: MapData | null): Scene {
  const W = 900;
  const H = 640;
  const scene = new Scene(W, H, spec.title);
  const h = spec.history;
  const p = spec.progress;
  title(scene, W / 2, 20, `${spec.title} (${spec.status})`);
  caption(
    scene,
    W / 2,
    38,
    `${p.imagesDone.toLocaleString('en-US')} / ${p.imagesTotal.toLocaleString('en-US')} images · epoch ${p.epoch + 1}/${p.epochs} · ` +
      `running accuracy (train) ${(100 * p.runningAccuracy).toFixed(1)} % · ${Math.round(p.imagesPerSecond)} images/s · ${formatSI(p.energy, 'J')}`,
  );
  const pw = W / 2;
  const ph = (H - 50) / 2;
  if (data)
    mapPanel(
      scene,
      data,
      { x: 10, y: 50, w: pw - 20, h: ph - 6 },
      data.quantity === 'conductance' ? 'Conductance' : 'Weights',
    );
  linePanel(
    scene,
    [
      {
        name: 'running accuracy (train)',
        x: h.imagesDone,
        y: h.runningAccuracy.map((a) => 100 * a),
      },
    ],
    {
      title: 'Running accuracy (train)',
      xLabel: 'images',
      yLabel: '%',
      x: pw,
      y: 50,
      width: pw,
      height: ph,
      yMin: 0,
      yMax: 100,
    },
  );
  linePanel(
    scene,
    [
      { name: 'SET', x: h.imagesDone, y: h.setPulses, color: COLORS[0] },
      { name: 'RESET', x: h.imagesDone, y: h.resetPulses, color: COLORS[1] },
    ],
    {
      title: 'Pulses',
      xLabel: 'images',
      yLabel: 'pulses',
      x: 0,
      y: 50 + ph,
      width: pw,
      height: ph,
    },
  );
  const [scale, prefix] = prefixFor(Math.max(0, ...h.energy));
  linePanel(scene, [{ name: 'energy', x: h.imagesDone, y: h.energy.map((e) => e * scale) }], {
    title: 'Energy',
    xLabel: 'images',
    yLabel: `energy (${prefix}J)`,
    x: pw,
    y: 50 + ph,
    width: pw,
    height: ph,
  });
  return scene;
}
