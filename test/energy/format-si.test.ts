import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/core/errors';
import { fJ, nJ, pJ, uS } from '../../src/core/units';
import { formatSI } from '../../src/energy';

function throwsCbram(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(fn, { name: 'CbramError', code, message });
}

test('formatSI: prefixes and significant digits', () => {
  const cases: [number, string, string][] = [
    [2.5e-12, 'J', '2.5 pJ'],
    [2.5 * pJ, 'J', '2.5 pJ'],
    [1e-12, 'J', '1 pJ'],
    [640 * pJ, 'J', '640 pJ'],
    [1.3 * nJ, 'J', '1.3 nJ'],
    [4.6e-12, 'J', '4.6 pJ'],
    [0.23 * pJ, 'J', '230 fJ'],
    [10 * fJ, 'J', '10 fJ'],
    [50 * uS, 'S', '50 µS'],
    [1, 'J', '1 J'],
    [1234, 'J', '1.23 kJ'],
    [1e6, 'J', '1 MJ'],
    [0.001, 'J', '1 mJ'],
    [-2.5e-12, 'J', '-2.5 pJ'],
    [0, 'J', '0 J'],
    [-0, 'J', '0 J'],
    [1.23456e-18, 'J', '1.23 aJ'],
    [1e-24, 'J', '1 yJ'],
  ];
  for (const [value, unit, want] of cases) assert.equal(formatSI(value, unit), want, `${value}`);
});

test('formatSI: rounding that crosses a prefix boundary moves to the next prefix', () => {
  assert.equal(formatSI(999.96e-12, 'J'), '1 nJ');
  assert.equal(formatSI(999.4e-12, 'J'), '999 pJ');
  assert.equal(formatSI(-999.96, 'J'), '-1 kJ');
  assert.equal(formatSI(0.99999999e-3, 'J'), '1 mJ');
});

test('formatSI: digits option, empty unit, out-of-range exponents', () => {
  assert.equal(formatSI(1234, 'J', { digits: 4 }), '1.234 kJ');
  assert.equal(formatSI(1234, 'J', { digits: 1 }), '1 kJ');
  assert.equal(formatSI(2.5e-12, 'J', {}), '2.5 pJ');
  assert.equal(formatSI(1500, ''), '1.5k');
  assert.equal(formatSI(1e-30, 'J'), '1e-30 J');
  assert.equal(formatSI(2e27, 'J'), '2e+27 J');
});

test('bad input: formatSI', () => {
  throwsCbram(
    () => formatSI(NaN, 'J'),
    'E_ARG',
    /formatSI: value must be a finite number, got NaN/,
  );
  throwsCbram(
    () => formatSI(Infinity, 'J'),
    'E_ARG',
    /formatSI: value must be a finite number, got Infinity/,
  );
  throwsCbram(
    () => formatSI('1' as never, 'J'),
    'E_ARG',
    /formatSI: value must be a finite number, got "1"/,
  );
  throwsCbram(() => formatSI(1, 5 as never), 'E_ARG', /formatSI: unit must be a string, got 5/);
  throwsCbram(
    () => formatSI(1, 'J', { digit: 2 } as never),
    'E_OPTION',
    /formatSI: unknown option "digit" \(did you mean "digits"\?\)/,
  );
  throwsCbram(
    () => formatSI(1, 'J', { digits: 0 }),
    'E_ARG',
    /formatSI: options\.digits must be an integer >= 1 and <= 15, got 0/,
  );
  throwsCbram(
    () => formatSI(1, 'J', { digits: 2.5 }),
    'E_ARG',
    /formatSI: options\.digits must be an integer/,
  );
});
