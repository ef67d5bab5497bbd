/**
 * Flags of `cbram-lab reproduce`, parsed strictly: every value is checked for its type and range
 * before any work starts, flags that would be ignored are errors, and the flags given explicitly
 * are remembered so `--resume` can refuse ones that contradict the checkpoint.
 */
import { parseArgs } from 'node:util';
import { CbramError } from '../core/errors';
import { nearestName } from '../core/validate';
import { PRESET_NAMES } from '../device/presets';
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
  /** The flags given on the command line (without `--`), for `--resume` checks. */
  given: ReadonlySet<string>;
}

const FN = 'reproduce';

/** The run-defining flags (compared with the checkpoint on `--resume`). */
export const RUN_FLAGS = [
  'images',
  'epochs',
  'outputs',
  'rule',
  'device',
  'seed',
  'prune',
  'prune-mode',
  'mature',
  'prune-select',
  'recheck',
  'deadline',
  'label-images',
  'test-images',
  'eval-final-only',
] as const;

const PRUNE_FLAGS = ['prune-mode', 'mature', 'prune-select', 'recheck', 'deadline'] as const;

function flagError(flag: string, raw: unknown, allowed: string): never {
  throw new CbramError('E_ARG', `${FN}: --${flag} must be ${allowed}, got ${JSON.stringify(raw)}`, {
    fn: FN,
    param: `--${flag}`,
    value: raw,
  });
}

/** An integer flag in [min, max]; `undefined` gives `def`. Rejects '', '1.5', '1e3x', '0x10'. */
function int(
  flag: string,
  raw: string | undefined,
  def: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return def;
  const x = /^[+]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(x) || x < min || x > max)
    flagError(
      flag,
      raw,
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
    );
  return x;
}

function choice<T extends string>(
  flag: string,
  raw: string | undefined,
  def: T,
  choices: readonly T[],
): T {
  if (raw === undefined) return def;
  if (!choices.includes(raw as T))
    flagError(
      flag,
      raw,
      `one of ${choices.join(', ')} (did you mean "${nearestName(raw, choices)}"?)`,
    );
  return raw as T;
}

/** Parse `reproduce`'s flags; throws a CbramError naming the flag and what it allows. */
export function parseReproduceArgs(argv: string[]): ReproduceArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
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
  } catch (e) {
    throw new CbramError('E_OPTION', `${FN}: ${(e as Error).message} (see cbram-lab --help)`, {
      fn: FN,
      param: 'argv',
      value: argv,
    });
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const given = new Set(Object.keys(v));
  // 60,000 and 10,000: the MNIST training and test sets (checked again against the loaded data).
  const prune = v.prune === undefined ? 0 : Number(v.prune);
  if (v.prune !== undefined && (v.prune.trim() === '' || !(prune >= 0 && prune <= 100)))
    flagError('prune', v.prune, 'a percentage from 0 to 100');
  if (prune === 0)
    for (const f of PRUNE_FLAGS)
      if (given.has(f))
        flagError(f, v[f], 'given only with --prune P (P > 0), which it configures');
  const rule = choice('rule', v.rule, 'device', ['ideal', 'device'] as const);
  if (rule === 'ideal' && v.device !== undefined)
    flagError('device', v.device, 'given only with --rule device (the ideal rule has no device)');
  if (v.out !== undefined && v.out.trim() === '') flagError('out', v.out, 'a folder path');
  return {
    train: {
      imagesPerEpoch: int('images', v.images, 60000, 1, 60000),
      epochs: int('epochs', v.epochs, 3, 1, 1000),
      outputs: int('outputs', v.outputs, 500, 2, 100000),
      rule,
      device: choice('device', v.device, 'cbram-subquantum', PRESET_NAMES),
      seed: int('seed', v.seed, 0, 0, 2 ** 32 - 1),
      pruning:
        prune > 0
          ? {
              fraction: prune / 100,
              mode: choice('prune-mode', v['prune-mode'], 'soft', ['soft', 'hard'] as const),
              matureSpikes: int('mature', v.mature, 600, 1),
              selection: choice('prune-select', v['prune-select'], 'smallest', [
                'smallest',
                'saturated',
              ] as const),
              recheckSpikes: int('recheck', v.recheck, 0, 0),
              deadlineSpikes: int('deadline', v.deadline, 0, 0),
            }
          : null,
    },
    out: v.out ?? 'results/reproduce',
    resume: v.resume ?? false,
    labelImages: int('label-images', v['label-images'], 10000, 1, 60000),
    testImages: int('test-images', v['test-images'], 10000, 1, 10000),
    evalEachEpoch: !v['eval-final-only'],
    quiet: v.quiet ?? false,
    given,
  };
}
