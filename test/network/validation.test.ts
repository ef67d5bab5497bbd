/** Encoders, synapses and receptive fields: options and arguments checked at entry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeviceSynapses,
  IdealSynapses,
  createPoissonEncoder,
  fieldMosaic,
  receptiveFields,
} from '../../src/network';
import { createRng } from '../../src/core/rng';
import { assertCbramError } from '../helpers';

test('createPoissonEncoder rejects unknown options with a suggestion', () => {
  assertCbramError(
    () => createPoissonEncoder({ rat: 200 } as never),
    'E_OPTION',
    /^createPoissonEncoder: unknown option "rat" \(did you mean "rate"\?\)\. Known options: rate, dt, steps$/,
  );
  assertCbramError(
    () => createPoissonEncoder([] as never),
    'E_ARG',
    /^createPoissonEncoder: options must be an object, got an array of length 0$/,
  );
});

test('PoissonEncoder.encode checks its arguments before its loops', () => {
  const enc = createPoissonEncoder({ steps: 10 });
  const images = new Uint8Array(8).fill(255);
  assertCbramError(
    () => enc.encode(images, 4, 8, createRng(1)),
    'E_ARG',
    /^PoissonEncoder\.encode: offset must be an integer >= 0 and <= 0, got 4$/,
  );
  assertCbramError(
    () => enc.encode([1, 2] as never, 0, 2, createRng(1)),
    'E_ARG',
    /^PoissonEncoder\.encode: images must be a Uint8Array of byte images/,
  );
  assertCbramError(
    () => enc.encode(images, 0, 8, 42 as never),
    'E_ARG',
    /^PoissonEncoder\.encode: rng must be an Rng/,
  );
  assert.equal(enc.encode(images, 0, 8, createRng(1)).steps, 10);
});

test('synapse stores check their shapes and crossbars', () => {
  assertCbramError(
    () => new IdealSynapses(0, 3),
    'E_ARG',
    /^IdealSynapses: inputs must be an integer >= 1/,
  );
  assertCbramError(
    () => new IdealSynapses(1 << 16, 1 << 14),
    'E_BUDGET',
    /^IdealSynapses: inputs × outputs = 1\.07e9 synapses \(5 GiB\) exceeds the memory budget/,
  );
  assertCbramError(
    () => new DeviceSynapses({} as never),
    'E_ARG',
    /^DeviceSynapses: crossbar must be a Crossbar from createCrossbar\(\), got an object$/,
  );
});

test('receptive fields and mosaics check their arrays and sizes', () => {
  assertCbramError(
    () => receptiveFields(new Float32Array(4), Int32Array.of(0, 1), 2, 1024, 1024 * 1024),
    'E_BUDGET',
    /^receptiveFields: outputs × width × height = 2\.15e9 pixels \(8 GiB\) exceeds the memory budget/,
  );
  assertCbramError(
    () => receptiveFields([0, 0] as never, Int32Array.of(0), 2),
    'E_ARG',
    /^receptiveFields: weights must be a Float32Array/,
  );
  assertCbramError(
    () => fieldMosaic(new Float32Array(4), 2, 1, 2, 2),
    'E_ARG',
    /^fieldMosaic: count must be at most 1 \(the fields given\), got 2$/,
  );
  assert.equal(fieldMosaic(new Float32Array(8), 2, 2, 2, 2).width, 7);
});
