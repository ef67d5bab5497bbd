/**
 * Checks shared by the learning layer's public functions (trainers, evaluation, rasters). Not
 * re-exported from the package: each function names the public function its caller is.
 */
import { checkInt, fail } from '../core/validate';
import type { SpikingModel } from './evaluate';

/**
 * Bytes per possible input spike of one presentation (pixels × steps) counted against the memory
 * budget: the encoder's step and input scratch (Int32 each, grown by doubling) and the raster.
 */
export const RASTER_BYTES = 24;

/** An AbortSignal (or anything with a boolean `aborted`), or undefined. */
export function checkSignal(fn: string, signal: unknown): void {
  if (
    signal !== undefined &&
    (signal === null ||
      typeof signal !== 'object' ||
      typeof (signal as AbortSignal).aborted !== 'boolean')
  )
    fail(fn, 'options.signal', signal, 'an AbortSignal, e.g. new AbortController().signal');
}

/** A network that labelling, evaluation and rasters can drive (see {@link SpikingModel}). */
export function checkSpikingModel(fn: string, model: unknown): SpikingModel {
  const m = model as SpikingModel | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.respond !== 'function' ||
    m.data === null ||
    typeof m.data !== 'object'
  )
    fail(fn, 'model', model, 'a trained or untrained network (createTrainer, createLifTrainer)');
  checkInt(fn, 'model.outputs', m.outputs, { min: 1 });
  checkInt(fn, 'model.inputs', m.inputs, { min: 1 });
  checkInt(fn, 'model.presentationSteps', m.presentationSteps, { min: 1 });
  return m;
}
