import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/core/errors';
import { createRng } from '../../src/core/rng';
import {
  EVENT_KINDS,
  EVENT_PHASES,
  MEMORY_TECHNOLOGIES,
  OFF_CHIP_BUS,
  PROCESSOR_OPS,
  createLedger,
  vonNeumannBaseline,
} from '../../src/energy';

function throwsCbram(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(fn, { name: 'CbramError', code, message });
}

function close(a: number, b: number, rel = 1e-12): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `expected ${a} ≈ ${b}`);
}

const SRAM = MEMORY_TECHNOLOGIES.sram;
const DRAM = MEMORY_TECHNOLOGIES.dram;

test('10 set pulses → 10 word reads + 10 word writes', () => {
  const cbram = createLedger().record('set', 'train', 10, 10 * 0.25e-12);
  const vn = vonNeumannBaseline(cbram, { memory: 'sram' });
  assert.equal(vn.count('weightMove', 'train'), 20);
  close(vn.joules('weightMove', 'train'), 10 * (SRAM.read.joules + SRAM.write.joules));
  assert.equal(vn.count('mac'), 0);
  assert.equal(vn.count(), 20);
  assert.deepEqual(
    vn.breakdown().map((r) => `${r.kind}/${r.phase}`),
    ['weightMove/train'],
  );
});

test('reads become a weight read plus a MAC; phases are kept; spikes and ADC are dropped', () => {
  const cbram = createLedger()
    .record('reset', 'train', 4, 1e-12)
    .record('read', 'train', 100, 1e-12)
    .record('read', 'test', 7, 1e-13)
    .record('spike', 'train', 50, 1e-12)
    .record('adc', 'test', 9, 1e-12);
  const vn = vonNeumannBaseline(cbram, { memory: 'dram' });
  assert.equal(vn.count('weightMove', 'train'), 2 * 4 + 100);
  assert.equal(vn.count('mac', 'train'), 100);
  assert.equal(vn.count('weightMove', 'test'), 7);
  assert.equal(vn.count('mac', 'test'), 7);
  close(
    vn.joules(undefined, 'train'),
    4 * (DRAM.read.joules + DRAM.write.joules) +
      100 * DRAM.read.joules +
      100 * PROCESSOR_OPS.fp32Mac.joules,
  );
  for (const kind of ['set', 'reset', 'read', 'spike', 'adc'] as const)
    assert.equal(vn.count(kind), 0);
  assert.equal(vn.count(undefined, 'label') + vn.count(undefined, 'prune'), 0);
  assert.match(vn.label ?? '', /von Neumann, DRAM/);
});

test('property: baseline counts follow the mapping for random ledgers', () => {
  const rng = createRng(11).stream('energy/von-neumann');
  for (let trial = 0; trial < 30; trial++) {
    const l = createLedger();
    for (let i = 0; i < 50; i++) {
      const kind = EVENT_KINDS[rng.int(5)]!; // device pulses and periphery only
      const phase = EVENT_PHASES[rng.int(4)]!;
      const n = rng.int(500);
      l.record(kind, phase, n, n * 1e-13);
    }
    for (const memory of ['sram', 'dram'] as const) {
      const vn = vonNeumannBaseline(l, { memory });
      for (const phase of EVENT_PHASES) {
        const pulses = l.count('set', phase) + l.count('reset', phase);
        const reads = l.count('read', phase);
        assert.equal(vn.count('weightMove', phase), 2 * pulses + reads);
        assert.equal(vn.count('mac', phase), reads);
      }
      assert.ok(vn.joules() >= 0);
    }
  }
});

test('wordBits scales memory energy; int8 MAC is the default at 8 bits; mac and bus options', () => {
  const l = createLedger().record('set', 'train', 1, 0).record('read', 'test', 1, 0);
  const w32 = vonNeumannBaseline(l, { memory: 'sram' });
  const w8 = vonNeumannBaseline(l, { memory: 'sram', wordBits: 8 });
  close(w8.joules('weightMove'), w32.joules('weightMove') / 4);
  close(w8.joules('mac'), PROCESSOR_OPS.int8Mac.joules);
  close(w32.joules('mac'), PROCESSOR_OPS.fp32Mac.joules);
  const w8f = vonNeumannBaseline(l, { memory: 'sram', wordBits: 8, mac: 'fp32' });
  close(w8f.joules('mac'), PROCESSOR_OPS.fp32Mac.joules);
  const bus = vonNeumannBaseline(l, { memory: 'sram', offChipBus: true });
  close(bus.joules('weightMove') - w32.joules('weightMove'), 3 * OFF_CHIP_BUS.joules);
  assert.equal(vonNeumannBaseline(l, { memory: 'sram', label: 'VN' }).label, 'VN');
});

test('existing weightMove and mac events carry over; the input is unchanged', () => {
  const l = createLedger().record('weightMove', 'prune', 3, 3e-12).record('mac', 'prune', 2, 2e-12);
  const before = JSON.stringify(l);
  const vn = vonNeumannBaseline(l, { memory: 'dram' });
  assert.equal(JSON.stringify(l), before);
  assert.equal(vn.count('weightMove', 'prune'), 3);
  close(vn.joules('mac', 'prune'), 2e-12);
  assert.equal(vonNeumannBaseline(createLedger(), { memory: 'sram' }).count(), 0);
});

test('bad input: vonNeumannBaseline', () => {
  const l = createLedger();
  throwsCbram(
    () => vonNeumannBaseline({} as never, { memory: 'sram' }),
    'E_ARG',
    /vonNeumannBaseline: ledger must be an EnergyLedger, got an object/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, undefined as never),
    'E_ARG',
    /vonNeumannBaseline: options must be an object such as \{ memory: 'sram' \}, got undefined/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, 'sram' as never),
    'E_ARG',
    /vonNeumannBaseline: options must be an object, got "sram"/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', wordbits: 8 } as never),
    'E_OPTION',
    /vonNeumannBaseline: unknown option "wordbits" \(did you mean "wordBits"\?\)/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, {} as never),
    'E_ARG',
    /vonNeumannBaseline: options\.memory must be one of "sram", "dram", got undefined/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'dran' as never }),
    'E_ARG',
    /options\.memory must be one of "sram", "dram" \(did you mean "dram"\?\), got "dran"/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', wordBits: 0 }),
    'E_ARG',
    /vonNeumannBaseline: options\.wordBits must be an integer >= 1 and <= 64, got 0/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', wordBits: 12.5 }),
    'E_ARG',
    /options\.wordBits must be an integer/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', mac: 'fp16' as never }),
    'E_ARG',
    /vonNeumannBaseline: options\.mac must be one of "fp32", "int8"/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', offChipBus: 'yes' as never }),
    'E_ARG',
    /vonNeumannBaseline: options\.offChipBus must be true or false, got "yes"/,
  );
  throwsCbram(
    () => vonNeumannBaseline(l, { memory: 'sram', label: 1 as never }),
    'E_ARG',
    /vonNeumannBaseline: options\.label must be a string, got 1/,
  );
});
