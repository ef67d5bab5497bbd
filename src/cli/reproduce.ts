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
import { SingleBar, Presets } from 'cli-progress';
import { PNG } from 'pngjs';
import { loadPaperMnist } from '../data/mnist';
import { formatSI } from '../energy';
import { fieldMosaic, receptiveFields } from '../network/fields';
import { DeviceSynapses } from '../network/synapses';
import { saveCheckpoint, loadCheckpoint } from '../learning/checkpoint';
import { confusionTable, evaluate, type Evaluation } from '../learning/evaluate';
import { createTrainer, type Trainer, type TrainProgress } from '../learning/trainer';
import type { TrainOptions } from '../learning/config';

/** Parsed `reproduce` options. */
export interface ReproduceArgs {
  train: TrainOptions;
  out: string;
  resume: boolean;
  labelImages: number;
  testImages: number;
  evalEachEpoch: boolean;
  quiet: boolean;
}

function writePng(file: string, img: { width: number; height: number; pixels: Uint8Array }): void {
  const png = new PNG({
    width: img.width,
    height: img.height,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(img.pixels);
  fs.writeFileSync(
    file,
    PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }),
  );
}

function csv(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  return (
    [keys.join(','), ...rows.map((r) => keys.map((k) => String(r[k])).join(','))].join('\n') + '\n'
  );
}

/** Run the experiment; resolves with the exit code (0 done, 130 interrupted). */
export async function reproduce(args: ReproduceArgs): Promise<number> {
  const log = (s: string) => process.stderr.write(s + '\n');
  fs.mkdirSync(args.out, { recursive: true });
  const ckpt = path.join(args.out, 'checkpoint.ckpt');
  const t0 = Date.now();
  const mnist = loadPaperMnist();
  log(
    `MNIST: ${mnist.train.n} training and ${mnist.test.n} test images, ${mnist.pixelIndex.length} pixels kept of 784`,
  );
  let trainer: Trainer;
  if (args.resume && fs.existsSync(ckpt)) {
    trainer = loadCheckpoint(ckpt, mnist.train);
    log(`resumed from ${ckpt} at image ${trainer.imagesDone} of ${trainer.imagesTotal}`);
  } else {
    trainer = createTrainer(mnist.train, args.train);
  }
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

  const bar = args.quiet
    ? null
    : new SingleBar(
        {
          format:
            ' {bar} {percentage}% | {value}/{total} images | {ips} img/s | ETA {eta_formatted} | epoch {epoch} | running acc {acc} | {energy}',
          hideCursor: true,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      );
  bar?.start(trainer.imagesTotal, trainer.imagesDone, { ips: '-', epoch: 1, acc: '-', energy: '' });
  const onProgress = (p: TrainProgress) =>
    bar?.update(p.imagesDone, {
      ips: p.imagesPerSecond.toFixed(0),
      epoch: p.epoch + 1,
      acc: `${(p.runningAccuracy * 100).toFixed(1)}%`,
      energy: formatSI(p.energy, 'J'),
    });

  const accuracyRows: Array<Record<string, string | number>> = [];
  const accFile = path.join(args.out, 'accuracy.csv');
  if (args.resume && fs.existsSync(accFile)) {
    const lines = fs.readFileSync(accFile, 'utf8').trim().split('\n').slice(1);
    for (const l of lines) {
      const [epoch, images, accuracy] = l.split(',');
      accuracyRows.push({
        epoch: Number(epoch),
        images: Number(images),
        accuracy: Number(accuracy),
      });
    }
  }
  const perEpoch = trainer.imagesTotal / cfg.epochs;
  let ev: Evaluation | null = null;
  let interrupted = false;
  let trainSeconds = 0;
  while (!trainer.done) {
    const nextEpochEnd = (Math.floor(trainer.imagesDone / perEpoch) + 1) * perEpoch;
    const ts = Date.now();
    const r = await trainer.train({
      signal: controller.signal,
      onProgress,
      maxImages: nextEpochEnd - trainer.imagesDone,
    });
    trainSeconds += (Date.now() - ts) / 1000;
    saveCheckpoint(trainer, ckpt);
    if (r.status === 'interrupted') {
      interrupted = true;
      break;
    }
    const epoch = Math.round(trainer.imagesDone / perEpoch);
    if (args.evalEachEpoch || trainer.done) {
      bar?.stop();
      ev = evaluate(trainer, {
        testData: mnist.test,
        labelImages: args.labelImages,
        testImages: args.testImages,
      });
      log(
        `epoch ${epoch}: accuracy ${(ev.accuracy * 100).toFixed(2)} % on ${ev.testImages} test images (labels from ${ev.labelImages} training images)`,
      );
      accuracyRows.push({ epoch, images: trainer.imagesDone, accuracy: ev.accuracy });
      fs.writeFileSync(accFile, csv(accuracyRows));
      if (!trainer.done)
        bar?.start(trainer.imagesTotal, trainer.imagesDone, {
          ips: '-',
          epoch: epoch + 1,
          acc: '-',
          energy: '',
        });
    }
  }
  bar?.stop();
  process.off('SIGINT', onSigint);
  if (interrupted) {
    log(
      `stopped at image ${trainer.imagesDone} of ${trainer.imagesTotal}; checkpoint ${ckpt}. Resume with --resume --out ${args.out}`,
    );
    return 130;
  }
  const final = ev!;
  fs.writeFileSync(path.join(args.out, 'confusion.csv'), confusionTable(final).toCSV());
  fs.writeFileSync(path.join(args.out, 'energy.csv'), trainer.ledger.toTable().toCSV());
  const w = trainer.synapses.weights();
  fs.writeFileSync(
    path.join(args.out, 'weights.f32'),
    Buffer.from(w.buffer, w.byteOffset, w.byteLength),
  );
  const fields = receptiveFields(w, mnist.pixelIndex, cfg.outputs);
  writePng(path.join(args.out, 'weight-map.png'), fieldMosaic(fields, cfg.outputs, 25));
  const xbar = trainer.synapses instanceof DeviceSynapses ? trainer.synapses.crossbar : null;
  const p = trainer.progress();
  const summary = {
    paper: 'Shi et al., Nat. Commun. 9:5312 (2018)',
    config: { ...cfg, device: typeof cfg.device === 'string' ? cfg.device : cfg.device.name },
    accuracy: final.accuracy,
    accuracyByEpoch: accuracyRows,
    testImages: final.testImages,
    labelImages: final.labelImages,
    neuronsPerClass: final.neuronsPerClass,
    updatesIssued: p.updates,
    pulses: xbar ? { set: xbar.counters.setPulses, reset: xbar.counters.resetPulses } : null,
    frozenFraction: p.frozenFraction,
    energyJoules: trainer.ledger.joules(),
    energyByPhase: trainer.ledger.byPhase(),
    energyByKind: trainer.ledger.byKind(),
    trainSeconds,
    trainImagesPerSecond: trainer.imagesTotal / Math.max(1e-9, trainSeconds),
    wallSeconds: (Date.now() - t0) / 1000,
  };
  fs.writeFileSync(path.join(args.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  log(
    `done: accuracy ${(final.accuracy * 100).toFixed(2)} %, energy ${formatSI(summary.energyJoules, 'J')}, ${summary.trainImagesPerSecond.toFixed(0)} images/s; results in ${args.out}`,
  );
  return 0;
}
