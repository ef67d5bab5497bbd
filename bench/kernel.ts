/**
 * The Jupyter kernel, measured over ZeroMQ as a front end sees it (kernel/client.ts): the time
 * from starting the process to the first result, and the round trip of a trivial cell
 * (execute_request to status idle). Targets: under 2 s and under 100 ms.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchKernel } from '../kernel/client';
import type { BenchRow } from './util';
import { printTable } from './util';

const ROOT = path.resolve(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A notebook folder in which `import … from 'cbram-lab'` resolves to this repository. */
function project(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-bench-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'cbram-lab'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Kernel start to first result (median of `starts` launches), a trivial cell (median of 50), the
 * first cell that imports the library, and 1,000 live-display updates.
 */
export async function benchKernel(starts = 3): Promise<BenchRow[]> {
  const p = project();
  const startMs: number[] = [];
  const rows: BenchRow[] = [];
  try {
    for (let r = 0; r < starts; r++) {
      const t0 = performance.now();
      const k = await launchKernel({ cwd: p.dir });
      const first = await k.client.execute('1 + 1');
      startMs.push(performance.now() - t0);
      if (first.reply.content.status !== 'ok') throw new Error('bench: the first cell failed');
      if (r === starts - 1) {
        for (let i = 0; i < 5; i++) await k.client.execute('1');
        const cell: number[] = [];
        for (let i = 0; i < 50; i++) {
          const t = performance.now();
          await k.client.execute('1');
          cell.push(performance.now() - t);
        }
        let t = performance.now();
        await k.client.execute(
          "import { createCrossbar } from 'cbram-lab';\ncreateCrossbar({ rows: 4, cols: 4 }).rows",
        );
        const importMs = performance.now() - t;
        t = performance.now();
        await k.client.execute(
          "import { live } from 'cbram-lab/kernel';\nconst v = live({ i: 0 });\nfor (let i = 1; i <= 1000; i++) v.update({ i });",
        );
        const liveMs = performance.now() - t;
        rows.push(
          { name: 'kernel start to first result (median)', value: median(startMs), unit: 'ms' },
          { name: 'trivial cell, request to idle (median of 50)', value: median(cell), unit: 'ms' },
          { name: 'first cell importing cbram-lab', value: importMs, unit: 'ms' },
          { name: 'cell with 1,000 live-display updates', value: liveMs, unit: 'ms' },
        );
      }
      await k.stop();
    }
  } finally {
    p.remove();
  }
  return rows;
}

if (require.main === module) {
  benchKernel().then(
    (rows) => printTable('Jupyter kernel (targets: start < 2,000 ms, trivial cell < 100 ms)', rows),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
