/**
 * `cbram-lab reproduce`: the paper's experiment from the command line. Trains, evaluates after
 * every epoch, and writes a results folder:
 * - summary.json: config, accuracy, pulses, energy, timings;
 * - accuracy.csv: accuracy after each epoch;
 * - confusion.csv: the final confusion matrix (actual, predicted, count);
 * - energy.csv: events, counts and joules by kind and phase;
 * - weights.f32: final weights, inputs × outputs row-major float32, and weight-map.png (receptive fields);
 * - checkpoint.ckpt: the training state (resume with --resume).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { preflightDir, writeFileDurable } from '../core/durable';
import { CbramError } from '../core/errors';
import { loadPaperMnist } from '../data/mnist';
import { formatSI } from '../energy';
import { fieldMosaic, receptiveFields } from '../network/fields';
import { DeviceSynapses } from '../network/synapses';
import { saveCheckpoint, loadCheckpoint } from '../learning/checkpoint';
import { resolveDevice } from '../learning/config';
import { confusionTable, evaluate, type Evaluation } from '../learning/evaluate';
import { createTrainer, type Trainer } from '../learning/trainer';
import { createRunBars } from './progress';
import type { ReproduceArgs } from './reproduce-args';

export type { ReproduceArgs } from './reproduce-args';

/** One row of accuracy.csv. */
interface AccuracyRow {
  epoch: number;
  images: number;
  accuracy: number;
}

/**
 * What `reproduce` keeps in the checkpoint (`trainer.records.reproduce`), so a resumed run writes
 * the same records as an uninterrupted one.
 */
interface RunRecords {
  settings: { labelImages: number; testImages: number; evalEachEpoch: boolean };
  accuracyRows: AccuracyRow[];
  /** The evaluation after the last epoch, once done (typed arrays as plain arrays). */
  final: Record<string, unknown> | null;
  /** Wall-clock seconds spent by earlier processes of this run. */
  wallSeconds: number;
}

const FN = 'reproduce';

function pngBytes(img: { width: number; height: number; pixels: Uint8Array }): Buffer {
  const png = new PNG({
    width: img.width,
    height: img.height,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(img.pixels);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

function csv(rows: ReadonlyArray<object>): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  return (
    [
      keys.join(','),
      ...rows.map((r) => keys.map((k) => String((r as Record<string, unknown>)[k])).join(',')),
    ].join('\n') + '\n'
  );
}

function evaluationToJSON(ev: Evaluation): Record<string, unknown> {
  return {
    ...ev,
    neuronLabels: Array.from(ev.neuronLabels),
    predictions: Array.from(ev.predictions),
    confusion: Array.from(ev.confusion),
  };
}

function evaluationFromJSON(j: Record<string, unknown>): Evaluation {
  return {
    ...(j as unknown as Evaluation),
    neuronLabels: Int8Array.from(j.neuronLabels as number[]),
    predictions: Int8Array.from(j.predictions as number[]),
    confusion: Int32Array.from(j.confusion as number[]),
  };
}

/** "train 400 nJ, label 80 nJ, test 84 nJ": the phases that used energy. */
function energyByPhase(byPhase: Record<string, { joules: number }>): string {
  return Object.entries(byPhase)
    .filter(([, v]) => v.joules > 0)
    .map(([phase, v]) => `${phase} ${formatSI(v.joules, 'J')}`)
    .join(', ');
}

function usage(message: string, param: string, value: unknown): never {
  throw new CbramError('E_ARG', `${FN}: ${message}`, { fn: FN, param, value });
}

/** The records of a run that has not evaluated anything yet. */
function freshRecords(args: ReproduceArgs): RunRecords {
  const { labelImages, testImages, evalEachEpoch } = args;
  return {
    settings: { labelImages, testImages, evalEachEpoch },
    accuracyRows: [],
    final: null,
    wallSeconds: 0,
  };
}

/** Flags given with --resume that differ from the checkpoint's run, as "--flag X (checkpoint: Y)". */
function resumeConflicts(args: ReproduceArgs, t: Trainer, rec: RunRecords): string[] {
  const c = t.config;
  const p = c.pruning;
  const saved: Record<string, unknown> = {
    images: t.imagesTotal / c.epochs,
    epochs: c.epochs,
    outputs: c.outputs,
    rule: c.rule,
    device: c.rule === 'device' ? resolveDevice(c).name : undefined,
    seed: c.seed,
    prune: p ? p.fraction * 100 : 0,
    'prune-mode': p?.mode,
    mature: p?.matureSpikes,
    'prune-select': p?.selection,
    recheck: p?.recheckSpikes,
    deadline: p?.deadlineSpikes,
    'label-images': rec.settings.labelImages,
    'test-images': rec.settings.testImages,
    'eval-final-only': !rec.settings.evalEachEpoch,
  };
  const a = args.train;
  const ap = a.pruning;
  const wanted: Record<string, unknown> = {
    images: a.imagesPerEpoch,
    epochs: a.epochs,
    outputs: a.outputs,
    rule: a.rule,
    device: a.device,
    seed: a.seed,
    prune: ap ? (ap.fraction ?? 0) * 100 : 0,
    'prune-mode': ap?.mode,
    mature: ap?.matureSpikes,
    'prune-select': ap?.selection,
    recheck: ap?.recheckSpikes,
    deadline: ap?.deadlineSpikes,
    'label-images': args.labelImages,
    'test-images': args.testImages,
    'eval-final-only': !args.evalEachEpoch,
  };
  const out: string[] = [];
  for (const flag of Object.keys(wanted)) {
    if (!args.given.has(flag)) continue;
    const x = wanted[flag];
    const y = saved[flag];
    if (typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) > 1e-9 : x !== y)
      out.push(`--${flag} ${String(x)} (checkpoint: ${String(y ?? 'not set')})`);
  }
  return out;
}

/**
 * Run the experiment; resolves with the exit code (0 done, 130 interrupted). Every check that can
 * fail (flags, the output folder, data sizes, a checkpoint to resume) runs before training.
 */
export async function reproduce(args: ReproduceArgs): Promise<number> {
  const log = (s: string) => process.stderr.write(s + '\n');
  const t0 = Date.now();
  preflightDir(args.out, FN);
  const ckpt = path.join(args.out, 'checkpoint.ckpt');
  const hasCheckpoint = fs.existsSync(ckpt);
  if (args.resume && !hasCheckpoint)
    usage(
      `--resume: there is no checkpoint to resume in ${args.out} (expected ${ckpt}); run without --resume to start a new run`,
      '--resume',
      ckpt,
    );
  if (!args.resume && hasCheckpoint)
    usage(
      `${args.out} already holds a run (${ckpt}); add --resume to continue it, or choose another --out (or delete the folder) to start a new one`,
      '--out',
      args.out,
    );
  const mnist = loadPaperMnist();
  log(
    `MNIST: ${mnist.train.n} training and ${mnist.test.n} test images, ${mnist.pixelIndex.length} pixels kept of 784`,
  );
  if (args.labelImages > mnist.train.n)
    usage(
      `--label-images must be at most ${mnist.train.n}, got ${args.labelImages}`,
      '--label-images',
      args.labelImages,
    );
  if (args.testImages > mnist.test.n)
    usage(
      `--test-images must be at most ${mnist.test.n}, got ${args.testImages}`,
      '--test-images',
      args.testImages,
    );
  let trainer: Trainer;
  let rec: RunRecords;
  if (args.resume) {
    trainer = loadCheckpoint(ckpt, mnist.train);
    rec = (trainer.records.reproduce as RunRecords | undefined) ?? freshRecords(args);
    const conflicts = resumeConflicts(args, trainer, rec);
    if (conflicts.length)
      usage(
        `--resume continues the run in ${ckpt}, but these flags differ from it: ${conflicts.join(', ')}. Drop them to resume, or choose another --out to start a new run`,
        '--resume',
        conflicts,
      );
    log(
      trainer.done
        ? `resumed from ${ckpt}: training is complete (${trainer.imagesTotal} images); nothing left to train`
        : `resumed from ${ckpt} at image ${trainer.imagesDone} of ${trainer.imagesTotal}`,
    );
  } else {
    trainer = createTrainer(mnist.train, args.train);
    rec = freshRecords(args);
  }
  trainer.records.reproduce = rec;
  const wallBefore = rec.wallSeconds;
  const save = () => {
    rec.wallSeconds = wallBefore + (Date.now() - t0) / 1000;
    saveCheckpoint(trainer, ckpt);
  };
  const { labelImages, testImages, evalEachEpoch } = rec.settings;
  const cfg = trainer.config;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    log(
      '\ninterrupt: stopping at the next image and writing a checkpoint (Ctrl-C again to quit at once)',
    );
  };
  process.on('SIGINT', onSigint);
  log(
    `training: ${cfg.outputs} outputs, rule ${cfg.rule}${cfg.rule === 'device' ? ` (${typeof cfg.device === 'string' ? cfg.device : cfg.device.name})` : ''}, ${cfg.epochs} epoch(s) × ${trainer.imagesTotal / cfg.epochs} images, seed ${cfg.seed}` +
      (cfg.pruning
        ? `, ${cfg.pruning.mode} pruning ${cfg.pruning.fraction * 100} % after ${cfg.pruning.matureSpikes} spikes`
        : ''),
  );

  const bars = createRunBars(args.quiet);

  const perEpoch = trainer.imagesTotal / cfg.epochs;
  const accFile = path.join(args.out, 'accuracy.csv');
  /** An epoch boundary whose evaluation is due but not recorded (e.g. killed while evaluating). */
  const evaluationDue = () =>
    trainer.imagesDone > 0 &&
    trainer.imagesDone % perEpoch === 0 &&
    (evalEachEpoch || trainer.done) &&
    !rec.accuracyRows.some((r) => r.images === trainer.imagesDone);
  let interrupted = false;
  let barRunning = false;
  for (;;) {
    if (evaluationDue()) {
      barRunning = false;
      const epoch = Math.round(trainer.imagesDone / perEpoch);
      const ev = evaluate(trainer, {
        testData: mnist.test,
        labelImages,
        testImages,
        onProgress: bars.evaluation(epoch),
      });
      log(
        `epoch ${epoch}: accuracy ${(ev.accuracy * 100).toFixed(2)} % on ${ev.testImages} test images (labels from ${ev.labelImages} training images)`,
      );
      rec.accuracyRows.push({ epoch, images: trainer.imagesDone, accuracy: ev.accuracy });
      if (trainer.done) rec.final = evaluationToJSON(ev);
      // The evaluation's energy and read-noise draws are part of the state: save them with its row.
      save();
      writeFileDurable(accFile, csv(rec.accuracyRows), FN);
    }
    if (trainer.done) break;
    if (!barRunning) {
      bars.startTraining(
        trainer.imagesDone,
        trainer.imagesTotal,
        Math.floor(trainer.imagesDone / perEpoch) + 1,
      );
      barRunning = true;
    }
    const nextEpochEnd = (Math.floor(trainer.imagesDone / perEpoch) + 1) * perEpoch;
    const r = await trainer.train({
      signal: controller.signal,
      onProgress: (p) => bars.training(p),
      maxImages: nextEpochEnd - trainer.imagesDone,
    });
    save();
    if (r.status === 'interrupted') {
      interrupted = true;
      break;
    }
  }
  bars.stop();
  process.off('SIGINT', onSigint);
  if (interrupted) {
    log(
      `stopped at image ${trainer.imagesDone} of ${trainer.imagesTotal}; checkpoint ${ckpt}. Resume with --resume --out ${args.out}`,
    );
    return 130;
  }
  // The loop above evaluated after the last epoch (or the checkpoint already held it).
  const final = evaluationFromJSON(rec.final!);
  writeFileDurable(accFile, csv(rec.accuracyRows), FN);
  writeFileDurable(path.join(args.out, 'confusion.csv'), confusionTable(final).toCSV(), FN);
  writeFileDurable(path.join(args.out, 'energy.csv'), trainer.ledger.toTable().toCSV(), FN);
  const w = trainer.synapses.weights();
  writeFileDurable(
    path.join(args.out, 'weights.f32'),
    new Uint8Array(w.buffer, w.byteOffset, w.byteLength),
    FN,
  );
  const fields = receptiveFields(w, mnist.pixelIndex, cfg.outputs);
  writeFileDurable(
    path.join(args.out, 'weight-map.png'),
    pngBytes(fieldMosaic(fields, cfg.outputs, 25)),
    FN,
  );
  const xbar = trainer.synapses instanceof DeviceSynapses ? trainer.synapses.crossbar : null;
  const p = trainer.progress();
  const summary = {
    paper: 'Shi et al., Nat. Commun. 9:5312 (2018)',
    config: { ...cfg, device: typeof cfg.device === 'string' ? cfg.device : cfg.device.name },
    accuracy: final.accuracy,
    accuracyByEpoch: rec.accuracyRows,
    testImages: final.testImages,
    labelImages: final.labelImages,
    neuronsPerClass: final.neuronsPerClass,
    updatesIssued: p.updates,
    pulses: xbar ? { set: xbar.counters.setPulses, reset: xbar.counters.resetPulses } : null,
    frozenFraction: p.frozenFraction,
    energyJoules: trainer.ledger.joules(),
    energyByPhase: trainer.ledger.byPhase(),
    energyByKind: trainer.ledger.byKind(),
    // Training time over the whole run, across interruptions and resumes.
    trainSeconds: p.elapsed,
    trainImagesPerSecond: trainer.imagesTotal / Math.max(1e-9, p.elapsed),
    wallSeconds: wallBefore + (Date.now() - t0) / 1000,
  };
  writeFileDurable(
    path.join(args.out, 'summary.json'),
    JSON.stringify(summary, null, 2) + '\n',
    FN,
  );
  log(
    `done: accuracy ${(final.accuracy * 100).toFixed(2)} %, energy ${formatSI(summary.energyJoules, 'J')} (${energyByPhase(summary.energyByPhase)}), ${summary.trainImagesPerSecond.toFixed(0)} images/s over ${summary.trainSeconds.toFixed(1)} s of training; results in ${args.out}`,
  );
  return 0;
}
