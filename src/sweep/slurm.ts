/**
 * The Slurm backend: a sweep as one job array. Each array task runs one trial through the
 * command line (`cbram-lab sweep DIR/spec.json --out DIR --task $SLURM_ARRAY_TASK_ID`) and writes
 * its row into the results folder, which must be on a file system every node sees. Submissions
 * are recorded in DIR/slurm/jobs.json, so `status` can tell queued, finished and failed tasks
 * apart, and a rerun submits only the trials that are neither finished nor queued.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDir, writeFileDurable } from '../core/durable';
import { CbramError } from '../core/errors';
import { checkInt, checkOptions, fail } from '../core/validate';
import { finishedTrials, openSweepDir, loadSweepDir } from './results';
import { defineSweep, type Sweep } from './spec';

/** Options of the generated job script; every `sbatch` setting has a default a user can change. */
export interface SlurmOptions {
  /** Partition (default: the cluster's default partition, no line written). */
  partition?: string;
  /** Time limit per task, Slurm format (default '01:00:00'). */
  time?: string;
  /** CPUs per task (default 1: a trial is single-threaded). */
  cpusPerTask?: number;
  /** Memory per task, Slurm format (default '2G': MNIST and one network fit in well under 1 GB). */
  mem?: string;
  /** At most this many tasks run at once: `--array=...%M` (default 32). */
  maxParallel?: number;
  /** Job name (default 'cbram-sweep'). */
  jobName?: string;
  /** Extra `#SBATCH` lines, e.g. '--account=lab' or '#SBATCH --qos=short'. */
  sbatch?: readonly string[];
  /** Shell lines run before the trial, e.g. 'module load nodejs' (default none). */
  setup?: readonly string[];
  /** The command that starts CBRAM Lab's CLI on a compute node (default 'npx cbram-lab'). */
  command?: string;
  /** Images between a trial's checkpoints (default 1000). */
  checkpointImages?: number;
}

/** One submission, as recorded in DIR/slurm/jobs.json. */
export interface SlurmJob {
  jobId: string;
  tasks: number[];
  script: string;
  submitted: string;
}

const KEYS = [
  'partition',
  'time',
  'cpusPerTask',
  'mem',
  'maxParallel',
  'jobName',
  'sbatch',
  'setup',
  'command',
  'checkpointImages',
];

/** Ascending indices as a Slurm array list: [0,1,2,3,7,9,10] → '0-3,7,9-10'. */
export function arrayRanges(tasks: readonly number[]): string {
  const s = [...tasks].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** `s` quoted for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkSlurmOptions(fn: string, o: SlurmOptions): void {
  checkOptions(fn, o, KEYS);
  for (const k of ['partition', 'time', 'mem', 'jobName', 'command'] as const) {
    const x: unknown = o[k];
    if (x !== undefined && (typeof x !== 'string' || x === '' || /[\n\r]/.test(x)))
      fail(fn, `options.${k}`, x, 'a non-empty one-line string');
  }
  if (o.time !== undefined && !/^(\d+-)?\d+(:\d+){0,2}$/.test(o.time))
    fail(fn, 'options.time', o.time, 'a Slurm time such as 30, 01:00:00 or 1-12:00:00');
  if (o.mem !== undefined && !/^\d+[KMGT]?$/.test(o.mem))
    fail(fn, 'options.mem', o.mem, 'a Slurm memory size such as 2G or 4000M');
  if (o.cpusPerTask !== undefined) checkInt(fn, 'options.cpusPerTask', o.cpusPerTask, { min: 1 });
  if (o.maxParallel !== undefined) checkInt(fn, 'options.maxParallel', o.maxParallel, { min: 1 });
  if (o.checkpointImages !== undefined)
    checkInt(fn, 'options.checkpointImages', o.checkpointImages, { min: 1 });
  for (const k of ['sbatch', 'setup'] as const) {
    const a = o[k];
    if (a === undefined) continue;
    if (!Array.isArray(a)) fail(fn, `options.${k}`, a, 'an array of lines');
    a.forEach((l, i) => {
      if (typeof l !== 'string' || /[\n\r]/.test(l))
        fail(fn, `options.${k}[${i}]`, l, 'a one-line string');
    });
  }
}

/**
 * The job-array script for `tasks` of the sweep in `dir` (an absolute path is used throughout,
 * since tasks start in another working folder on another node).
 *
 * @example
 * console.log(slurmScript('results/sweeps/c2c', [0, 1, 2, 3], { partition: 'short', setup: ['module load nodejs'] }));
 */
export function slurmScript(
  dir: string,
  tasks: readonly number[],
  options: SlurmOptions = {},
): string {
  const fn = 'slurmScript';
  checkSlurmOptions(fn, options);
  if (tasks.length === 0) fail(fn, 'tasks', tasks, 'at least one trial index');
  const abs = path.resolve(dir);
  const max = options.maxParallel ?? 32;
  const lines = [
    '#!/bin/bash',
    `# CBRAM Lab sweep: ${tasks.length} trial(s) of ${abs}/spec.json, one per array task.`,
    '# Written by `cbram-lab sweep --backend slurm`; each task writes rows/<trial>.json.',
    `#SBATCH --job-name=${options.jobName ?? 'cbram-sweep'}`,
    `#SBATCH --array=${arrayRanges(tasks)}%${max}`,
    `#SBATCH --output=${abs}/slurm/logs/%A_%a.out`,
    `#SBATCH --time=${options.time ?? '01:00:00'}`,
    `#SBATCH --cpus-per-task=${options.cpusPerTask ?? 1}`,
    `#SBATCH --mem=${options.mem ?? '2G'}`,
  ];
  if (options.partition) lines.push(`#SBATCH --partition=${options.partition}`);
  for (const l of options.sbatch ?? []) lines.push(l.startsWith('#SBATCH') ? l : `#SBATCH ${l}`);
  lines.push('set -euo pipefail');
  for (const l of options.setup ?? []) lines.push(l);
  const ck = options.checkpointImages ? ` --checkpoint-images ${options.checkpointImages}` : '';
  lines.push(
    `exec ${options.command ?? 'npx cbram-lab'} sweep ${shellQuote(`${abs}/spec.json`)} --out ${shellQuote(abs)} --task "$SLURM_ARRAY_TASK_ID"${ck}`,
    '',
  );
  return lines.join('\n');
}

/** The submissions recorded in DIR/slurm/jobs.json (empty if none). */
export function slurmJobs(dir: string): SlurmJob[] {
  const file = path.join(dir, 'slurm', 'jobs.json');
  if (!fs.existsSync(file)) return [];
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SlurmJob[];
  } catch (e) {
    throw new CbramError('E_DATA', `slurmJobs: ${file} is damaged: ${(e as Error).message}`, {
      fn: 'slurmJobs',
      param: 'dir',
      value: dir,
    });
  }
}

/**
 * The array tasks Slurm still holds (pending or running) among `jobs`, as trial indices, or null
 * when `squeue` cannot be run (not on a Slurm host).
 */
export function queuedTrials(jobs: readonly SlurmJob[]): Set<number> | null {
  if (jobs.length === 0) return new Set();
  const r = spawnSync(
    'squeue',
    ['-h', '-r', '-o', '%i', '-j', jobs.map((j) => j.jobId).join(',')],
    {
      encoding: 'utf8',
    },
  );
  if (r.error || r.status !== 0) {
    // squeue exits nonzero for job ids it has forgotten: those jobs are no longer queued.
    if (!r.error && /Invalid job id/i.test(r.stderr)) return new Set();
    return null;
  }
  const out = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+)_(\d+)$/.exec(line.trim());
    if (m) out.add(Number(m[2]));
  }
  return out;
}

/** Progress of a sweep's folder, with Slurm's view when it was submitted there. */
export interface SweepStatus {
  sweep: Sweep;
  total: number;
  /** Trials with a row. */
  done: number[];
  /** Trials with a checkpoint but no row: started and interrupted (or running now). */
  started: number[];
  /** Trials Slurm still holds (pending or running); null when squeue is not available. */
  queued: number[] | null;
  /** Submitted trials neither finished nor queued, with the log of their last attempt. */
  failed: { trial: number; jobId: string; log: string; tail: string }[];
  jobs: SlurmJob[];
}

function tail(file: string, lines = 5): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log: the task may never have started)';
  }
}

/**
 * Where a sweep stands: finished, started, queued and failed trials (reads the folder; asks
 * `squeue` when the sweep was submitted to Slurm).
 *
 * @example
 * const s = sweepStatus('results/sweeps/c2c');
 * console.log(`${s.done.length}/${s.total}`, s.failed.map((f) => f.log));
 */
export function sweepStatus(dir: string): SweepStatus {
  const sweep = loadSweepDir(dir, 'sweepStatus');
  const done = finishedTrials(dir, sweep);
  const doneSet = new Set(done);
  const started: number[] = [];
  try {
    for (const n of fs.readdirSync(path.join(dir, 'checkpoints'))) {
      const m = /^(\d+)\.ckpt$/.exec(n);
      if (m && !doneSet.has(Number(m[1]))) started.push(Number(m[1]));
    }
  } catch {
    // no checkpoints folder: nothing started
  }
  started.sort((a, b) => a - b);
  const jobs = slurmJobs(dir);
  const q = queuedTrials(jobs);
  const failed: SweepStatus['failed'] = [];
  if (q) {
    const last = new Map<number, string>();
    for (const j of jobs) for (const t of j.tasks) last.set(t, j.jobId);
    for (const [t, jobId] of [...last].sort((a, b) => a[0] - b[0])) {
      if (doneSet.has(t) || q.has(t)) continue;
      const log = path.join(path.resolve(dir), 'slurm', 'logs', `${jobId}_${t}.out`);
      failed.push({ trial: t, jobId, log, tail: tail(log) });
    }
  }
  return {
    sweep,
    total: sweep.trials,
    done,
    started,
    queued: q ? [...q].sort((a, b) => a - b) : null,
    failed,
    jobs,
  };
}

/** What {@link submitSlurm} did. */
export interface SlurmSubmission {
  /** Trials in this submission (not finished, not queued). */
  tasks: number[];
  script: string;
  scriptFile: string | null;
  /** Slurm's job id, or null for a dry run or nothing to submit. */
  jobId: string | null;
}

/**
 * Submit the sweep's missing trials as a job array: trials already finished or still queued are
 * left out, so a rerun resubmits only what failed or never ran. `dryRun` returns the script
 * without writing or submitting anything.
 *
 * @example
 * const s = submitSlurm(spec, 'results/sweeps/c2c', { partition: 'short', time: '00:30:00' });
 * console.log(`job ${s.jobId}: ${s.tasks.length} tasks`);
 */
export function submitSlurm(
  spec: unknown,
  dir: string,
  options: SlurmOptions & { dryRun?: boolean } = {},
): SlurmSubmission {
  const fn = 'submitSlurm';
  const { dryRun = false, ...slurm } = options;
  checkSlurmOptions(fn, slurm);
  const sweep = defineSweep(spec);
  let tasks: number[];
  if (dryRun && !fs.existsSync(path.join(dir, 'spec.json')))
    tasks = Array.from({ length: sweep.trials }, (_, i) => i);
  else {
    if (!dryRun) openSweepDir(dir, sweep, fn);
    const done = new Set(finishedTrials(dir, sweep));
    const queued = queuedTrials(slurmJobs(dir));
    if (queued === null && !dryRun && slurmJobs(dir).length > 0)
      throw new CbramError(
        'E_STATE',
        `${fn}: cannot run squeue to see which of ${dir}'s trials are still queued; submit from a Slurm login node`,
        { fn, param: 'dir', value: dir },
      );
    tasks = [];
    for (let i = 0; i < sweep.trials; i++) if (!done.has(i) && !queued?.has(i)) tasks.push(i);
  }
  if (tasks.length === 0) return { tasks, script: '', scriptFile: null, jobId: null };
  const script = slurmScript(dir, tasks, slurm);
  if (dryRun) return { tasks, script, scriptFile: null, jobId: null };
  const jobs = slurmJobs(dir);
  const scriptFile = path.join(path.resolve(dir), 'slurm', `sweep-${jobs.length + 1}.sbatch`);
  writeFileDurable(scriptFile, script, fn);
  ensureDir(path.join(path.resolve(dir), 'slurm', 'logs'), fn);
  const r = spawnSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new CbramError(
      'E_STATE',
      `${fn}: sbatch failed${r.error ? ` (${r.error.message}: is this a Slurm login node?)` : `: ${r.stderr.trim()}`}. The script is ${scriptFile}; --dry-run prints it`,
      { fn, param: 'scriptFile', value: scriptFile },
    );
  const jobId = r.stdout.trim().split(';')[0]!;
  jobs.push({ jobId, tasks, script: scriptFile, submitted: new Date().toISOString() });
  writeFileDurable(path.join(dir, 'slurm', 'jobs.json'), JSON.stringify(jobs, null, 2) + '\n', fn);
  return { tasks, script, scriptFile, jobId };
}

/**
 * Wait until Slurm holds none of the sweep's tasks, polling `squeue` every `interval` ms
 * (default 2000); `onPoll` sees the status at each poll. Resolves false if `signal` fired first
 * (the jobs keep running on the cluster).
 *
 * @example
 * await waitSlurm('results/sweeps/c2c', { onPoll: (s) => console.log(s.done.length) });
 */
export async function waitSlurm(
  dir: string,
  options: { interval?: number; signal?: AbortSignal; onPoll?: (s: SweepStatus) => void } = {},
): Promise<boolean> {
  checkOptions('waitSlurm', options, ['interval', 'signal', 'onPoll']);
  const interval = checkInt('waitSlurm', 'options.interval', options.interval ?? 2000, {
    min: 10,
  });
  for (;;) {
    const s = sweepStatus(dir);
    options.onPoll?.(s);
    if (s.queued === null)
      throw new CbramError('E_STATE', 'waitSlurm: squeue is not available on this host', {
        fn: 'waitSlurm',
        param: 'dir',
        value: dir,
      });
    if (s.queued.length === 0) return true;
    if (options.signal?.aborted) return false;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, interval);
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
    if (options.signal?.aborted) return false;
  }
}
