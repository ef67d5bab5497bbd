/** `npm run bench`: every benchmark, printed as tables. */
import * as os from 'node:os';
import { benchBrowser } from './browser';
import { benchKernel } from './kernel';
import { missingPrerequisite } from '../test/browser/harness';
import { benchPulses } from './pulses';
import { benchReads } from './reads';
import { benchSweep } from './sweep';
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
  printTable(
    `Sweep: 8 trials (100 outputs, 20,000 images each) on worker threads (${os.availableParallelism()} cores here)`,
    await benchSweep(),
  );
  printTable('The Jupyter kernel', await benchKernel());
  const missing = missingPrerequisite();
  if (missing) console.log(`\nThe front end in Chromium: skipped (${missing})`);
  else
    printTable(
      'The front end in Chromium (targets: map update < 50 ms, live view < 5 % slower)',
      await benchBrowser(),
    );
}

void main();
