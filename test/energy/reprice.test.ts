import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/core/errors';
import { createRng } from '../../src/core/rng';
import {
  EVENT_KINDS,
  EVENT_PHASES,
  MEMORY_TECHNOLOGIES,
  createLedger,
  reprice,
  vonNeumannBaseline,
} from '../../src/energy';

function throwsCbram(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(fn, { name: 'CbramError', code, message });
}

function close(a: number, b: number, rel = 1e-12): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `expected ${a} ≈ ${b}`);
}

test('reprice recomputes the given kinds and keeps the others', () => {
  const l = createLedger({ label: 'CBRAM' })
    .record('set', 'train', 10, 2.5e-12)
    .record('reset', 'prune', 4, 1e-12)
    .record('spike', 'train', 3, 7e-12);
  const before = JSON.stringify(l);
  const r = reprice(l, { set: 1e-12, reset: MEMORY_TECHNOLOGIES.sram.write });
  assert.equal(JSON.stringify(l), before);
  assert.equal(r.label, 'CBRAM');
  close(r.joules('set', 'train'), 10e-12);
  close(r.joules('reset', 'prune'), 4 * MEMORY_TECHNOLOGIES.sram.write.joules);
  assert.equal(r.joules('spike', 'train'), 7e-12);
  for (const kind of EVENT_KINDS)
    for (const phase of EVENT_PHASES) assert.equal(r.count(kind, phase), l.count(kind, phase));
  assert.equal(reprice(l, { set: 0 }).joules('set'), 0);
  assert.equal(reprice(l, { read: undefined }).joules(), l.joules());
});

test('property: reprice with every kind given is count × energy; with none it is a copy', () => {
  const rng = createRng(5).stream('energy/reprice');
  for (let trial = 0; trial < 20; trial++) {
    const l = createLedger();
    for (let i = 0; i < 40; i++) {
      const n = rng.int(1000);
      l.record(EVENT_KINDS[rng.int(7)]!, EVENT_PHASES[rng.int(4)]!, n, n * rng.uniform(0, 1e-12));
    }
    const e = Object.fromEntries(EVENT_KINDS.map((k) => [k, rng.uniform(0, 1e-11)]));
    const r = reprice(l, e);
    let want = 0;
    for (const kind of EVENT_KINDS) want += l.count(kind) * e[kind]!;
    close(r.joules(), want);
    assert.deepEqual(reprice(l, {}).toJSON(), l.toJSON());
  }
});

test('reprice compares technologies on one baseline run', () => {
  const l = createLedger().record('set', 'train', 100, 0);
  const sram = vonNeumannBaseline(l, { memory: 'sram' });
  const asDram = reprice(sram, { weightMove: MEMORY_TECHNOLOGIES.dram.read });
  close(asDram.joules(), vonNeumannBaseline(l, { memory: 'dram' }).joules());
});

test('bad input: reprice', () => {
  const l = createLedger();
  throwsCbram(
    () => reprice(null as never, {}),
    'E_ARG',
    /reprice: ledger must be an EnergyLedger, got null/,
  );
  throwsCbram(
    () => reprice(l, undefined as never),
    'E_ARG',
    /reprice: perEvent must be an object of J per event by kind, got undefined/,
  );
  throwsCbram(
    () => reprice(l, [] as never),
    'E_ARG',
    /reprice: perEvent must be an object of J per event by kind, got an array of length 0/,
  );
  throwsCbram(
    () => reprice(l, { sett: 1e-12 } as never),
    'E_OPTION',
    /reprice: unknown option "sett" \(did you mean "set"\?\)/,
  );
  throwsCbram(
    () => reprice(l, { set: -1e-12 }),
    'E_ARG',
    /reprice: perEvent\.set must be a finite number >= 0 \(J per event\) or an EventEnergy, got -1e-12/,
  );
  throwsCbram(
    () => reprice(l, { read: NaN }),
    'E_ARG',
    /reprice: perEvent\.read must be .*got NaN/,
  );
  throwsCbram(
    () => reprice(l, { mac: { joules: 'x' } as never }),
    'E_ARG',
    /reprice: perEvent\.mac must be .*got an object/,
  );
  throwsCbram(
    () => reprice(l, { adc: null as never }),
    'E_ARG',
    /reprice: perEvent\.adc must be .*got null/,
  );
});
