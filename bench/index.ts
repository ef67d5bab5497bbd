/** `npm run bench`: every benchmark, printed as tables. */
import { benchKernel } from './kernel';
import { benchPulses } from './pulses';
import { benchReads } from './reads';
import { benchTraining } from './training';
import { printTable } from './util';

async function main(): Promise<void> {
  console.log(`CBRAM Lab benchmarks: node ${process.version}, ${process.platform}/${process.arch}`);
  printTable('Programming a 397 × 500 crossbar (one core)', benchPulses());
  printTable('Reading a 397 × 500 array (one core)', benchReads());
  printTable(
    'Training, paper configuration: 397 inputs, 500 outputs, 100 ms per image',
    await benchTraining(),
  );
  printTable('The Jupyter kernel', await benchKernel());
}

void main();
