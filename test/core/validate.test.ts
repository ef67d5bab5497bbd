import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkFiniteArray,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
} from '../../src/core/validate';
import { formatValue } from '../../src/core/format';
import { isCbramError } from '../../src/core/errors';
import { assertCbramError } from '../helpers';

test('checkOptions names the unknown key and suggests the nearest known one', () => {
  assertCbramError(
    () => checkOptions('createCrossbar', { rowz: 3 }, ['rows', 'cols']),
    'E_OPTION',
    /createCrossbar: unknown option "rowz" \(did you mean "rows"\?\)\. Known options: rows, cols/,
  );
  assertCbramError(
    () => checkOptions('f', 5, ['a']),
    'E_ARG',
    /f: options must be an object, got 5/,
  );
  checkOptions('f', undefined, ['a']);
  checkOptions('f', { a: 1 }, ['a']);
});

test('numeric checks accept valid values and describe bounds', () => {
  assert.equal(checkNumber('f', 'x', 0.5, { min: 0, max: 1 }), 0.5);
  assert.equal(checkInt('f', 'n', 3, { min: 1 }), 3);
  assertCbramError(
    () => checkNumber('f', 'x', 2, { min: 0, max: 1 }),
    'E_ARG',
    /f: x must be a finite number >= 0 and <= 1, got 2/,
  );
  assertCbramError(
    () => checkNumber('f', 'x', 0, { min: 0, exclusiveMin: true }),
    'E_ARG',
    /must be a finite number > 0, got 0/,
  );
  assertCbramError(() => checkNumber('f', 'x', Infinity), 'E_ARG', /got Infinity/);
  assertCbramError(
    () => checkPositiveInt('crossbar', 'rows', -3),
    'E_ARG',
    /crossbar: rows must be a positive integer, got -3/,
  );
  assertCbramError(() => checkInt('f', 'n', '3'), 'E_ARG', /got "3"/);
});

test('checkOneOf suggests the nearest choice', () => {
  assert.equal(checkOneOf('f', 'mode', 'soft', ['soft', 'hard']), 'soft');
  assertCbramError(
    () => checkOneOf('f', 'mode', 'sfot', ['soft', 'hard']),
    'E_ARG',
    /f: mode must be one of "soft", "hard" \(did you mean "soft"\?\), got "sfot"/,
  );
});

test('checkFiniteArray finds the bad element', () => {
  assertCbramError(
    () => checkFiniteArray('f', 'a', [1, NaN, 2]),
    'E_ARG',
    /f: a\[1\] must be a finite number, got NaN/,
  );
  assertCbramError(
    () => checkFiniteArray('f', 'a', [1], 2),
    'E_ARG',
    /f: a.length must be 2, got 1/,
  );
  assertCbramError(
    () => checkFiniteArray('f', 'a', 'abc'),
    'E_ARG',
    /f: a must be an array of numbers/,
  );
});

test('formatValue and isCbramError', () => {
  assert.equal(formatValue(new Float32Array(3)), 'Float32Array(3)');
  assert.equal(formatValue([1, 2]), 'an array of length 2');
  assert.equal(formatValue({}), 'an object');
  assert.equal(formatValue(-0), '-0');
  assert.equal(isCbramError(new Error('x')), false);
  try {
    checkInt('f', 'n', 0.5);
  } catch (e) {
    assert.ok(isCbramError(e, 'E_ARG'));
  }
});
