/**
 * Training configuration: the paper's experiment with every assumed value a documented,
 * overridable default (../../docs/learning.md lists the sources).
 */
import { checkDeviceConfig, type DeviceConfig } from '../device/config';
import { PRESETS, PRESET_NAMES, type PresetName } from '../device/presets';
import { checkInt, checkNumber, checkOneOf, checkOptions, fail } from '../core/validate';
import { pruningFor, type PruningConfig } from '../pruning/pruning';

export type RuleKind = 'ideal' | 'device';

/** Everything that defines a training run. Serialisable (JSON) when `device` is a preset name or a plain config. */
export interface TrainConfig {
  /** Output neurons K [paper: 500]. */
  outputs: number;
  /** Input rate at full intensity f_in, Hz [assumed 200; the peer shows 50 Hz learns far worse]. */
  inputRate: number;
  /** Total output (WTA) rate f_out, Hz [assumed 200]. */
  outputRate: number;
  /** Time step, s [assumed 1 ms]. */
  dt: number;
  /** Presentation time per image, s [assumed 100 ms]. */
  presentation: number;
  /** STDP / coincidence window, s [paper: 10 ms]. */
  window: number;
  /** 'ideal' float updates or 'device' pulses on CBRAM cells. */
  rule: RuleKind;
  /** Device preset name or config for the 'device' rule [default 'cbram-subquantum']. */
  device: PresetName | DeviceConfig;
  /** Initial learning rate η [assumed 0.02]. */
  eta: number;
  /** Final learning rate; η decays geometrically per image over the run [assumed 0.001]. */
  etaFinal: number;
  /**
   * Homeostatic bias rate η_b [assumed 0.1: a sweep of 0.1 / 0.2 / 0.4 over full 3-epoch runs gave
   * 93.21 / 92.87 / 92.75 % with the ideal rule; the numpy peer uses 0.2].
   */
  etaBias: number;
  /** LTP constant c in Δw = η(c·e^(−w) − 1) [paper's form; e makes LTP vanish at w = 1]. */
  ltpConstant: number;
  /** Initial weights uniform in [wInitMin, wInitMax] [assumed −1, 1]. */
  wInitMin: number;
  wInitMax: number;
  /** Training epochs [paper: 3]. */
  epochs: number;
  /** Images per epoch (a seeded shuffle of the training set; 0 = all). */
  imagesPerEpoch: number;
  /** Seed of every random stream. */
  seed: number;
  /** Energy per output spike, J [assumed 1 pJ, order of a digital neuron update]. */
  spikeEnergy: number;
  /** Pruning during training, or null. */
  pruning: PruningConfig | null;
}

/** The paper's experiment with the CBRAM device rule. */
export const TRAIN_DEFAULTS: TrainConfig = Object.freeze({
  outputs: 500,
  inputRate: 200,
  outputRate: 200,
  dt: 1e-3,
  presentation: 0.1,
  window: 0.01,
  rule: 'device',
  device: 'cbram-subquantum',
  eta: 0.02,
  etaFinal: 0.001,
  etaBias: 0.1,
  ltpConstant: Math.E,
  wInitMin: -1,
  wInitMax: 1,
  epochs: 3,
  imagesPerEpoch: 0,
  seed: 0,
  spikeEnergy: 1e-12,
  pruning: null,
}) as TrainConfig;

/** Options for {@link defineTraining}: any subset; `pruning` may be partial. */
export type TrainOptions = Partial<Omit<TrainConfig, 'pruning'>> & {
  pruning?: Partial<PruningConfig> | null;
};

/**
 * Validate and complete a training config.
 *
 * @example
 * const cfg = defineTraining({ outputs: 100, epochs: 1, imagesPerEpoch: 5000, rule: 'ideal' });
 */
export function defineTraining(options: TrainOptions = {}): TrainConfig {
  return trainingFor('defineTraining', options);
}

/** @internal {@link defineTraining} with errors naming `fn`, the public function called. */
export function trainingFor(fn: string, options: TrainOptions = {}): TrainConfig {
  checkOptions(fn, options, Object.keys(TRAIN_DEFAULTS));
  const c = { ...TRAIN_DEFAULTS, ...options } as TrainConfig;
  checkInt(fn, 'outputs', c.outputs, { min: 2, max: 100000 });
  checkNumber(fn, 'inputRate', c.inputRate, { min: 0 });
  checkNumber(fn, 'outputRate', c.outputRate, { min: 0, exclusiveMin: true });
  checkNumber(fn, 'dt', c.dt, { min: 0, exclusiveMin: true, max: 0.1 });
  checkNumber(fn, 'presentation', c.presentation, { min: c.dt, max: MAX_STEPS * c.dt });
  checkNumber(fn, 'window', c.window, { min: c.dt, max: MAX_STEPS * c.dt });
  if (c.inputRate * c.dt > 1)
    fail(fn, 'inputRate', c.inputRate, `<= 1/dt = ${1 / c.dt} Hz (at most one spike per step)`);
  if (c.outputRate * c.dt > 1) fail(fn, 'outputRate', c.outputRate, `<= 1/dt = ${1 / c.dt} Hz`);
  checkOneOf(fn, 'rule', c.rule, ['ideal', 'device']);
  const device =
    typeof c.device === 'string'
      ? checkOneOf(fn, 'device', c.device, PRESET_NAMES)
      : checkDeviceConfig(fn, c.device, 'device.');
  checkNumber(fn, 'eta', c.eta, { min: 0, exclusiveMin: true, max: 1 });
  checkNumber(fn, 'etaFinal', c.etaFinal, { min: 0, exclusiveMin: true, max: 1 });
  checkNumber(fn, 'etaBias', c.etaBias, { min: 0 });
  checkNumber(fn, 'ltpConstant', c.ltpConstant, { min: 0 });
  checkNumber(fn, 'wInitMin', c.wInitMin, { min: -1, max: 1 });
  checkNumber(fn, 'wInitMax', c.wInitMax, { min: c.wInitMin, max: 1 });
  checkInt(fn, 'epochs', c.epochs, { min: 1, max: 1000 });
  checkInt(fn, 'imagesPerEpoch', c.imagesPerEpoch, { min: 0 });
  checkInt(fn, 'seed', c.seed, { min: 0 });
  checkNumber(fn, 'spikeEnergy', c.spikeEnergy, { min: 0 });
  const pruning =
    c.pruning === null || c.pruning === undefined ? null : pruningFor(fn, c.pruning, 'pruning.');
  return Object.freeze({ ...c, device, pruning });
}

/** Time steps a presentation or window may span (the input encoder's limit). */
const MAX_STEPS = 1e6;

/**
 * The device config a training config names. A config given as a plain object is checked here
 * too (it may not have come through {@link defineTraining}).
 *
 * @example
 * resolveDevice(defineTraining({ device: 'pcm-like' })).gMax; // 25e-6
 */
export function resolveDevice(c: TrainConfig): DeviceConfig {
  if (c === null || typeof c !== 'object')
    fail('resolveDevice', 'config', c, 'a TrainConfig from defineTraining()');
  return typeof c.device === 'string'
    ? PRESETS[checkOneOf('resolveDevice', 'config.device', c.device, PRESET_NAMES)]
    : checkDeviceConfig('resolveDevice', c.device, 'config.device.');
}
