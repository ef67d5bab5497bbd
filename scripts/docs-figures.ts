/**
 * The static-fallback examples in docs/images/ (shown in the README): the PNGs every display
 * carries, written with exportFigure at 2× (192 dpi). The numbers are the committed full runs'
 * (notebooks 02-fig3 and 05-energy), so the pictures match the README's results table.
 *
 * Run: npm run build && node dist/scripts/docs-figures.js
 */
import path from 'node:path';
import { PRESETS } from '../src/device/presets';
import { exportFigure } from '../kernel/display/export';
import { plot } from '../kernel/display/plot';

const OUT = path.resolve(__dirname, '..', '..', 'docs', 'images');
const opts = { dpi: 192 };

// Fig. 3e: accuracy against output neurons, 3 epochs of 60,000 images each (02-fig3, full run):
// the mean over seeds 0, 1, 2 with its Student-t 95 % interval (n = 3).
const outputs = [50, 100, 200, 500, 1000];
exportFigure(
  plot(
    [
      {
        name: 'CBRAM, device rule (3 epochs), mean of 3 seeds ± 95 %',
        x: outputs,
        y: [82.01, 87.74, 90.82, 92.93, 94.14],
        error: [2.16, 1.93, 1.51, 0.69, 0.94],
        mode: 'lines+markers',
      },
    ],
    {
      title: '(e) test accuracy against output neurons',
      x: { label: 'output neurons', log: true },
      y: { label: 'test accuracy (%)', range: [75, 100] },
      reference: [{ y: 93, label: 'paper: about 93 %' }],
    },
  ),
  path.join(OUT, 'fallback-fig3e.png'),
  opts,
);

// The device: SET and RESET trains of the subquantum CBRAM preset, in µS.
exportFigure(PRESETS['cbram-subquantum'], path.join(OUT, 'fallback-device.png'), {
  ...opts,
  render: { cycles: 2, devices: 2 },
});

// Training energy of the same run by technology (05-energy, full run), on a log axis.
const cbram = 445e-6;
exportFigure(
  plot(
    {
      name: 'training energy',
      x: [
        'CBRAM (in memory)',
        'PCM (same events)',
        'RRAM (same events)',
        'SRAM + processor',
        'DRAM + processor',
      ],
      y: [cbram, 5.42e-3, 7.17e-3, cbram * 24297, cbram * 286907],
    },
    {
      type: 'bar',
      title: 'Energy of one training run (3 × 60,000 images, 500 outputs)',
      y: { label: 'energy (J)', log: true },
      reference: [{ y: 1, label: '1 J' }],
    },
  ),
  path.join(OUT, 'fallback-energy.png'),
  opts,
);
console.log(`wrote 3 figures to ${OUT}`);
