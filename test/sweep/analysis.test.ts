/** Seed summaries (mean, s.d., Student-t interval) and the Pareto front of sweep rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paretoFront, seedSummary, studentT975 } from '../../src/sweep/analysis';
import type { TrialRow } from '../../src/sweep/results';

function row(trial: number, c2c: number, seed: number, accuracy: number, energy: number): TrialRow {
  return {
    trial,
    params: { 'device.c2cStd': c2c },
    seed,
    metrics: { accuracy, energy_J: energy },
    images_per_s: 1,
    wall_s: 1,
    run: { id: 'x', host: 'h', pid: 1, finished: '', resumed: false },
  };
}

test('studentT975: the table up to 30 degrees of freedom, Cornish-Fisher beyond', () => {
  assert.equal(studentT975(1), 12.706);
  assert.equal(studentT975(2), 4.303);
  assert.equal(studentT975(30), 2.042);
  // Reference values t(0.975, df) from standard tables.
  assert.ok(Math.abs(studentT975(40) - 2.0211) < 2e-4);
  assert.ok(Math.abs(studentT975(120) - 1.9799) < 2e-4);
  assert.ok(studentT975(31) < studentT975(30) && studentT975(31) > studentT975(40));
  assert.throws(() => studentT975(0), /studentT975: df must be an integer >= 1, got 0/);
});

test('seedSummary groups by configuration: mean, sample s.d. and the 95 % interval', () => {
  const rows = [
    row(5, 0.05, 2, 0.8, 2),
    row(0, 0, 0, 0.9, 1),
    row(1, 0, 1, 0.92, 1),
    row(2, 0, 2, 0.94, 1),
    row(3, 0.05, 0, 0.7, 2),
  ];
  const s = seedSummary(rows, 'accuracy');
  assert.equal(s.length, 2);
  assert.deepEqual(s[0]!.params, { 'device.c2cStd': 0 });
  assert.deepEqual(s[0]!.seeds, [0, 1, 2]);
  assert.ok(Math.abs(s[0]!.mean - 0.92) < 1e-15);
  assert.ok(Math.abs(s[0]!.std - 0.02) < 1e-15);
  assert.ok(Math.abs(s[0]!.ci95 - (4.303 * 0.02) / Math.sqrt(3)) < 1e-15);
  assert.deepEqual(s[1]!.seeds, [0, 2]);
  assert.ok(Math.abs(s[1]!.mean - 0.75) < 1e-15);
  assert.ok(Math.abs(s[1]!.ci95 - (12.706 * Math.sqrt(0.005)) / Math.sqrt(2)) < 1e-12);
  const one = seedSummary([row(0, 0, 0, 0.9, 1)]);
  assert.equal(one[0]!.std, 0);
  assert.ok(Number.isNaN(one[0]!.ci95));
  assert.throws(
    () => seedSummary(rows, 'acc'),
    /seedSummary: metric must be a metric of the rows \(accuracy, energy_J\), got "acc"/,
  );
});

test('paretoFront keeps the rows no other row beats on both energy and accuracy', () => {
  const rows = [
    row(0, 0, 0, 0.9, 3),
    row(1, 0, 1, 0.8, 1),
    row(2, 0, 2, 0.85, 2),
    row(3, 0, 3, 0.84, 2.5), // dominated by trial 2
    row(4, 0, 4, 0.8, 1.5), // dominated by trial 1
    row(5, 0, 5, 0.95, 5),
  ];
  assert.deepEqual(
    paretoFront(rows).map((r) => r.trial),
    [1, 2, 0, 5],
  );
  assert.deepEqual(paretoFront([]), []);
});
