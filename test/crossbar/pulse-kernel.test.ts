// The WebAssembly pulse kernel against the JS reference (DeviceArray.pulse): identical random
// pulse programs through a WASM crossbar and a JS one (`simd: false`) with the same seed must give
// bit-identical conductances, identical counters and energy events, and the same cycle-to-cycle
// generator state afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '../../src/core/rng';
import {
  createDeviceArray,
  createTally,
  defineDevice,
  devicePreset,
  FAULT_STUCK_OFF,
  FAULT_STUCK_ON,
  PRESET_NAMES,
  type DeviceConfig,
  type PresetName,
} from '../../src/device';
import { createCrossbar, type Crossbar, type EnergySink } from '../../src/crossbar/crossbar';
import { createCrossbarKernels, isSimdAvailable } from '../../src/crossbar/kernels';
import { assertCbramError } from '../helpers';

const skip = isSimdAvailable() ? false : 'WebAssembly SIMD is not available here';

type Event = [string, string, number, number];

function sink(): EnergySink & { events: Event[] } {
  const events: Event[] = [];
  return { events, record: (k, p, c, j) => void events.push([k, p, c, j]) };
}

/**
 * Pulse counts for a line of n cells: a dense line (every cell one pulse, as the kernel's fast
 * path takes), a dense prefix then a mixed rest, or mixed throughout (zeros, single pulses, some
 * multi-pulse counts, rarely the extremes), sometimes with few zeros (dense runs between them).
 */
function randomPulses(rng: Rng, n: number, multi: boolean): Int8Array {
  const p = new Int8Array(n);
  const mode = rng.float();
  const dense = mode < 0.25 ? n : mode < 0.5 ? rng.int(n + 1) : 0;
  const zeros = mode < 0.75 ? rng.float() * 0.6 : rng.float() * 0.05;
  for (let k = 0; k < n; k++) {
    const sign = rng.bernoulli(0.4) ? 1 : -1;
    if (k < dense) {
      p[k] = sign;
      continue;
    }
    if (rng.float() < zeros) continue;
    const v = rng.float();
    const count =
      !multi || v < 0.75 ? 1 : v < 0.98 ? 2 + rng.int(6) : rng.bernoulli(0.5) ? 127 : 40;
    p[k] = sign * count;
  }
  return p;
}

/** The same random program on `a` and `b`: line pulses, with cells frozen and thawed on the way. */
function runProgram(a: Crossbar, b: Crossbar, seed: number, steps: number, multi: boolean): void {
  const rng = createRng(seed);
  const { rows, cols } = a;
  for (let s = 0; s < steps; s++) {
    const u = rng.float();
    if (u < 0.1) {
      const r = rng.int(rows);
      const c = rng.int(cols);
      const frozen = rng.bernoulli(0.7);
      a.setFrozen(r, c, frozen);
      b.setFrozen(r, c, frozen);
    } else if (u < 0.55) {
      const c = rng.int(cols);
      const p = randomPulses(rng, rows, multi);
      a.pulseColumn(c, p);
      b.pulseColumn(c, p);
    } else {
      const r = rng.int(rows);
      const p = randomPulses(rng, cols, multi);
      a.pulseRow(r, p);
      b.pulseRow(r, p);
    }
  }
}

function assertSame(wasm: Crossbar, js: Crossbar, ew: Event[], ej: Event[], what: string): void {
  assert.equal(wasm.kernels.simd, true, `${what}: the WASM crossbar uses WebAssembly`);
  assert.equal(js.kernels.simd, false, `${what}: the reference uses JS`);
  const gw = new Uint32Array(wasm.g.buffer, wasm.g.byteOffset, wasm.g.length);
  const gj = new Uint32Array(js.g.buffer, js.g.byteOffset, js.g.length);
  let diff = -1;
  for (let k = 0; k < gw.length && diff < 0; k++) if (gw[k] !== gj[k]) diff = k;
  assert.equal(
    diff,
    -1,
    `${what}: g differs first at cell ${diff}: ${wasm.g[diff]} vs ${js.g[diff]}`,
  );
  assert.deepEqual(wasm.counters, js.counters, `${what}: counters`);
  assert.deepEqual(ew, ej, `${what}: energy events (tallies)`);
  assert.deepEqual(wasm.c2cRng.getState(), js.c2cRng.getState(), `${what}: c2c state`);
  const next = (r: Rng) => [r.uint32(), r.normal(), r.normal()];
  assert.deepEqual(next(wasm.c2cRng), next(js.c2cRng), `${what}: the stream continues alike`);
}

function compare(
  device: DeviceConfig,
  rows: number,
  cols: number,
  seed: number,
  steps: number,
  multi = true,
): void {
  const lw = sink();
  const lj = sink();
  const opts = { rows, cols, device, seed, initial: 0.5 };
  const wasm = createCrossbar({ ...opts, ledger: lw });
  const js = createCrossbar({ ...opts, ledger: lj, simd: false });
  runProgram(wasm, js, seed + 1000, steps, multi);
  assertSame(wasm, js, lw.events, lj.events, `${device.name} ${rows}x${cols} seed ${seed}`);
}

/** Variants of a preset that exercise every branch of the kernel. */
function variants(name: PresetName): DeviceConfig[] {
  return [
    devicePreset(name),
    devicePreset(name, { c2cStd: 0 }),
    devicePreset(name, { levels: 16 }),
    devicePreset(name, { levels: 5, c2cStd: 0.05 }),
    devicePreset(name, { pStuckOff: 0.05, pStuckOn: 0.05 }),
    devicePreset(name, { c2cStd: 0.4 }), // large noise: clamps at both bounds, many ziggurat tails
  ];
}

test('WASM pulse kernel = JS kernel: random programs, every preset and variant', { skip }, () => {
  let seed = 1;
  for (const name of PRESET_NAMES) {
    for (const device of variants(name)) {
      compare(device, 37, 53, seed++, 400);
      compare(device, 1, 7, seed++, 60);
      compare(device, 6, 1, seed++, 60);
    }
  }
});

test('WASM pulse kernel = JS kernel: a large run on the paper-sized array', { skip }, () => {
  // About 1.4 M cycle-to-cycle normals per noisy preset: the ziggurat's slow path (~3 % of
  // normals) runs tens of thousands of times and its tail (~0.06 %) hundreds of times, so the
  // branches that call exp and log are compared bit for bit too.
  for (const name of PRESET_NAMES) {
    compare(devicePreset(name), 397, 500, 7, 2500, false);
    compare(devicePreset(name), 397, 500, 8, 600, true);
  }
});

test('levels round half up, as Math.round does, on both paths', { skip }, () => {
  // A dyadic linear device: x moves by exactly 1/64 per pulse and 32 level steps make every odd
  // step land on a tie (x·32 = k + 1/2), which Math.round takes up and round-half-even would not.
  const device = defineDevice({
    name: 'dyadic',
    model: { kind: 'linear', setPulses: 64, resetPulses: 64 },
    gMin: 2 ** -20,
    gMax: 2 ** -20 + 2 ** -15,
    levels: 33,
  });
  for (const simd of [true, false]) {
    const xbar = createCrossbar({ rows: 2, cols: 3, device, initial: 0.5, simd });
    // x·32 = 16.5 → 17; 15.5 → 16; three pulses, each a tie: 16.5 → 17, 17.5 → 18, 18.5 → 19.
    xbar.pulseRow(0, Int8Array.of(1, -1, 3));
    const x = [0, 1, 2].map((j) => xbar.devices.normalized(j));
    assert.deepEqual(x, [17 / 32, 16 / 32, 19 / 32], `simd: ${simd}`);
  }
  let seed = 100;
  for (const c2cStd of [0, 0.01]) compare(defineDevice({ c2cStd }, device), 11, 13, seed++, 300);
});

test('WASM pulse kernel tallies exactly as DeviceArray.pulse', { skip }, () => {
  const rows = 23;
  const cols = 31;
  const config = devicePreset('rram-generic', { pStuckOff: 0.1, pStuckOn: 0.1 });
  const k = createCrossbarKernels(rows, cols);
  const dw = createDeviceArray(config, rows * cols, createRng(5), { ...k.storage, initial: 0.4 });
  const dj = createDeviceArray(config, rows * cols, createRng(5), { initial: 0.4 });
  const pk = k.bindPulse(dw);
  assert.ok(pk, 'a pulse kernel on the WebAssembly path');
  const mask = new Uint8Array(rows * cols);
  const rng = createRng(6);
  for (let c = 0; c < rows * cols; c += 7) k.mask[c] = mask[c] = 1;
  const cw = createRng(9).stream('c2c');
  const cj = createRng(9).stream('c2c');
  for (let s = 0; s < 200; s++) {
    const col = rng.bernoulli(0.5);
    const line = col ? rng.int(cols) : rng.int(rows);
    const [start, stride, count] = col ? [line, cols, rows] : [line * cols, 1, cols];
    const p = randomPulses(rng, count, true);
    const tw = createTally();
    const tj = createTally();
    pk.pulse(start, stride, count, p, cw, tw);
    dj.pulse(start, stride, count, p, mask, cj, tj);
    assert.deepEqual(tw, tj, `tally of step ${s}`);
  }
  assert.deepEqual([...dw.g], [...dj.g]);
  assert.deepEqual(cw.getState(), cj.getState());
  assert.ok(
    dj.stuck.some((f) => f === FAULT_STUCK_OFF) && dj.stuck.some((f) => f === FAULT_STUCK_ON),
  );
});

test('the pulse kernel rejects lines outside the array', { skip }, () => {
  const k = createCrossbarKernels(3, 4);
  const dev = createDeviceArray(devicePreset('ideal'), 12, createRng(1), k.storage);
  const pk = k.bindPulse(dev)!;
  const c2c = createRng(2);
  const t = createTally();
  const p = new Int8Array(4).fill(1);
  pk.pulse(8, 1, 4, p, c2c, t); // the last row
  assert.equal(t.set, 4);
  for (const [start, stride, count] of [
    [9, 1, 4],
    [-1, 1, 2],
    [0, 0, 2],
    [0, 4, 4],
    [0, 1, 5],
  ] as const) {
    assertCbramError(
      () => pk.pulse(start, stride, count, p, c2c, t),
      'E_ARG',
      /PulseKernel.pulse: \(start, stride, count, pulses\) must be a line of distinct cells/,
    );
  }
  const other = createDeviceArray(devicePreset('ideal'), 12, createRng(1));
  assertCbramError(
    () => k.bindPulse(other),
    'E_ARG',
    /CrossbarKernels.bindPulse: devices must be a DeviceArray created on these kernels’ storage/,
  );
  assert.equal(createCrossbarKernels(3, 4, { simd: false }).bindPulse(other), null);
});

test('createDeviceArray takes all per-cell storage from the caller, and checks it', () => {
  const buf = new ArrayBuffer(6 * 4 * 4 + 12);
  const view = (at: number) => new Float32Array(buf, at * 24, 6);
  const storage = {
    g: view(0),
    lo: view(1),
    span: view(2),
    scale: view(3),
    stuck: new Uint8Array(buf, 96, 6),
  };
  const dev = createDeviceArray(devicePreset('rram-generic'), 6, createRng(1), {
    ...storage,
    initial: 0.5,
  });
  for (const k of ['g', 'lo', 'span', 'scale', 'stuck'] as const) assert.equal(dev[k], storage[k]);
  const ref = createDeviceArray(devicePreset('rram-generic'), 6, createRng(1), { initial: 0.5 });
  assert.deepEqual([...dev.g], [...ref.g], 'the same draws, whatever the storage');
  assertCbramError(
    () => createDeviceArray(devicePreset('ideal'), 6, createRng(1), { lo: new Float32Array(5) }),
    'E_ARG',
    /createDeviceArray: options.lo must be a Float32Array of length 6/,
  );
  assertCbramError(
    () =>
      createDeviceArray(devicePreset('ideal'), 6, createRng(1), {
        stuck: new Int8Array(6) as never,
      }),
    'E_ARG',
    /createDeviceArray: options.stuck must be a Uint8Array of length 6/,
  );
  assertCbramError(
    () =>
      createDeviceArray(devicePreset('ideal'), 6, createRng(1), {
        g: view(1),
        span: new Float32Array(buf, 28, 6),
      }),
    'E_ARG',
    /createDeviceArray: options.span must be storage that does not overlap options.g/,
  );
});
