/**
 * `cbram-lab sweep`: run a design-space sweep from a JSON spec on every core, or on a Slurm
 * cluster; report on a results folder and merge its rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { CbramError } from '../src/core/errors';
import { formatSI } from '../src/energy';
import {
  collectSweep,
  defineSweep,
  finishedTrials,
  openSweepDir,
  runSweep,
  runTrial,
  shellQuote,
  submitSlurm,
  sweepStatus,
  trialAt,
  waitSlurm,
  type SlurmOptions,
  type TrialRow,
} from '../src/sweep';

export const SWEEP_HELP = `cbram-lab sweep: run a design-space sweep (docs/sweeps.md)

Usage: cbram-lab sweep SPEC.json [options]     run every trial not yet finished
       cbram-lab sweep status DIR              finished, interrupted, queued and failed trials
       cbram-lab sweep collect DIR             merge the rows into DIR/results.csv

Options:
  --out DIR              results folder (default results/sweeps/<SPEC name>); a rerun with the
                         same spec skips finished trials and resumes interrupted ones
  --backend B            local | slurm (default local)
  --workers N            local: worker threads (default: one per core, ${os.availableParallelism()} here)
  --dry-run              list the trials (local) or print the job script (slurm); run nothing
  --checkpoint-images N  images between a trial's checkpoints (default 1000)
  --quiet                no progress bar (per-trial lines still go to stderr)
Slurm (--backend slurm):
  --partition P          partition (default: the cluster's default)
  --time T               time limit per task (default 01:00:00)
  --cpus-per-task N      (default 1)
  --mem M                memory per task (default 2G)
  --max-parallel M       tasks running at once, --array=...%M (default 32)
  --sbatch LINE          an extra #SBATCH line, e.g. --sbatch=--account=mylab (repeatable)
  --setup LINE           a shell line run first in each task, e.g. "module load nodejs" (repeatable)
  --command CMD          how a task starts CBRAM Lab (default: node, from PATH after --setup,
                         and this CLI's absolute path)
  --wait                 wait for the array to finish, then collect
  --task I               run trial I in this process (what each array task runs)
Ctrl-C stops cleanly: running trials checkpoint at the next image; rerun the command to resume.
`;

const FN = 'sweep';

function usage(message: string, param: string, value: unknown): never {
  throw new CbramError('E_ARG', `${FN}: ${message}`, { fn: FN, param, value });
}

function intFlag(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const x = /^\+?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(x) || x < min)
    usage(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(raw)}`, `--${flag}`, raw);
  return x;
}

/** Read and parse a spec file; errors name the file and the JSON problem. */
export function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CbramError(
      'E_IO',
      `${FN}: cannot read the spec ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { fn: FN, param: 'SPEC', value: file },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CbramError(
      'E_DATA',
      `${FN}: the spec ${JSON.stringify(file)} is not valid JSON: ${(e as Error).message}`,
      { fn: FN, param: 'SPEC', value: file },
    );
  }
}

function describeRow(row: TrialRow): string {
  const params = Object.entries(row.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const m = row.metrics;
  const result =
    m.accuracy !== undefined && m.accuracy !== null
      ? `accuracy ${(m.accuracy * 100).toFixed(1)} %, energy ${formatSI(m.energy_J ?? 0, 'J')}`
      : `on/off ${m.on_off_ratio === null ? '-' : (m.on_off_ratio ?? 0).toFixed(1)}, energy ${formatSI(m.energy_J ?? 0, 'J')}`;
  return `trial ${row.trial}: ${[...params, `seed=${row.seed}`].join(' ')}: ${result} (${row.wall_s.toFixed(1)} s)`;
}

function formatEta(s: number): string {
  if (!Number.isFinite(s)) return '-';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

function status(dir: string): number {
  const s = sweepStatus(dir);
  const out = (l: string) => process.stdout.write(l + '\n');
  out(`${dir}: ${s.done.length} of ${s.total} trials finished`);
  if (s.started.length) out(`  started, not finished (checkpoint kept): ${s.started.join(', ')}`);
  if (s.jobs.length) {
    out(`  Slurm jobs: ${s.jobs.map((j) => j.jobId).join(', ')}`);
    if (s.queued === null) out('  (squeue is not available here: queued tasks unknown)');
    else if (s.queued.length) out(`  queued or running: ${s.queued.join(', ')}`);
    for (const f of s.failed) {
      out(`  failed: trial ${f.trial} (job ${f.jobId}), log ${f.log}`);
      for (const l of f.tail.split('\n')) out(`    | ${l}`);
    }
    if (s.failed.length) out('  rerun `cbram-lab sweep <spec> --backend slurm` to resubmit them');
  }
  const missing = s.total - s.done.length;
  if (missing > 0 && !s.jobs.length)
    out(`  ${missing} left: rerun \`cbram-lab sweep ${path.join(dir, 'spec.json')} --out ${dir}\``);
  return 0;
}

function collect(dir: string): number {
  const c = collectSweep(dir);
  process.stdout.write(
    `${c.csv}: ${c.rows.length} of ${c.sweep.trials} trials${c.missing.length ? ` (missing: ${c.missing.join(', ')})` : ''}\n`,
  );
  return 0;
}

/** `cbram-lab sweep ...`; resolves with the exit code. */
export async function sweepCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        backend: { type: 'string' },
        workers: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'checkpoint-images': { type: 'string' },
        quiet: { type: 'boolean' },
        partition: { type: 'string' },
        time: { type: 'string' },
        'cpus-per-task': { type: 'string' },
        mem: { type: 'string' },
        'max-parallel': { type: 'string' },
        sbatch: { type: 'string', multiple: true },
        setup: { type: 'string', multiple: true },
        command: { type: 'string' },
        wait: { type: 'boolean' },
        task: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new CbramError(
      'E_OPTION',
      `${FN}: ${(e as Error).message} (see cbram-lab sweep --help)`,
      {
        fn: FN,
        param: 'argv',
        value: argv,
      },
    );
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  if (v.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (pos[0] === 'status' || pos[0] === 'collect') {
    if (pos.length !== 2)
      usage(`${pos[0]} takes one results folder: cbram-lab sweep ${pos[0]} DIR`, 'DIR', pos);
    return pos[0] === 'status' ? status(pos[1]!) : collect(pos[1]!);
  }
  if (pos.length !== 1)
    usage(
      `give one spec file (cbram-lab sweep SPEC.json), got ${pos.length ? pos.map((p) => JSON.stringify(p)).join(' ') : 'none'}`,
      'SPEC',
      pos,
    );
  const specFile = pos[0]!;
  const backend = v.backend ?? 'local';
  if (backend !== 'local' && backend !== 'slurm')
    usage(`--backend must be local or slurm, got ${JSON.stringify(backend)}`, '--backend', backend);
  const slurmFlags = [
    'partition',
    'time',
    'cpus-per-task',
    'mem',
    'max-parallel',
    'sbatch',
    'setup',
    'command',
    'wait',
  ] as const;
  if (backend === 'local')
    for (const f of slurmFlags)
      if (v[f] !== undefined) usage(`--${f} is given only with --backend slurm`, `--${f}`, v[f]);
  if (v.workers !== undefined && (backend === 'slurm' || v.task !== undefined))
    usage(
      '--workers is given only with --backend local (Slurm runs one trial per task)',
      '--workers',
      v.workers,
    );
  const workers = intFlag('workers', v.workers, 1);
  const checkpointImages = intFlag('checkpoint-images', v['checkpoint-images'], 1);
  const task = intFlag('task', v.task, 0);
  if (v.out !== undefined && v.out.trim() === '')
    usage('--out must be a folder path, got ""', '--out', v.out);
  const out =
    v.out ?? path.join('results', 'sweeps', path.basename(specFile).replace(/\.json$/i, ''));

  // Every check of the spec runs here, before any trial.
  const spec = readSpecFile(specFile);
  const sweep = defineSweep(spec);
  const log = (s: string) => process.stderr.write(s + '\n');

  if (task !== undefined) {
    if (task >= sweep.trials)
      usage(
        `--task must be a trial index from 0 to ${sweep.trials - 1}, got ${task}`,
        '--task',
        task,
      );
    openSweepDir(out, sweep, FN);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop); // Slurm's time limit and scancel: checkpoint, then exit
    const r = await runTrial(sweep, task, {
      dir: out,
      signal: controller.signal,
      ...(checkpointImages ? { checkpointImages } : {}),
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (r.status === 'interrupted') {
      log(`trial ${task}: stopped at image ${r.imagesDone}; its checkpoint resumes it`);
      return 130;
    }
    log(`${r.skipped ? '(already finished) ' : ''}${describeRow(r.row)}`);
    return 0;
  }

  if (backend === 'slurm') {
    const options: SlurmOptions = {
      // `node` from PATH, as set by --setup (module load ...), and this CLI by absolute path.
      command: v.command ?? `node ${shellQuote(path.resolve(__dirname, 'main.js'))}`,
    };
    if (v.partition !== undefined) options.partition = v.partition;
    if (v.time !== undefined) options.time = v.time;
    if (v.mem !== undefined) options.mem = v.mem;
    const cpus = intFlag('cpus-per-task', v['cpus-per-task'], 1);
    if (cpus !== undefined) options.cpusPerTask = cpus;
    const maxPar = intFlag('max-parallel', v['max-parallel'], 1);
    if (maxPar !== undefined) options.maxParallel = maxPar;
    if (v.sbatch) options.sbatch = v.sbatch;
    if (v.setup) options.setup = v.setup;
    if (checkpointImages) options.checkpointImages = checkpointImages;
    const sub = submitSlurm(spec, out, { ...options, dryRun: v['dry-run'] ?? false });
    if (v['dry-run']) {
      process.stdout.write(
        sub.script || `# nothing to submit: all ${sweep.trials} trials are finished or queued\n`,
      );
      return 0;
    }
    if (sub.jobId === null) log(`nothing to submit: every trial of ${out} is finished or queued`);
    else
      log(
        `submitted job ${sub.jobId}: ${sub.tasks.length} of ${sweep.trials} trials (${sub.scriptFile}); follow with cbram-lab sweep status ${out}`,
      );
    if (!v.wait) return 0;
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.on('SIGINT', onSigint);
    let shown = -1;
    const finished = await waitSlurm(out, {
      signal: controller.signal,
      onPoll: (s) => {
        if (s.done.length !== shown) log(`${s.done.length}/${s.total} trials finished`);
        shown = s.done.length;
      },
    });
    process.off('SIGINT', onSigint);
    if (!finished) {
      log(`stopped waiting; the jobs keep running. cbram-lab sweep status ${out}`);
      return 130;
    }
    collect(out);
    const s = sweepStatus(out);
    for (const f of s.failed) log(`failed: trial ${f.trial}, log ${f.log}`);
    return s.done.length === s.total ? 0 : 1;
  }

  if (v['dry-run']) {
    process.stdout.write(
      `${sweep.trials} trials (${sweep.configurations} configurations × ${sweep.seeds.length} seeds), results in ${out}\n`,
    );
    for (let i = 0; i < sweep.trials; i++) {
      const t = trialAt(sweep, i);
      const params = Object.entries(t.params).map(([k, x]) => `${k}=${JSON.stringify(x)}`);
      process.stdout.write(`  ${i}: ${[...params, `seed=${t.seed}`].join(' ')}\n`);
    }
    return 0;
  }

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    log(
      '\ninterrupt: running trials stop at the next image and write their checkpoints (Ctrl-C again to quit at once)',
    );
  };
  process.on('SIGINT', onSigint);
  const bars =
    v.quiet || !process.stderr.isTTY
      ? null
      : new MultiBar(
          {
            format: ' {bar} {value}/{total} trials | ETA {eta} | {failed} failed',
            hideCursor: true,
          },
          Presets.shades_classic,
        );
  const bar = bars?.create(sweep.trials, 0, { eta: '-', failed: 0 });
  const print = (s: string) => (bars ? bars.log(s + '\n') : log(s));
  log(
    `sweep: ${sweep.trials} trials on ${workers ?? os.availableParallelism()} worker(s), results in ${out}`,
  );
  const before = fs.existsSync(path.join(out, 'spec.json')) ? finishedTrials(out, sweep).length : 0;
  if (before) log(`${before} trial(s) already finished in ${out}: not rerun`);
  const res = await runSweep(spec, {
    out,
    ...(workers ? { workers } : {}),
    ...(checkpointImages ? { checkpointImages } : {}),
    signal: controller.signal,
    onTrial: (row) => print(describeRow(row)),
    onError: (trial, message) => print(`trial ${trial} failed: ${message}`),
    onProgress: (p) => bar?.update(p.done, { eta: formatEta(p.eta), failed: p.failed }),
  });
  bars?.stop();
  process.off('SIGINT', onSigint);
  if (res.status === 'interrupted') {
    log(
      `stopped: ${res.rows.length} of ${sweep.trials} trials finished. Rerun the same command to resume.`,
    );
    return 130;
  }
  if (res.status === 'failed') {
    log(
      `${res.failed.length} trial(s) failed (${res.failed.map((f) => f.trial).join(', ')}); rerun to retry them`,
    );
    return 1;
  }
  log(`done: ${res.rows.length} trials; ${path.join(out, 'results.csv')}`);
  return 0;
}
