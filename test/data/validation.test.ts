/** Dataset helpers: datasets checked where they enter, sizes within the memory budget. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDataset,
  firstN,
  loadMnist,
  randomIndices,
  reducePixels,
  selectPixels,
  subset,
} from '../../src/data';
import { createRng } from '../../src/core/rng';
import { assertCbramError } from '../helpers';

const ds = {
  n: 2,
  pixels: 3,
  images: Uint8Array.of(0, 1, 2, 3, 4, 5),
  labels: Uint8Array.of(1, 7),
};

test('checkDataset names the field at fault', () => {
  assert.equal(checkDataset('f', 'd', ds), ds);
  assertCbramError(
    () => checkDataset('subset', 'ds', { ...ds, n: 3 }),
    'E_DATA',
    /^subset: ds\.images\.length must be n × pixels = 9, got 6$/,
  );
  assertCbramError(
    () => checkDataset('f', 'd', { ...ds, pixels: 1.5 }),
    'E_ARG',
    /^f: d\.pixels must be an integer >= 1, got 1\.5$/,
  );
});

test('dataset helpers check their dataset and refuse sizes past the budget', () => {
  assertCbramError(() => subset(null as never, [0]), 'E_ARG', /^subset: ds must be a Dataset/);
  assertCbramError(() => subset(ds, 'ab' as never), 'E_ARG', /^subset: indices must be an array/);
  assertCbramError(
    () => subset(ds, { length: 1e12 } as never),
    'E_ARG',
    /^subset: indices must be an array of image indices, got an object$/,
  );
  assertCbramError(
    () => firstN(1e12),
    'E_BUDGET',
    /^firstN: n = 1e12 indices \(3\.64 TiB\) exceeds the memory budget/,
  );
  assertCbramError(
    () => randomIndices(10, 3, {} as never),
    'E_ARG',
    /^randomIndices: rng must be an Rng/,
  );
  assert.equal(randomIndices(10, 3, createRng(1)).length, 3);
  assertCbramError(
    () => selectPixels([ds, { pixels: 3 } as never]),
    'E_ARG',
    /^selectPixels: datasets\[1\] must be a Dataset/,
  );
  assertCbramError(
    () => reducePixels({} as never, Int32Array.of(0)),
    'E_ARG',
    /^reducePixels: ds must be a Dataset/,
  );
  assertCbramError(
    () => loadMnist({ dir: 3 } as never),
    'E_ARG',
    /^loadMnist: options\.dir must be a folder path/,
  );
});
