#!/usr/bin/env node
/**
 * The `cbram-lab` command. Subcommands:
 *   reproduce   train and evaluate the paper's network, writing a results folder
 *   kernel      install, uninstall or list the Jupyter kernel (kernel/cli.ts)
 *   lab         start CBRAM Lab's JupyterLab (extension/launch/cli.ts; `npm start`)
 *   labextension  install the prebuilt extension into your own JupyterLab 4
 */
import { parseArgs } from 'node:util';
import { isCbramError } from '../core/errors';
import { nearestName } from '../core/validate';
import { reproduce } from './reproduce';

const HELP = `cbram-lab: simulate neural-network training inside resistive memory

Usage: cbram-lab <command> [options]

Commands:
  reproduce    train the paper's spiking network on MNIST and evaluate it
  kernel       install | uninstall | list the Jupyter kernel (cbram-lab kernel --help)
  lab          start JupyterLab with the CBRAM Lab extension and kernel (npm start)
  labextension install | uninstall the prebuilt extension for your own JupyterLab 4

reproduce options (defaults: the paper's experiment):
  --images N         training images per epoch (default 60000)
  --epochs N         epochs (default 3)
  --outputs K        output neurons (default 500)
  --rule R           ideal | device (default device)
  --device NAME      device preset: cbram-subquantum | rram-generic | pcm-like | ideal
  --prune P          percentage of each neuron's synapses to prune during training (default 0)
  --prune-mode M     soft | hard (default soft)
  --mature N         spikes after which a neuron is pruned (default 600)
  --prune-select S   smallest | saturated: freeze the smallest weights, or only weights
                     already at the floor (default smallest)
  --recheck N        after maturity, prune again every N spikes until P % is reached (default 0: once)
  --deadline N       at N spikes, fill the rest of P % with the smallest weights (default 0: never)
  --seed S           seed of every random stream (default 0)
  --out DIR          results folder (default results/reproduce)
  --resume           continue from DIR/checkpoint.ckpt
  --label-images N   training images used to label neurons (default 10000)
  --test-images N    test images (default 10000)
  --eval-final-only  evaluate only after the last epoch
  --quiet            no progress bar (log lines still go to stderr)
Ctrl-C stops at the next image and writes a checkpoint.
`;

function num(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error(`--${name} must be a number, got "${v}"`);
  return x;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd ? 0 : 1;
  }
  if (cmd === 'kernel') {
    // Loaded on demand: the kernel layer sits above the library.
    const { kernelCommand } = await import('../../kernel/cli');
    return kernelCommand(rest);
  }
  if (cmd === 'lab') {
    const { labCommand } = await import('../../extension/launch/cli');
    return labCommand(rest);
  }
  if (cmd === 'labextension') {
    const { labextensionCommand } = await import('../../extension/launch/labextension');
    return labextensionCommand(rest);
  }
  if (cmd !== 'reproduce') {
    const commands = ['reproduce', 'kernel', 'lab', 'labextension'];
    process.stderr.write(
      `cbram-lab: unknown command "${cmd}" (did you mean "${nearestName(cmd, commands)}"?)\n\n${HELP}`,
    );
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      images: { type: 'string' },
      epochs: { type: 'string' },
      outputs: { type: 'string' },
      rule: { type: 'string' },
      device: { type: 'string' },
      prune: { type: 'string' },
      'prune-mode': { type: 'string' },
      mature: { type: 'string' },
      'prune-select': { type: 'string' },
      recheck: { type: 'string' },
      deadline: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean' },
      'label-images': { type: 'string' },
      'test-images': { type: 'string' },
      'eval-final-only': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const prune = num('prune', values.prune, 0);
  const train = {
    imagesPerEpoch: num('images', values.images, 60000),
    epochs: num('epochs', values.epochs, 3),
    outputs: num('outputs', values.outputs, 500),
    rule: (values.rule ?? 'device') as 'ideal' | 'device',
    device: (values.device ?? 'cbram-subquantum') as 'cbram-subquantum',
    seed: num('seed', values.seed, 0),
    pruning:
      prune > 0
        ? {
            fraction: prune / 100,
            mode: (values['prune-mode'] ?? 'soft') as 'soft' | 'hard',
            matureSpikes: num('mature', values.mature, 600),
            selection: (values['prune-select'] ?? 'smallest') as 'smallest' | 'saturated',
            recheckSpikes: num('recheck', values.recheck, 0),
            deadlineSpikes: num('deadline', values.deadline, 0),
          }
        : null,
  };
  return reproduce({
    train,
    out: values.out ?? 'results/reproduce',
    resume: values.resume ?? false,
    labelImages: num('label-images', values['label-images'], 10000),
    testImages: num('test-images', values['test-images'], 10000),
    evalEachEpoch: !values['eval-final-only'],
    quiet: values.quiet ?? false,
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const msg = isCbramError(e) || e instanceof Error ? e.message : String(e);
      process.stderr.write(`cbram-lab: ${msg}\n`);
      process.exit(2);
    },
  );
}
