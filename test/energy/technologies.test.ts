import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOROWITZ_45NM,
  MEMORY_TECHNOLOGIES,
  OFF_CHIP_BUS,
  PROCESSOR_OPS,
  type EventEnergy,
} from '../../src/energy';

function close(a: number, b: number, rel = 1e-12): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `expected ${a} ≈ ${b}`);
}

function allEntries(): [string, EventEnergy][] {
  const out: [string, EventEnergy][] = [];
  for (const [k, v] of Object.entries(HOROWITZ_45NM)) out.push([`HOROWITZ_45NM.${k}`, v]);
  for (const [k, m] of Object.entries(MEMORY_TECHNOLOGIES)) {
    out.push([`${k}.read`, m.read], [`${k}.write`, m.write]);
  }
  for (const [k, v] of Object.entries(PROCESSOR_OPS)) out.push([`PROCESSOR_OPS.${k}`, v]);
  out.push(['OFF_CHIP_BUS', OFF_CHIP_BUS]);
  return out;
}

test('every per-event energy is positive, finite, sourced, and gives a reason when assumed', () => {
  for (const [name, e] of allEntries()) {
    assert.ok(Number.isFinite(e.joules) && e.joules > 0, name);
    assert.ok(e.source.length > 10, name);
    assert.equal(typeof e.assumed, 'boolean', name);
    if (e.assumed) assert.ok((e.reason ?? '').length > 10, `${name} needs a reason`);
    assert.ok(Object.isFrozen(e), name);
  }
  assert.ok(Object.isFrozen(MEMORY_TECHNOLOGIES) && Object.isFrozen(PROCESSOR_OPS));
});

test('the cited 45 nm figures (Horowitz, ISSCC 2014)', () => {
  close(HOROWITZ_45NM.sram8kB64.joules, 10e-12);
  close(HOROWITZ_45NM.sram32kB64.joules, 20e-12);
  close(HOROWITZ_45NM.sram1MB64.joules, 100e-12);
  close(HOROWITZ_45NM.fp32Add.joules, 0.9e-12);
  close(HOROWITZ_45NM.fp32Mult.joules, 3.7e-12);
  close(HOROWITZ_45NM.int8Add.joules, 0.03e-12);
  close(HOROWITZ_45NM.int8Mult.joules, 0.2e-12);
  for (const e of Object.values(HOROWITZ_45NM)) {
    assert.equal(e.assumed, false);
    assert.match(e.source, /Horowitz.*ISSCC 2014/);
  }
});

test('memories per 32-bit word and MACs as mult + add', () => {
  close(MEMORY_TECHNOLOGIES.dram.read.joules, 640e-12);
  assert.equal(MEMORY_TECHNOLOGIES.dram.read.assumed, false);
  assert.equal(MEMORY_TECHNOLOGIES.dram.write.assumed, true);
  close(MEMORY_TECHNOLOGIES.sram.read.joules, HOROWITZ_45NM.sram1MB64.joules / 2);
  assert.equal(MEMORY_TECHNOLOGIES.sram.read.assumed, true);
  for (const m of Object.values(MEMORY_TECHNOLOGIES)) assert.equal(m.wordBits, 32);
  assert.ok(MEMORY_TECHNOLOGIES.dram.read.joules > 10 * MEMORY_TECHNOLOGIES.sram.read.joules);
  close(PROCESSOR_OPS.fp32Mac.joules, 4.6e-12);
  close(PROCESSOR_OPS.int8Mac.joules, 0.23e-12);
  assert.equal(OFF_CHIP_BUS.assumed, true);
  close(OFF_CHIP_BUS.joules, 160e-12);
});
