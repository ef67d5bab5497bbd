/**
 * One trial of a sweep, a pure function of (spec, trial index): train and evaluate, or measure a
 * device's pulse response. With a results folder, the trial's training state is checkpointed
 * every few hundred images, so an interrupted trial resumes where it stopped, and its row is
 * written atomically when it finishes.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { CbramError } from '../core/errors';
import { checkInt, checkOptions } from '../core/validate';
import { loadPaperMnist, type Mnist } from '../data/mnist';
import { pulseResponse } from '../device/curves';
import { EVENT_KINDS, EVENT_PHASES } from '../energy/events';
import { loadCheckpoint, saveCheckpoint } from '../learning/checkpoint';
import { resolveDevice } from '../learning/config';
import { evaluate } from '../learning/evaluate';
import { createTrainer, type Trainer } from '../learning/trainer';
import { DeviceSynapses } from '../network/synapses';
import { canonicalJson, checkpointFile, readRow, writeRow, type TrialRow } from './results';
import { trialAt, type Sweep, type Trial } from './spec';

/** Options for {@link runTrial}. */
export interface RunTrialOptions {
  /** Results folder: the row is written there, and the training state checkpointed. */
  dir?: string;
  /** Stop at the next image (the checkpoint is written first); resolves 'interrupted'. */
  signal?: AbortSignal;
  /** Images between checkpoints (default 1000). */
  checkpointImages?: number;
  /** The data (default: the paper's MNIST, loaded once per thread and kept). */
  data?: () => Mnist;
}

/** How {@link runTrial} ended. */
export type TrialOutcome =
  | { status: 'completed'; row: TrialRow; skipped: boolean }
  | { status: 'interrupted'; trial: number; imagesDone: number };

let mnistCache: Mnist | null = null;

/** The paper's MNIST, loaded on first use and kept for the thread's later trials. */
export function paperMnist(): Mnist {
  return (mnistCache ??= loadPaperMnist());
}

const RUN_ID = randomUUID();

function runInfo(resumed: boolean): TrialRow['run'] {
  return {
    id: RUN_ID,
    host: os.hostname(),
    pid: process.pid,
    finished: new Date().toISOString(),
    resumed,
  };
}

/** What a trial keeps in its checkpoint (`trainer.records.sweep`). */
interface TrialRecords {
  trial: number;
  wallSeconds: number;
}

function trainConfigJson(t: Trainer): string {
  return canonicalJson({ ...t.config, device: resolveDevice(t.config) });
}

async function runTrain(trial: Trial, options: RunTrialOptions, t0: number): Promise<TrialOutcome> {
  const fn = 'runTrial';
  const mnist = (options.data ?? paperMnist)();
  const ckpt = options.dir === undefined ? null : checkpointFile(options.dir, trial.index);
  let trainer: Trainer;
  let wallBefore = 0;
  let resumed = false;
  const fresh = createTrainer(mnist.train, trial.config.train);
  if (ckpt && fs.existsSync(ckpt)) {
    trainer = loadCheckpoint(ckpt, mnist.train);
    if (trainConfigJson(trainer) !== trainConfigJson(fresh))
      throw new CbramError(
        'E_STATE',
        `${fn}: checkpoint ${ckpt} was written for another configuration than trial ${trial.index}; delete it to rerun the trial from the start`,
        { fn, param: 'dir', value: options.dir },
      );
    wallBefore = (trainer.records.sweep as TrialRecords | undefined)?.wallSeconds ?? 0;
    resumed = true;
  } else trainer = fresh;
  const chunk = options.checkpointImages ?? 1000;
  const save = () => {
    if (!ckpt) return;
    trainer.records.sweep = {
      trial: trial.index,
      wallSeconds: wallBefore + (performance.now() - t0) / 1000,
    } satisfies TrialRecords;
    saveCheckpoint(trainer, ckpt);
  };
  while (!trainer.done) {
    const r = await trainer.train({
      ...(options.signal ? { signal: options.signal } : {}),
      maxImages: chunk,
    });
    save();
    if (r.status === 'interrupted')
      return { status: 'interrupted', trial: trial.index, imagesDone: trainer.imagesDone };
  }
  // Evaluation is deterministic given the trained state: an evaluation cut short is redone.
  const ev = evaluate(trainer, { testData: mnist.test, ...trial.config.evaluate });
  const p = trainer.progress();
  const xbar = trainer.synapses instanceof DeviceSynapses ? trainer.synapses.crossbar : null;
  const metrics: Record<string, number> = {
    accuracy: ev.accuracy,
    energy_J: trainer.ledger.joules(),
    set_pulses: xbar ? xbar.counters.setPulses : 0,
    reset_pulses: xbar ? xbar.counters.resetPulses : 0,
    frozen_fraction: p.frozenFraction,
    mean_spikes: ev.meanSpikes,
  };
  for (const k of EVENT_KINDS) metrics[`energy_${k}_J`] = trainer.ledger.joules(k);
  for (const ph of EVENT_PHASES) metrics[`energy_${ph}_J`] = trainer.ledger.joules(undefined, ph);
  const row: TrialRow = {
    trial: trial.index,
    params: trial.params,
    seed: trial.seed,
    metrics,
    images_per_s: p.elapsed > 0 ? trainer.imagesTotal / p.elapsed : null,
    wall_s: wallBefore + (performance.now() - t0) / 1000,
    run: runInfo(resumed),
  };
  if (options.dir !== undefined) {
    writeRow(options.dir, row);
    if (ckpt) fs.rmSync(ckpt, { force: true });
  }
  return { status: 'completed', row, skipped: false };
}

function meanStd(a: number[]): [number, number] {
  let m = 0;
  for (const x of a) m += x;
  m /= a.length;
  let v = 0;
  for (const x of a) v += (x - m) * (x - m);
  return [m, a.length > 1 ? Math.sqrt(v / (a.length - 1)) : 0];
}

/** Device-only statistics over SET/RESET trains: reached conductances, half-range pulses, energy. */
function runPulse(trial: Trial, options: RunTrialOptions, t0: number): TrialOutcome {
  const dev = trial.config.device!;
  const o = trial.config.pulseResponse;
  // A physical device simulates its scheme at its temperature (a copy with other fields changed
  // would otherwise fall back to the preset's default scheme).
  const phys = trial.config.physical;
  const r = pulseResponse(dev, { ...o, seed: trial.seed, ...(phys ?? {}) });
  const high: number[] = [];
  const low: number[] = [];
  const halfSet: number[] = [];
  const halfReset: number[] = [];
  let eSet = 0;
  let eReset = 0;
  const n = r.conductance.length;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && r.pulse[end + 1]! > 0) end++;
    // rows start..end are one train: pulse 0 (the state before), then one row per pulse
    const set = r.direction[start] === 'set';
    const g0 = r.conductance[start]!;
    const g1 = r.conductance[end]!;
    (set ? high : low).push(g1);
    const half = g0 + 0.5 * (g1 - g0);
    let k = end - start;
    for (let j = start; j <= end; j++)
      if (set ? r.conductance[j]! >= half : r.conductance[j]! <= half) {
        k = j - start;
        break;
      }
    (set ? halfSet : halfReset).push(k);
    // Each row's energy is its pulse's: ∫V·I dt for a physical device, V²·G·t otherwise.
    for (let j = start + 1; j <= end; j++) {
      if (set) eSet += r.energy[j]!;
      else eReset += r.energy[j]!;
    }
    start = end + 1;
  }
  const [hm, hs] = meanStd(high);
  const [lm, ls] = meanStd(low);
  const metrics: Record<string, number | null> = {
    g_high_mean_S: hm,
    g_high_std_S: hs,
    g_low_mean_S: lm,
    g_low_std_S: ls,
    on_off_ratio: lm > 0 ? hm / lm : null,
    range_fraction: (hm - lm) / (dev.gMax - dev.gMin),
    set_half_pulses: meanStd(halfSet)[0],
    reset_half_pulses: meanStd(halfReset)[0],
    energy_J: eSet + eReset,
    energy_set_J: eSet,
    energy_reset_J: eReset,
    set_pulses: o.devices * o.cycles * o.setPulses,
    reset_pulses: o.devices * o.cycles * o.resetPulses,
  };
  const row: TrialRow = {
    trial: trial.index,
    params: trial.params,
    seed: trial.seed,
    metrics,
    images_per_s: null,
    wall_s: (performance.now() - t0) / 1000,
    run: runInfo(false),
  };
  if (options.dir !== undefined) writeRow(options.dir, row);
  return { status: 'completed', row, skipped: false };
}

/**
 * Run trial `index` of a sweep. With `dir`, a trial whose row exists is skipped (its row is
 * returned), and an interrupted one resumes from its checkpoint.
 *
 * @example
 * const sweep = defineSweep(spec);
 * const out = await runTrial(sweep, 0, { dir: 'results/sweeps/c2c' });
 * if (out.status === 'completed') console.log(out.row.metrics.accuracy);
 */
export async function runTrial(
  sweep: Sweep,
  index: number,
  options: RunTrialOptions = {},
): Promise<TrialOutcome> {
  const t0 = performance.now();
  checkOptions('runTrial', options, ['dir', 'signal', 'checkpointImages', 'data']);
  if (options.checkpointImages !== undefined)
    checkInt('runTrial', 'options.checkpointImages', options.checkpointImages, { min: 1 });
  const trial = trialAt(sweep, index);
  if (options.dir !== undefined) {
    const done = readRow(options.dir, index);
    if (done) return { status: 'completed', row: done, skipped: true };
  }
  if (options.signal?.aborted) return { status: 'interrupted', trial: index, imagesDone: 0 };
  return sweep.kind === 'train' ? runTrain(trial, options, t0) : runPulse(trial, options, t0);
}
