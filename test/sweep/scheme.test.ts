/**
 * Pulse schemes in sweeps: `device.scheme` and `device.temperature` compile a physical preset
 * (cbram-ecm) per trial. A scheme trial equals compiling the scheme by hand and training with
 * createTrainer, bit for bit; a bad scheme is refused before any trial.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPaperMnist } from '../../src/data/mnist';
import { compileEcm, compiledEcm } from '../../src/device/ecm/compile';
import { ECM_DEVICES } from '../../src/device/ecm/devices';
import { PRESETS } from '../../src/device/presets';
import { pulseResponse } from '../../src/device/curves';
import { energyOf } from '../../src/device/energy';
import { EVENT_KINDS } from '../../src/energy/events';
import { evaluate } from '../../src/learning/evaluate';
import { createTrainer } from '../../src/learning/trainer';
import { DeviceSynapses } from '../../src/network/synapses';
import { defineSweep, trialAt } from '../../src/sweep/spec';
import { refused } from './helpers';
import { runTrial } from '../../src/sweep/trial';

const ECM = ECM_DEVICES['cbram-ecm'];
const ISPP = { kind: 'ispp', amplitude: 0.9, width: 10e-9, step: 0.01 } as const;
const LOW = { amplitude: 0.9, width: 10e-9 };

/** Plain copies of a config's fields, for deepEqual against another compilation. */
function fields(c: object): unknown {
  return JSON.parse(JSON.stringify(c));
}

test('device.scheme points compile the physical preset per trial', () => {
  const s = defineSweep({
    base: { device: 'cbram-ecm', outputs: 10, epochs: 1, imagesPerEpoch: 200 },
    points: [
      { 'device.scheme': { set: LOW, reset: LOW } },
      { 'device.scheme': { set: ISPP } },
      { 'device.scheme': { set: LOW }, 'device.temperature': 350 },
    ],
    seeds: [0, 1],
  });
  assert.equal(s.trials, 6);
  assert.deepEqual(s.varied, ['device.scheme', 'device.temperature']);
  const t = trialAt(s, 2);
  assert.deepEqual(t.params['device.scheme'], { set: ISPP });
  assert.equal(t.params['device.temperature'], null, 'a point without it takes the base (none)');
  assert.equal(t.seed, 0);
  const byHand = compileEcm(ECM, { scheme: { set: ISPP } });
  assert.deepEqual(fields(t.config.device!), fields(byHand));
  assert.deepEqual(fields(t.config.train.device as object), fields(byHand));
  // The compiled device keeps what it was compiled with; the untouched half is the default.
  assert.equal(compiledEcm(t.config.device!)!.scheme.set.kind, 'ispp');
  assert.deepEqual(t.config.physical!.scheme.reset, ECM.scheme.reset);
  assert.equal(t.config.physical!.temperature, ECM.params.ambient);
  const hot = trialAt(s, 4).config;
  assert.equal(hot.physical!.temperature, 350);
  assert.match(hot.device!.source, /Compiled at 350 K; SET identical 0\.9 V/);
  // Seeds share one compilation.
  assert.equal(trialAt(s, 3).config.device, t.config.device);
  // Without a scheme the preset itself is used.
  const plain = trialAt(defineSweep({ base: { device: 'cbram-ecm' } }), 0).config;
  assert.equal(plain.device, PRESETS['cbram-ecm']);
  assert.equal(plain.physical, null);
});

test('scheme fields are parameters: a half given in part starts from the default half', () => {
  const s = defineSweep({
    base: {
      device: { preset: 'cbram-ecm', c2cStd: 0.002, scheme: { reset: { width: 5e-9 } } },
    },
    grid: { 'device.scheme.set.amplitude': [0.9, 1.1] },
  });
  assert.equal(s.trials, 2);
  const c = trialAt(s, 1).config;
  assert.deepEqual(c.physical!.scheme.set, {
    ...ECM.scheme.set,
    amplitude: 1.1,
  });
  assert.equal(c.physical!.scheme.reset.width, 5e-9);
  assert.equal(c.physical!.scheme.reset.amplitude, ECM.scheme.reset.amplitude);
  // Other device fields apply on top of the compiled device.
  const byHand = compileEcm(ECM, {
    scheme: { set: { amplitude: 1.1, width: 10e-9 }, reset: { amplitude: 1, width: 5e-9 } },
  });
  assert.deepEqual(fields(c.device!), fields({ ...byHand, c2cStd: 0.002 }));
  // A varied scheme replaces the base's scheme fields: the base RESET width does not leak in.
  const v = defineSweep({
    base: { device: { preset: 'cbram-ecm', scheme: { reset: { width: 5e-9 } } } },
    points: [{ 'device.scheme': { set: LOW } }],
  });
  assert.deepEqual(trialAt(v, 0).config.physical!.scheme.reset, ECM.scheme.reset);
});

test('a scheme trial equals compiling the scheme by hand and training with createTrainer', async () => {
  const mnist = loadPaperMnist();
  const small = { outputs: 12, epochs: 1, imagesPerEpoch: 300 };
  const ev = { labelImages: 200, testImages: 200 };
  const sweep = defineSweep({
    base: { device: 'cbram-ecm', ...small },
    evaluate: ev,
    points: [{ 'device.scheme': { set: ISPP, reset: LOW } }],
    seeds: [5],
  });
  const out = await runTrial(sweep, 0, { data: () => mnist });
  assert.equal(out.status, 'completed');
  const row = out.status === 'completed' ? out.row : null;

  const device = compileEcm(ECM, { scheme: { set: ISPP, reset: LOW } });
  const t = createTrainer(mnist.train, { ...small, device, seed: 5 });
  await t.train();
  const e = evaluate(t, { testData: mnist.test, ...ev });
  const xbar = (t.synapses as DeviceSynapses).crossbar;
  assert.equal(row!.metrics.accuracy, e.accuracy);
  assert.equal(row!.metrics.mean_spikes, e.meanSpikes);
  assert.equal(row!.metrics.energy_J, t.ledger.joules());
  assert.equal(row!.metrics.set_pulses, xbar.counters.setPulses);
  assert.equal(row!.metrics.reset_pulses, xbar.counters.resetPulses);
  for (const k of EVENT_KINDS) assert.equal(row!.metrics[`energy_${k}_J`], t.ledger.joules(k));
  assert.ok(row!.metrics.set_pulses! > 0 && row!.metrics.reset_pulses! > 0);
  // The scheme matters: the default scheme gives other pulse counts.
  const dflt = defineSweep({ base: { device: 'cbram-ecm', ...small }, evaluate: ev, seeds: [5] });
  const other = await runTrial(dflt, 0, { data: () => mnist });
  assert.equal(other.status, 'completed');
  if (other.status === 'completed')
    assert.notEqual(other.row.metrics.energy_J, row!.metrics.energy_J);
});

test('a device-only sweep simulates the scheme at the temperature', async () => {
  const s = defineSweep({
    kind: 'pulseResponse',
    pulseResponse: { cycles: 1, devices: 2, setPulses: 40, resetPulses: 40 },
    base: { device: { preset: 'cbram-ecm', c2cStd: 0.001 } },
    grid: { 'device.scheme.set.amplitude': [0.8, 1.2] },
  });
  const rows = [];
  for (let i = 0; i < s.trials; i++) {
    const o = await runTrial(s, i);
    assert.equal(o.status, 'completed');
    if (o.status === 'completed') rows.push(o.row);
  }
  // A stronger SET pulse covers half the swing in fewer pulses.
  assert.ok(rows[1]!.metrics.set_half_pulses! < rows[0]!.metrics.set_half_pulses!);
  // The energy is the physics' ∫V·I dt of every pulse, as pulseResponse reports it, not the
  // V²·G·t of the compiled config's nominal pulses.
  const t = trialAt(s, 0);
  const r = pulseResponse(t.config.device!, {
    ...t.config.pulseResponse,
    seed: t.seed,
    ...t.config.physical!,
  });
  let physics = 0;
  let nominal = 0;
  for (let j = 0; j < r.energy.length; j++) {
    physics += r.energy[j]!;
    if (r.pulse[j]! > 0) {
      const pulse = r.direction[j] === 'set' ? t.config.device!.set : t.config.device!.reset;
      nominal += energyOf(pulse, 1, r.conductance[j - 1]!);
    }
  }
  const e = rows[0]!.metrics.energy_J!;
  assert.ok(Math.abs(e - physics) <= 1e-12 * physics, `${e} vs ${physics}`);
  assert.ok(
    Math.abs(nominal - physics) > 0.01 * physics,
    `the two pricings differ here: ${nominal} vs ${physics}`,
  );
});

test('bad schemes are refused before any trial, naming the place, the value and what is allowed', () => {
  const ecm = { device: 'cbram-ecm' };
  refused(
    { points: [{ 'device.scheme': { set: LOW } }] },
    /trial 0 \(device\.scheme = .*\): defineSweep: device\.scheme must be given only with a physical device preset \("cbram-ecm"\), not "cbram-subquantum"/,
  );
  refused(
    { base: { device: 'pcm-like' }, grid: { 'device.temperature': [300, 358] } },
    /device\.temperature must be given only with a physical device preset .*not "pcm-like"/,
  );
  refused(
    { base: ecm, grid: { 'device.scheme.set.amplitude': [1, 3] } },
    /trial 1 \(device\.scheme\.set\.amplitude = 3, seed = 0\): defineSweep: device\.scheme\.set\.amplitude must be within ±2 V/,
  );
  refused(
    { base: ecm, points: [{ 'device.scheme': { set: { ...LOW, kind: 'staircase' } } }] },
    /defineSweep: device\.scheme\.set\.kind must be one of .*"ispp".*got "staircase"/,
  );
  refused(
    { base: ecm, points: [{ 'device.scheme': { set: { ...LOW, amplitud: 1 } } }] },
    /defineSweep \(device\.scheme\.set\): unknown option "amplitud" \(did you mean "amplitude"\?\)/,
    'E_OPTION',
  );
  refused(
    { base: ecm, points: [{ 'device.scheme': { sett: LOW } }] },
    /defineSweep \(device\.scheme\): unknown option "sett" \(did you mean "set"\?\)/,
    'E_OPTION',
  );
  refused(
    { base: ecm, points: [{ 'device.scheme': { set: 1 } }] },
    /device\.scheme\.set must be an object \{ amplitude, width, kind\?, \.\.\. \}/,
  );
  refused(
    { base: ecm, grid: { 'device.scheme.set.ampltude': [1] } },
    /unknown parameter "device\.scheme\.set\.ampltude" in grid \(did you mean "device\.scheme\.set\.amplitude"\?\)/,
    'E_OPTION',
  );
  refused(
    { base: ecm, grid: { 'device.scheme.set.width': [1e-8, -1e-9] } },
    /trial 1 .*: defineSweep: device\.scheme\.set\.width must be a finite number >= 0 and <= 1, got -1e-9/,
  );
  refused(
    { base: ecm, grid: { 'device.scheme.set.width': [0] } },
    /trial 0 .*: defineSweep: device\.scheme\.set\.width must be a pulse width > 0 and <= 1 s, got 0/,
  );
  refused(
    { base: ecm, grid: { 'device.temperature': [300, 2000] } },
    /device\.temperature \(K\) must be a finite number >= 1 and <= 1000, got 2000/,
  );
  refused(
    { base: { ...ecm, 'device.scheme': 'fast' } },
    /base\.device\.scheme must be an object, got "fast"/,
  );
  refused(
    {
      base: { device: { preset: 'cbram-ecm', model: { kind: 'steps', set: [0.1], reset: [0.1] } } },
      points: [{ 'device.scheme': { set: LOW } }],
    },
    /device\.model must be left out when device\.scheme or device\.temperature is given/,
  );
  refused(
    { base: { rule: 'ideal' }, points: [{ 'device.scheme': { set: LOW } }] },
    /device\.scheme must be given only with rule "device"/,
  );
});
