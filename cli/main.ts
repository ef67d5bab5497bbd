#!/usr/bin/env node
/**
 * The `cbram-lab` command, above the library (src/), the kernel (kernel/) and the extension
 * (extension/): the library never imports this folder. Subcommands:
 *   reproduce   train and evaluate the paper's network, writing a results folder (src/cli/)
 *   sweep       run a design-space sweep on every core or on Slurm (./sweep.ts)
 *   kernel      install, uninstall or list the Jupyter kernel (kernel/cli.ts)
 *   lab         start CBRAM Lab's JupyterLab (extension/launch/cli.ts; `npm start`)
 *   labextension  install the prebuilt extension into your own JupyterLab 4
 */
import { isCbramError } from '../src/core/errors';
import { nearestName } from '../src/core/validate';
import { reproduce } from '../src/cli/reproduce';
import { parseReproduceArgs } from '../src/cli/reproduce-args';

const HELP = `cbram-lab: simulate neural-network training inside resistive memory

Usage: cbram-lab <command> [options]

Commands:
  reproduce    train the paper's spiking network on MNIST and evaluate it
  sweep        run a design-space sweep from a JSON spec, locally or on Slurm (cbram-lab sweep --help)
  kernel       install | uninstall | list the Jupyter kernel (cbram-lab kernel --help)
  lab          start JupyterLab with the CBRAM Lab extension and kernel (npm start)
  labextension install | uninstall the prebuilt extension for your own JupyterLab 4

reproduce options (defaults: the paper's experiment):
  --images N         training images per epoch (default 60000)
  --epochs N         epochs (default 3)
  --outputs K        output neurons (default 500)
  --rule R           ideal | device (default device)
  --device NAME      device preset: cbram-subquantum | cbram-ecm (physical model) |
                     rram-generic | pcm-like | ideal (default cbram-subquantum)
  --prune P          percentage of each neuron's synapses to prune during training (default 0)
  --prune-mode M     soft | hard (default soft)
  --mature N         spikes after which a neuron is pruned (default 600)
  --prune-select S   smallest | saturated: freeze the smallest weights, or only weights
                     already at the floor (default smallest)
  --recheck N        after maturity, prune again every N spikes until P % is reached (default 0: once)
  --deadline N       at N spikes, fill the rest of P % with the smallest weights (default 0: never)
  --seed S           seed of every random stream (default 0)
  --out DIR          results folder (default results/reproduce); a folder that already
                     holds a run is refused unless --resume is given
  --resume           continue from DIR/checkpoint.ckpt (flags that differ from it are refused;
                     a finished run re-writes its results)
  --label-images N   training images used to label neurons (default 10000)
  --test-images N    test images (default 10000)
  --eval-final-only  evaluate only after the last epoch
  --quiet            no progress bar (log lines still go to stderr)
Ctrl-C stops at the next image and writes a checkpoint.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd ? 0 : 1;
  }
  if (cmd === 'kernel') {
    // Loaded on demand, so `reproduce` and `sweep` start without the kernel's dependencies.
    const { kernelCommand } = await import('../kernel/cli');
    return kernelCommand(rest);
  }
  if (cmd === 'lab') {
    const { labCommand } = await import('../extension/launch/cli');
    return labCommand(rest);
  }
  if (cmd === 'labextension') {
    const { labextensionCommand } = await import('../extension/launch/labextension');
    return labextensionCommand(rest);
  }
  if (cmd === 'sweep') {
    const { sweepCommand } = await import('./sweep');
    return sweepCommand(rest);
  }
  if (cmd !== 'reproduce') {
    const commands = ['reproduce', 'sweep', 'kernel', 'lab', 'labextension'];
    process.stderr.write(
      `cbram-lab: unknown command "${cmd}" (did you mean "${nearestName(cmd, commands)}"?)\n\n${HELP}`,
    );
    return 2;
  }
  const args = parseReproduceArgs(rest);
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  return reproduce(args);
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
