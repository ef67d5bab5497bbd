import { test } from 'node:test';
import assert from 'node:assert/strict';
import { op } from 'arquero';
import { createRng, type Rng } from '../../src/core/rng';
import type { ErrorCode } from '../../src/core/errors';
import {
  EVENT_KINDS,
  EVENT_PHASES,
  EnergyLedger,
  createLedger,
  isEventKind,
  isEventPhase,
  type EventKind,
  type EventPhase,
} from '../../src/energy';

function throwsCbram(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(fn, { name: 'CbramError', code, message });
}

function close(a: number, b: number, rel = 1e-12): void {
  const tol = rel * Math.max(Math.abs(a), Math.abs(b));
  assert.ok(Math.abs(a - b) <= tol, `expected ${a} ≈ ${b} (tolerance ${tol})`);
}

interface Rec {
  kind: EventKind;
  phase: EventPhase;
  count: number;
  joules: number;
}

/** A random sequence of records: counts up to 1000 pulses, 1 fJ to 1 nJ per event. */
function randomRecords(rng: Rng, n: number): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const count = rng.bernoulli(0.1) ? 0 : rng.int(1000);
    const perEvent = 10 ** rng.uniform(-15, -9);
    out.push({
      kind: EVENT_KINDS[rng.int(EVENT_KINDS.length)]!,
      phase: EVENT_PHASES[rng.int(EVENT_PHASES.length)]!,
      count,
      joules: count * perEvent,
    });
  }
  return out;
}

function ledgerOf(recs: Rec[]): EnergyLedger {
  const l = createLedger();
  for (const r of recs) l.record(r.kind, r.phase, r.count, r.joules);
  return l;
}

test('kinds and phases are the documented unions, in ledger order', () => {
  assert.deepEqual(EVENT_KINDS, ['set', 'reset', 'read', 'spike', 'adc', 'weightMove', 'mac']);
  assert.deepEqual(EVENT_PHASES, ['train', 'label', 'test', 'prune']);
  assert.ok(Object.isFrozen(EVENT_KINDS) && Object.isFrozen(EVENT_PHASES));
  assert.equal(isEventKind('set'), true);
  assert.equal(isEventKind('toString'), false);
  assert.equal(isEventKind(3), false);
  assert.equal(isEventPhase('prune'), true);
  assert.equal(isEventPhase('constructor'), false);
});

test('record accumulates per kind and phase; filters select cells', () => {
  const l = createLedger();
  l.record('set', 'train', 10, 2.5e-12).record('set', 'train', 5, 1.25e-12);
  l.record('read', 'test', 398, 3.98e-12);
  assert.equal(l.count('set', 'train'), 15);
  close(l.joules('set', 'train'), 3.75e-12);
  assert.equal(l.count('set'), 15);
  assert.equal(l.count(undefined, 'test'), 398);
  assert.equal(l.count(), 413);
  close(l.joules(), 7.73e-12);
  assert.equal(l.count('reset'), 0);
  assert.deepEqual(l.breakdown(), [
    { kind: 'set', phase: 'train', count: 15, joules: l.joules('set', 'train') },
    { kind: 'read', phase: 'test', count: 398, joules: l.joules('read', 'test') },
  ]);
  assert.equal(
    l.breakdown({ includeEmpty: true }).length,
    EVENT_KINDS.length * EVENT_PHASES.length,
  );
});

test('zero counts are allowed; energy-only records show in the breakdown', () => {
  const l = createLedger().record('adc', 'label', 0, 0).record('spike', 'train', 0, 1e-12);
  assert.equal(l.count(), 0);
  assert.deepEqual(l.breakdown(), [{ kind: 'spike', phase: 'train', count: 0, joules: 1e-12 }]);
});

test('property: totals equal the sum of parts; byKind and byPhase sum to the total', () => {
  const root = createRng(20240611).stream('energy/ledger-properties');
  for (let trial = 0; trial < 50; trial++) {
    const recs = randomRecords(root, root.int(200));
    const l = ledgerOf(recs);
    const count = recs.reduce((s, r) => s + r.count, 0);
    const joules = recs.reduce((s, r) => s + r.joules, 0);
    const t = l.totals();
    assert.equal(t.count, count); // integer counts add exactly
    close(t.joules, joules);
    assert.equal(l.count(), t.count);
    assert.equal(l.joules(), t.joules);

    const byKind = l.byKind();
    const byPhase = l.byPhase();
    assert.deepEqual(Object.keys(byKind), EVENT_KINDS);
    assert.deepEqual(Object.keys(byPhase), EVENT_PHASES);
    close(
      Object.values(byKind).reduce((s, v) => s + v.joules, 0),
      t.joules,
    );
    close(
      Object.values(byPhase).reduce((s, v) => s + v.joules, 0),
      t.joules,
    );
    assert.equal(
      Object.values(byKind).reduce((s, v) => s + v.count, 0),
      t.count,
    );
    assert.equal(
      Object.values(byPhase).reduce((s, v) => s + v.count, 0),
      t.count,
    );
    for (const kind of EVENT_KINDS) {
      const want = recs.filter((r) => r.kind === kind).reduce((s, r) => s + r.joules, 0);
      close(byKind[kind].joules, want);
      assert.equal(l.joules(kind), byKind[kind].joules);
    }
    for (const phase of EVENT_PHASES) {
      const want = recs.filter((r) => r.phase === phase).reduce((s, r) => s + r.count, 0);
      assert.equal(byPhase[phase].count, want);
    }
    // never negative
    for (const row of l.breakdown({ includeEmpty: true })) {
      assert.ok(row.count >= 0 && row.joules >= 0);
    }
    const rows = l.breakdown();
    close(
      rows.reduce((s, r) => s + r.joules, 0),
      t.joules,
    );
    assert.ok(rows.every((r) => r.count > 0 || r.joules > 0));
  }
});

test('property: merge is additive and leaves the argument unchanged', () => {
  const rng = createRng(7).stream('energy/merge');
  for (let trial = 0; trial < 30; trial++) {
    const a = randomRecords(rng, rng.int(100));
    const b = randomRecords(rng, rng.int(100));
    const la = ledgerOf(a);
    const lb = ledgerOf(b);
    const bBefore = JSON.stringify(lb);
    const merged = la.clone().merge(lb);
    assert.equal(JSON.stringify(lb), bBefore);
    const all = ledgerOf([...a, ...b]);
    for (const kind of EVENT_KINDS) {
      for (const phase of EVENT_PHASES) {
        assert.equal(merged.count(kind, phase), la.count(kind, phase) + lb.count(kind, phase));
        close(merged.joules(kind, phase), all.joules(kind, phase));
      }
    }
    close(merged.joules(), la.joules() + lb.joules());
    // merge into an empty ledger gives an equal ledger
    assert.deepEqual(createLedger().merge(la).toJSON(), la.toJSON());
  }
});

test('reset zeroes and keeps the label; clone is independent', () => {
  const l = createLedger({ label: 'CBRAM' }).record('set', 'train', 3, 3e-12);
  const c = l.clone();
  assert.equal(c.label, 'CBRAM');
  l.record('set', 'train', 1, 1e-12);
  assert.equal(c.count(), 3);
  assert.equal(l.reset(), l);
  assert.equal(l.count(), 0);
  assert.equal(l.joules(), 0);
  assert.equal(l.label, 'CBRAM');
  assert.equal(c.count(), 3);
  assert.equal(new EnergyLedger().label, undefined);
});

test('JSON round trip (object and text) keeps every cell and the label', () => {
  const rng = createRng(99).stream('energy/json');
  const l = ledgerOf(randomRecords(rng, 300));
  l.label = 'run 1';
  const json = l.toJSON();
  assert.equal(json.version, 1);
  assert.equal(json.counts.length, EVENT_KINDS.length * EVENT_PHASES.length);
  assert.equal(json.joules.length, json.counts.length);
  const again = EnergyLedger.fromJSON(JSON.parse(JSON.stringify(l)));
  assert.deepEqual(again.toJSON(), json);
  assert.deepEqual(EnergyLedger.fromJSON(JSON.stringify(l)).toJSON(), json);
  assert.equal(again.label, 'run 1');
  // kind-major layout: cell = kind * 4 + phase
  const one = createLedger().record('read', 'test', 2, 5e-15).toJSON();
  assert.equal(one.counts[2 * 4 + 2], 2);
  assert.equal(one.joules[2 * 4 + 2], 5e-15);
  assert.equal('label' in one, false);
});

test('toTable: columns kind, phase, count, joules; sums equal totals', () => {
  const rng = createRng(3).stream('energy/table');
  const l = ledgerOf(randomRecords(rng, 150));
  const t = l.toTable();
  assert.deepEqual(t.columnNames(), ['kind', 'phase', 'count', 'joules']);
  assert.equal(t.numRows(), l.breakdown().length);
  const sums = t.rollup({ count: op.sum('count'), joules: op.sum('joules') }).object() as {
    count: number;
    joules: number;
  };
  const totals = l.totals();
  assert.equal(sums.count, totals.count);
  close(sums.joules, totals.joules);
  const byPhase = t
    .groupby('phase')
    .rollup({ joules: op.sum('joules') })
    .objects() as { phase: EventPhase; joules: number }[];
  for (const row of byPhase) close(row.joules, l.joules(undefined, row.phase));
  assert.equal(l.toTable({ includeEmpty: true }).numRows(), 28);
  assert.equal(createLedger().toTable().numRows(), 0);
});

test('toString summarises with SI prefixes', () => {
  assert.equal(String(createLedger()), 'EnergyLedger: empty');
  assert.equal(String(createLedger({ label: 'x' })), 'EnergyLedger "x": empty');
  const l = createLedger({ label: 'CBRAM' })
    .record('set', 'train', 1000, 2.5e-10)
    .record('read', 'test', 398, 3.98e-15);
  const s = l.toString();
  const lines = s.split('\n');
  assert.equal(lines[0], 'EnergyLedger "CBRAM": 1,398 events, 250 pJ');
  assert.match(lines[1]!, /^ {2}kind +count +joules +train +label +test +prune$/);
  assert.match(lines[2]!, /^ {2}set +1,000 +250 pJ +250 pJ +- +- +-$/);
  assert.match(lines[3]!, /^ {2}read +398 +3\.98 fJ +- +- +3\.98 fJ +-$/);
  assert.match(lines[4]!, /^ {2}total +1,398 +250 pJ +250 pJ +- +3\.98 fJ +-$/);
  assert.equal(lines.length, 5);
});

test('bad input: createLedger / constructor', () => {
  throwsCbram(
    () => createLedger({ lable: 'x' } as never),
    'E_OPTION',
    /createLedger: unknown option "lable" \(did you mean "label"\?\)/,
  );
  throwsCbram(
    () => createLedger(5 as never),
    'E_ARG',
    /createLedger: options must be an object, got 5/,
  );
  throwsCbram(
    () => new EnergyLedger({ label: 3 as never }),
    'E_ARG',
    /createLedger: options.label must be a string, got 3/,
  );
});

test('bad input: record names the parameter and value', () => {
  const l = createLedger();
  throwsCbram(
    () => l.record('sett' as never, 'train', 1, 0),
    'E_ARG',
    /EnergyLedger\.record: kind must be one of "set", .* \(did you mean "set"\?\), got "sett"/,
  );
  throwsCbram(
    () => l.record('toString' as never, 'train', 1, 0),
    'E_ARG',
    /EnergyLedger\.record: kind must be one of/,
  );
  throwsCbram(
    () => l.record('set', 'training' as never, 1, 0),
    'E_ARG',
    /EnergyLedger\.record: phase must be one of "train", .*got "training"/,
  );
  throwsCbram(
    () => l.record('set', 'train', -1, 0),
    'E_ARG',
    /EnergyLedger\.record: count must be a finite number >= 0, got -1/,
  );
  throwsCbram(
    () => l.record('set', 'train', NaN, 0),
    'E_ARG',
    /EnergyLedger\.record: count must be .*got NaN/,
  );
  throwsCbram(
    () => l.record('set', 'train', Infinity, 0),
    'E_ARG',
    /EnergyLedger\.record: count must be .*got Infinity/,
  );
  throwsCbram(
    () => l.record('set', 'train', '3' as never, 0),
    'E_ARG',
    /EnergyLedger\.record: count must be .*got "3"/,
  );
  throwsCbram(
    () => l.record('set', 'train', 1, -1e-12),
    'E_ARG',
    /EnergyLedger\.record: joules must be a finite number >= 0 \(J\), got -1e-12/,
  );
  throwsCbram(
    () => l.record('set', 'train', 1, NaN),
    'E_ARG',
    /EnergyLedger\.record: joules must be .*got NaN/,
  );
  throwsCbram(
    () => l.record('set', 'train', 1, Infinity),
    'E_ARG',
    /EnergyLedger\.record: joules must be .*got Infinity/,
  );
  throwsCbram(
    () => l.record('set', 'train', 1, undefined as never),
    'E_ARG',
    /EnergyLedger\.record: joules must be .*got undefined/,
  );
  // a rejected record changes nothing
  assert.equal(l.count(), 0);
  assert.equal(l.joules(), 0);
});

test('bad input: count, joules, breakdown, toTable, merge', () => {
  const l = createLedger();
  throwsCbram(
    () => l.count('spikes' as never),
    'E_ARG',
    /EnergyLedger\.count: kind must be one of .*\(did you mean "spike"\?\), got "spikes"/,
  );
  throwsCbram(
    () => l.count(undefined, 'tst' as never),
    'E_ARG',
    /EnergyLedger\.count: phase must be one of .*\(did you mean "test"\?\)/,
  );
  throwsCbram(
    () => l.joules(null as never),
    'E_ARG',
    /EnergyLedger\.joules: kind must be one of .*got null/,
  );
  throwsCbram(
    () => l.joules('set', 7 as never),
    'E_ARG',
    /EnergyLedger\.joules: phase must be one of .*got 7/,
  );
  throwsCbram(
    () => l.breakdown({ includeEmtpy: true } as never),
    'E_OPTION',
    /EnergyLedger\.breakdown: unknown option "includeEmtpy" \(did you mean "includeEmpty"\?\)/,
  );
  throwsCbram(
    () => l.breakdown({ includeEmpty: 1 as never }),
    'E_ARG',
    /EnergyLedger\.breakdown: options\.includeEmpty must be true or false, got 1/,
  );
  throwsCbram(
    () => l.toTable({ all: true } as never),
    'E_OPTION',
    /EnergyLedger\.toTable: unknown option "all"/,
  );
  throwsCbram(
    () => l.toTable({ includeEmpty: 'yes' as never }),
    'E_ARG',
    /EnergyLedger\.toTable: options\.includeEmpty must be true or false, got "yes"/,
  );
  throwsCbram(
    () => l.merge({} as never),
    'E_ARG',
    /EnergyLedger\.merge: other must be an EnergyLedger, got an object/,
  );
  throwsCbram(
    () => l.merge(l.toJSON() as never),
    'E_ARG',
    /EnergyLedger\.merge: other must be an EnergyLedger/,
  );
});

test('bad input: fromJSON', () => {
  const good = createLedger().record('set', 'train', 1, 1e-12).toJSON();
  const n = good.counts.length;
  throwsCbram(
    () => EnergyLedger.fromJSON('{nope'),
    'E_DATA',
    /EnergyLedger\.fromJSON: json must be valid JSON text/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON(null as never),
    'E_DATA',
    /EnergyLedger\.fromJSON: json must be an object from EnergyLedger\.toJSON\(\), got null/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON([] as never),
    'E_DATA',
    /EnergyLedger\.fromJSON: json must be an object/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, version: undefined } as never),
    'E_DATA',
    /EnergyLedger\.fromJSON: json\.version must be 1, got undefined/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, version: 2 } as never),
    'E_CHECKSUM',
    /EnergyLedger\.fromJSON: json\.version must be 1 .*got 2/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, counts: good.counts.slice(1) }),
    'E_DATA',
    new RegExp(`json\\.counts must be an array of ${n} numbers .*got an array of length ${n - 1}`),
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, joules: 'x' } as never),
    'E_DATA',
    /json\.joules must be an array of 28 numbers/,
  );
  const neg = good.counts.slice();
  neg[5] = -1;
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, counts: neg }),
    'E_DATA',
    /EnergyLedger\.fromJSON: json\.counts\[5\] must be a finite number >= 0, got -1/,
  );
  const nan = good.joules.slice();
  nan[0] = null as never;
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, joules: nan }),
    'E_DATA',
    /json\.joules\[0\] must be a finite number >= 0, got null/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, label: 4 } as never),
    'E_DATA',
    /json\.label must be a string, got 4/,
  );
  throwsCbram(
    () => EnergyLedger.fromJSON({ ...good, extra: 1 } as never),
    'E_DATA',
    /json\.extra must be absent/,
  );
});

test('record is cheap: a million calls in well under two seconds', () => {
  const l = createLedger();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 1e6; i++) l.record('set', 'train', 1, 1e-13);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(l.count(), 1e6);
  close(l.joules(), 1e-7, 1e-9);
  assert.ok(ms < 2000, `1e6 records took ${ms} ms`);
});
