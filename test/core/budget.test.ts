import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MEMORY_BUDGET,
  checkBudget,
  checkFunction,
  checkObject,
  checkString,
  formatBytes,
  memoryBudget,
  parseByteSize,
} from '../../src/core/validate';
import { createRng } from '../../src/core/rng';
import { assertCbramError } from '../helpers';

/** Run `f` with CBRAM_MEMORY_BUDGET set to `value` (or unset), restoring it afterwards. */
function withBudget<T>(value: string | undefined, f: () => T): T {
  const before = process.env.CBRAM_MEMORY_BUDGET;
  if (value === undefined) delete process.env.CBRAM_MEMORY_BUDGET;
  else process.env.CBRAM_MEMORY_BUDGET = value;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.CBRAM_MEMORY_BUDGET;
    else process.env.CBRAM_MEMORY_BUDGET = before;
  }
}

test('the memory budget is 1 GiB unless CBRAM_MEMORY_BUDGET sets it', () => {
  assert.equal(DEFAULT_MEMORY_BUDGET, 2 ** 30);
  withBudget(undefined, () => assert.equal(memoryBudget(), 2 ** 30));
  withBudget('4GiB', () => assert.equal(memoryBudget(), 4 * 2 ** 30));
  withBudget('512 M', () => assert.equal(memoryBudget(), 512 * 2 ** 20));
  withBudget('1000', () => assert.equal(memoryBudget(), 1000));
  withBudget('lots', () =>
    assertCbramError(
      () => memoryBudget(),
      'E_ARG',
      /^memoryBudget: CBRAM_MEMORY_BUDGET must be a positive byte size such as "4GiB".*got "lots"$/,
    ),
  );
});

test('parseByteSize and formatBytes', () => {
  assert.equal(parseByteSize('1.5k'), 1536);
  assert.equal(parseByteSize('2 GB'), 2 * 2 ** 30);
  assert.ok(Number.isNaN(parseByteSize('-3')));
  assert.ok(Number.isNaN(parseByteSize('3 parsecs')));
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(8 * 2 ** 30), '8 GiB');
  assert.equal(formatBytes(1.5 * 2 ** 20), '1.5 MiB');
});

test('checkBudget refuses a product of sizes past the budget, naming the sizes and the fix', () => {
  checkBudget('f', 'rows × cols', 1000, 8);
  assertCbramError(
    () =>
      checkBudget('pulseResponse', 'cycles × (setPulses + resetPulses)', 2e9, 4, {
        hint: 'lower cycles or the pulses per train',
      }),
    'E_BUDGET',
    /^pulseResponse: cycles × \(setPulses \+ resetPulses\) = 2e9 values \(7\.45 GiB\) exceeds the memory budget of 2\.68e8 values \(1 GiB\); lower cycles or the pulses per train \(the budget is set by the CBRAM_MEMORY_BUDGET environment variable/,
  );
  // Products past 2^53 or Infinity are refused too, never wrapped.
  assertCbramError(() => checkBudget('f', 'n', 1e300 * 1e300, 1), 'E_BUDGET', /= Infinity values/);
  assertCbramError(() => checkBudget('f', 'n', NaN, 1), 'E_BUDGET', /= NaN values/);
  // A raised budget lets the same request through.
  withBudget('16GiB', () => checkBudget('f', 'n', 2e9, 4));
});

test('object, function and string checks', () => {
  assertCbramError(
    () => checkObject('f', 'o', [], 'an object'),
    'E_ARG',
    /f: o must be an object, got an array of length 0/,
  );
  assertCbramError(() => checkObject('f', 'o', null, 'an object'), 'E_ARG', /got null/);
  assertCbramError(() => checkFunction('f', 'cb', 3), 'E_ARG', /f: cb must be a function, got 3/);
  assertCbramError(() => checkString('f', 's', '', true), 'E_ARG', /must be a non-empty string/);
});

test('Rng.permutation refuses a permutation past the budget before allocating it', () => {
  assertCbramError(
    () => createRng(1).permutation(2 ** 32 - 1),
    'E_BUDGET',
    /^Rng\.permutation: n = 4\.29e9 indices \(16 GiB\) exceeds the memory budget/,
  );
});
