/**
 * The peers in ../shared/peers (numpy and torch versions of the paper's algorithm), run on the
 * same training configuration as the benchmark, with the BLAS numpy loaded named: a speed-up is
 * only fair against numpy on an optimised BLAS (OpenBLAS here, installed by
 * scripts/setup-bench.sh), not against Debian's reference BLAS (libblas3, about 2× slower).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PEERS = path.resolve(__dirname, '../../../shared/peers');
const PYTHON = '/usr/bin/python3';
const ROOT = path.resolve(__dirname, '../..');

/** The BLAS numpy loaded, as threadpoolctl reports it. */
export interface BlasInfo {
  /** e.g. 'openblas'; 'reference' when threadpoolctl finds no optimised BLAS. */
  api: string;
  version: string;
  /** OpenBLAS's kernel (core type), e.g. 'Haswell'. */
  kernel: string;
  threads: number;
  library: string;
}

/**
 * The peers' environment: `threads` BLAS (and OpenMP) threads, and without OPENBLAS_CORETYPE /
 * OPENBLAS_L2_SIZE, which may be set on a machine to force a slower OpenBLAS kernel.
 */
export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function python(args: string[], env: NodeJS.ProcessEnv): string | null {
  if (!fs.existsSync(PYTHON)) return null;
  const r = spawnSync(PYTHON, args, { cwd: ROOT, encoding: 'utf8', env });
  return r.status === 0 ? r.stdout : null;
}

/** Which BLAS numpy uses with the peer's environment, or null without numpy or threadpoolctl. */
export function numpyBlas(): BlasInfo | null {
  const out = python(
    [
      '-c',
      'import json, numpy\nfrom threadpoolctl import threadpool_info\n' +
        'print(json.dumps([i for i in threadpool_info() if i.get("user_api") == "blas"]))',
    ],
    peerEnv(2),
  );
  if (out === null) return null;
  const libs = JSON.parse(out) as Array<Record<string, unknown>>;
  const b = libs[0];
  if (!b) return { api: 'reference', version: '', kernel: '', threads: 1, library: 'libblas3?' };
  return {
    api: String(b.internal_api),
    version: String(b.version ?? ''),
    kernel: String(b.architecture ?? ''),
    threads: Number(b.num_threads),
    library: String(b.filepath),
  };
}

/**
 * The thread counts each peer is run with, so that the bench compares against its best: 1, 2,
 * 4, … up to the cores of this machine (1 and 2 on a 2-core machine).
 *
 * @example
 * peerThreadCounts(2); // [1, 2]
 * peerThreadCounts(6); // [1, 2, 4, 6]
 */
export function peerThreadCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let t = 1; t < cores; t *= 2) counts.push(t);
  counts.push(Math.max(1, cores));
  return counts;
}

/** Is torch importable by Debian's python? */
export function hasTorch(): boolean {
  return python(['-c', 'import torch'], peerEnv(1)) !== null;
}

/** A peer's training images/s on the paper configuration, or null if it cannot run here. */
export function peerImagesPerSecond(
  peer: 'numpy' | 'torch',
  images: number,
  threads: number,
): number | null {
  const script = path.join(PEERS, `shi2018_${peer}.py`);
  if (!fs.existsSync(script)) return null;
  const args = [
    script,
    ...['--n-train', String(images), '--n-out', '500', '--f-in', '200', '--eta', '0.02'],
    ...['--eta-final', '0.001', '--eta-b', '0.2', '--mode', 'event', '--no-eval'],
    ...['--log-every', '0'],
  ];
  if (peer === 'torch') args.push('--threads', String(threads));
  // numpy's threads are its BLAS's (the environment); torch's are set by --threads too.
  const out = python(args, peerEnv(threads));
  const m = /-> ([\d.]+) images\/s/.exec(out ?? '');
  return m ? Number(m[1]) : null;
}
