// The per-spike training kernels in WebAssembly (src/crossbar/wasm/train.ts) against their JS
// references: the softmax winner draw (src/network/softmax.ts after the store's gather) and both
// STDP rules (LearningRule.update, on a plain-JS store, `simd: false`). Seeded random weights,
// masks, active lists, biases and learning rates must give the same winners, bit-identical
// weights or conductances, the same counts, energy events and generator states. And the draw's
// distribution must match exact softmax sampling (chi-square).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '../../src/core/rng';
import { createCrossbar, type EnergySink } from '../../src/crossbar/crossbar';
import { isSimdAvailable, type EncoderKernel } from '../../src/crossbar/kernels';
import { createPoissonEncoder } from '../../src/network/encoding';
import { DeviceSynapses, IdealSynapses } from '../../src/network/synapses';
import { bound32, exp32, softmaxDraw } from '../../src/network/softmax';
import { DeviceStdp, IdealStdp, type UpdateCounts } from '../../src/learning/stdp';
import { defineDevice } from '../../src/device/config';
import { PRESETS } from '../../src/device/presets';

const skip = isSimdAvailable() ? false : 'WebAssembly SIMD is not available here';

type Event = [string, string, number, number];

function sink(): EnergySink & { events: Event[] } {
  const events: Event[] = [];
  return { events, record: (k, p, c, j) => void events.push([k, p, c, j]) };
}

/** `count` distinct inputs out of n, in random order. */
function activeList(rng: Rng, n: number, count: number): Int32Array {
  return Int32Array.from(rng.permutation(n).subarray(0, count));
}

function randomBias(rng: Rng, K: number, spread: number): Float64Array {
  return Float64Array.from({ length: K }, () => rng.uniform(-spread, spread));
}

test('fdlibm exp in WebAssembly equals Math.exp bit for bit', { skip }, () => {
  const tk = new IdealSynapses(2, 2).kernels.train!;
  const rng = createRng(11);
  const special = [
    0,
    -0,
    1e-300,
    -1e-300,
    2 ** -29,
    -(2 ** -29),
    0.3465735902799726,
    -0.3465735902799727,
    1.0397207708399179,
    -1.0397207708399179,
    -1.04,
    -707,
    -707.01,
    -708.4,
    -709,
    -745.1332191019411,
    -745.2,
    -746,
    709.78,
    709.79,
    1,
    -1,
    Infinity,
    -Infinity,
    42.5,
    -42.5,
  ];
  for (const x of special) assert.ok(Object.is(tk.expFdlibm(x), Math.exp(x)), `exp(${x})`);
  assert.ok(Number.isNaN(tk.expFdlibm(NaN)));
  for (let j = 0; j < 200_000; j++) {
    const scale = [1, 2, 60, 800][j & 3]!;
    const x = rng.uniform(-scale, j % 5 === 0 ? scale : 0);
    const got = tk.expFdlibm(x);
    if (got !== Math.exp(x)) assert.fail(`exp(${x}): ${got} ≠ ${Math.exp(x)}`);
  }
});

test(
  'the softmax float32 exp: WebAssembly lanes equal the JS reference, within 2.5e-7 of exp',
  { skip },
  () => {
    const tk = new IdealSynapses(2, 2).kernels.train!;
    const rng = createRng(14);
    const f = Math.fround;
    const edges = [
      0,
      -0,
      -1e-30,
      -0.5,
      -1,
      f(-0.34657359),
      -10,
      -86.99,
      -87,
      f(-87.00001),
      -88,
      -1e4,
    ];
    const special = [NaN, -Infinity];
    for (const x of [...edges, ...special]) {
      const want = exp32(f(x));
      for (let lane = 0; lane < 4; lane++) {
        const xs = [-1, -2, -3, -4];
        xs[lane] = x;
        const got = tk.exp32Lane(xs[0]!, xs[1]!, xs[2]!, xs[3]!, lane);
        assert.ok(Object.is(got, want), `exp32(${x}) lane ${lane}: ${got} ≠ ${want}`);
      }
    }
    assert.equal(exp32(0), 1);
    assert.equal(exp32(-88), 0);
    assert.equal(exp32(NaN), 0);
    let worst = 0;
    for (let j = 0; j < 200_000; j++) {
      const x = f(-rng.float() * [1, 10, 87][j % 3]!);
      const want = exp32(x);
      const got = tk.exp32Lane(x, f(x / 2), f(x * 0.7), -5, 0);
      if (!Object.is(got, want)) assert.fail(`exp32(${x}): ${got} ≠ ${want}`);
      const exact = Math.exp(x);
      if (exact > 1e-37) worst = Math.max(worst, Math.abs(got - exact) / exact);
    }
    assert.ok(worst < 2.5e-7, `relative error ${worst}`);
    assert.ok(worst > 0);
    // The ideal rule's LTP takes exp32(−w) for |w| < 80: positive arguments too.
    let worstUp = 0;
    for (let j = 0; j < 100_000; j++) {
      const x = f(rng.float() * [1, 80][j % 2]!);
      const got = tk.exp32Lane(x, -1, -2, -3, 0);
      if (!Object.is(got, exp32(x))) assert.fail(`exp32(${x}): ${got} ≠ ${exp32(x)}`);
      worstUp = Math.max(worstUp, Math.abs(got - Math.exp(x)) / Math.exp(x));
    }
    assert.ok(worstUp < 2.5e-7 && worstUp > 0, `relative error above 0: ${worstUp}`);
  },
);

test(
  "the draw's bound of exp32: WebAssembly lanes equal the JS reference, above exp32",
  { skip },
  () => {
    const tk = new IdealSynapses(2, 2).kernels.train!;
    const f = Math.fround;
    for (const x of [0, -0, -1e-30, -0.5, -1, -86.99, -87, f(-87.00001), -88, NaN, -Infinity]) {
      const want = bound32(f(x));
      for (let lane = 0; lane < 4; lane++) {
        const xs = [-1, -2, -3, -4];
        xs[lane] = x;
        const got = tk.bound32Lane(xs[0]!, xs[1]!, xs[2]!, xs[3]!, lane);
        assert.ok(Object.is(got, want), `bound32(${x}) lane ${lane}: ${got} ≠ ${want}`);
      }
    }
    assert.equal(bound32(-88), 0);
    assert.equal(bound32(NaN), 0);
    // Above exp32 everywhere on [−87, 0], and at most 6.2 % (+ the padding) above it: every
    // float32 in [−1, 0] below 2^−10 apart, and 400,000 random points.
    const rng = createRng(15);
    let worst = 1;
    let margin = Infinity; // the least room above exp32, in units of 2^−23
    const check = (x: number) => {
      const b = bound32(x);
      const e = exp32(x);
      if (!(b >= e)) assert.fail(`bound32(${x}) = ${b} < exp32 = ${e}`);
      worst = Math.max(worst, b / e);
      margin = Math.min(margin, (b / e - 1) * 2 ** 23);
    };
    for (let x = 0; x >= -1; x -= 2 ** -10) check(f(x));
    for (let j = 0; j < 400_000; j++) {
      const x = f(-rng.float() * [1, 10, 87][j % 3]!);
      check(x);
      if (j % 97 === 0 && !Object.is(tk.bound32Lane(x, -1, -2, -3, 0), bound32(x)))
        assert.fail(`lane at ${x}`);
    }
    assert.ok(worst < 1.0616 * (1 + 3e-5), `bound at most ${worst} × exp32`);
    assert.ok(worst > 1.06, `the chord's gap is reached (${worst})`);
    // Unpadded, the chord falls up to about 12 units below exp32 from rounding: the padding keeps
    // far more room than that everywhere.
    assert.ok(margin > 100, `room above exp32: ${margin} units`);
  },
);

/** softmaxDraw's block prefix sums of the bounds for v (softmaxDraw leaves v in its u). */
function blockPrefix(v: Float64Array): Float64Array {
  const f = Math.fround;
  const max = v.reduce((m, x) => (x > m ? x : m), -Infinity);
  const nb = Math.ceil(v.length / 4);
  const e = (i: number) => (i < v.length ? bound32(f(v[i]! - max)) : 0);
  const P = new Float64Array(nb);
  let sum = 0;
  for (let j = 0; j < nb; j++) {
    sum += f(f(e(4 * j) + e(4 * j + 1)) + f(e(4 * j + 2) + e(4 * j + 3)));
    P[j] = sum;
  }
  return P;
}

// The reference reads through the same SIMD gather (sumActive): the JS gather accumulates in
// float64 rather than float32, so its sums differ in the last bits (test/crossbar/kernels.test.ts).
test(
  'the fused WebAssembly softmax draw equals the gather + softmaxDraw reference',
  { skip },
  () => {
    const N = 37;
    const K = 23; // odd: the kernel's scalar tail
    const rng = createRng(5);
    for (const [device, spread] of [
      [false, 3],
      [false, 400], // exp arguments below −707 and the scalar branches
      [true, 3],
    ] as const) {
      let wasm: IdealSynapses | DeviceSynapses;
      let js: IdealSynapses | DeviceSynapses;
      const ledgers = [sink(), sink()];
      if (device) {
        const make = (simd: boolean, i: number) =>
          new DeviceSynapses(
            createCrossbar({ rows: N, cols: K, seed: 3, simd, ledger: ledgers[i] }),
          );
        wasm = make(true, 0);
        js = make(true, 1);
        for (let i = 0; i < N; i++)
          for (let k = 0; k < K; k++) {
            const w = rng.uniform(-1, 1);
            wasm.setWeight(i, k, w);
            js.setWeight(i, k, w);
          }
      } else {
        wasm = new IdealSynapses(N, K);
        js = new IdealSynapses(N, K);
        for (let j = 0; j < N * K; j++) wasm.w[j] = js.w[j] = rng.uniform(-spread, spread) / 10;
      }
      assert.ok(device || (wasm as IdealSynapses).kernels.train !== null);
      const uW = new Float64Array(K);
      const uJ = new Float64Array(K);
      const winners = new Set<number>();
      for (let trial = 0; trial < 3000; trial++) {
        const count = rng.int(N + 1);
        const idx = activeList(rng, N, count);
        const bias = randomBias(rng, K, spread);
        const offset = rng.uniform(-5, 5);
        // Two copies of one stream, the first uniform near 1 now and then.
        const high = trial % 50 === 0;
        const [sW, sJ] = [createRng(1000 + trial), createRng(1000 + trial)].map((r) => {
          let first = high;
          return { float: () => (first ? ((first = false), 0.9999999997671694) : r.float()) };
        });
        const a = wasm.drawWinner(idx, count, bias, offset, sW!, uW);
        js.sumActive(idx, count, uJ);
        const b = softmaxDraw(uJ, bias, offset, sJ!);
        assert.equal(a, b, `trial ${trial}`);
        assert.equal(sW!.float(), sJ!.float(), `trial ${trial}: the same uniforms taken`);
        winners.add(a);
        // The kernel leaves the block prefix sums in u: the same float32 bounds and sums.
        const prefix = blockPrefix(uJ);
        const tk = wasm.train!;
        for (let j = 0; j < prefix.length; j++)
          if (!Object.is(tk.u[j], prefix[j])) assert.fail(`trial ${trial}: prefix ${j}`);
      }
      assert.ok(winners.size > K / 2, `winners vary (${winners.size})`);
      // The read energy: the same events; the kernel adds Σ o_k in four running sums.
      const [eW, eJ] = [ledgers[0]!.events, ledgers[1]!.events];
      assert.equal(eW.length, eJ.length);
      for (let j = 0; j < eW.length; j++) {
        assert.deepEqual(eW[j]!.slice(0, 3), eJ[j]!.slice(0, 3));
        assert.ok(Math.abs(eW[j]![3] - eJ[j]![3]) <= 1e-12 * eJ[j]![3], `event ${j}`);
      }
    }
  },
);

/**
 * The held potentials of `spikeWinnerSince` in plain JS: every float32 operation of the kernel,
 * in its order (the oracle of the incremental gather).
 */
class HeldPotentials {
  readonly pot: Float32Array;
  private readonly held: Uint8Array;
  private list: number[] = [];
  private dirty = new Set<number>();
  private fresh = true;
  /** Spikes that moved the held sums on, and spikes that summed their rows afresh. */
  moved = 0;
  summed = 0;

  constructor(
    private readonly g: Float32Array,
    private readonly N: number,
    private readonly K: number,
  ) {
    this.pot = new Float32Array(K);
    this.held = new Uint8Array(N);
  }

  reset(): void {
    this.fresh = true;
    this.held.fill(0);
    this.dirty.clear();
  }

  column(k: number): void {
    if (!this.fresh) this.dirty.add(k);
  }

  /** One spike: the active rows (last > since), with pot moved on to them. */
  step(last: Int32Array, since: number): number[] {
    const { g, K, pot, held } = this;
    const f = Math.fround;
    if (this.fresh) {
      pot.fill(0);
      this.list = [];
      this.fresh = false;
    }
    for (const k of this.dirty) {
      let acc = 0;
      for (const i of this.list) acc = f(acc + g[i * K + k]!);
      pot[k] = acc;
    }
    this.dirty.clear();
    const now: number[] = [];
    const enter: number[] = [];
    const leave: number[] = [];
    for (let i = 0; i < this.N; i++) {
      const a = last[i]! > since ? 1 : 0;
      if (a) now.push(i);
      if (a && !held[i]) enter.push(i);
      if (!a && held[i]) leave.push(i);
      held[i] = a;
    }
    if (enter.length + leave.length < now.length) {
      this.move(enter, 1);
      this.move(leave, -1);
      this.moved++;
    } else {
      pot.fill(0);
      this.move(now, 1);
      this.summed++;
    }
    this.list = now;
    return now;
  }

  /** pot ± the rows, four per pass: pot ± ((r0 + r1) + (r2 + r3)), then one at a time. */
  private move(rows: number[], sign: number): void {
    const { g, K, pot } = this;
    const f = Math.fround;
    let q = 0;
    for (; q + 3 < rows.length; q += 4) {
      const [o0, o1, o2, o3] = rows.slice(q, q + 4).map((i) => i * K);
      for (let j = 0; j < K; j++) {
        const s = f(f(g[o0! + j]! + g[o1! + j]!) + f(g[o2! + j]! + g[o3! + j]!));
        pot[j] = f(pot[j]! + sign * s);
      }
    }
    for (; q < rows.length; q++)
      for (let j = 0; j < K; j++) pot[j] = f(pot[j]! + sign * g[rows[q]! * K + j]!);
  }
}

test(
  'the held potentials of spikeWinnerSince equal their JS reference, and fresh sums within rounding',
  { skip },
  () => {
    const N = 37; // two whole blocks of sixteen rows and a part
    const K = 23;
    const WIN = 4;
    for (const device of [false, true]) {
      const rng = createRng(device ? 31 : 30);
      const ledger = sink();
      const syn = device
        ? new DeviceSynapses(createCrossbar({ rows: N, cols: K, seed: 3, ledger }))
        : new IdealSynapses(N, K);
      for (let i = 0; i < N; i++)
        for (let k = 0; k < K; k++) syn.setWeight(i, k, rng.uniform(-1, 1));
      const tk = syn.train!;
      const g = syn instanceof IdealSynapses ? syn.w : syn.crossbar.g;
      const ref = new HeldPotentials(g, N, K);
      const vr = device ? (syn as DeviceSynapses).crossbar.config.read.voltage : 0;
      let spikes = 0;
      for (let image = 0; image < 80; image++) {
        tk.potentialsReset();
        ref.reset();
        tk.last.fill(-(1 << 30));
        const density = [0.05, 0.2, 0.5][image % 3]!;
        for (let t = 0; t < 40; t++) {
          for (let i = 0; i < N; i++) if (rng.float() < density) tk.last[i] = t;
          if (rng.float() > 0.3) continue; // no output spike this step
          const since = t - WIN;
          const bias = randomBias(rng, K, 2);
          const offset = rng.uniform(-1, 1);
          const seed = rng.uint32();
          const before = ledger.events.length;
          const winner = syn.drawWinnerSince(since, bias, offset, createRng(seed));
          const now = ref.step(tk.last, since);
          spikes++;
          const at = `image ${image}, step ${t}`;
          assert.equal(tk.activeCount(), now.length, at);
          assert.deepEqual(Array.from(tk.idx.subarray(0, now.length)), now, at);
          for (let k = 0; k < K; k++)
            if (!Object.is(tk.pot[k], ref.pot[k])) assert.fail(`${at}: pot[${k}]`);
          // The winner is the softmax draw of the held sums (through the store's read transform).
          const u = Float64Array.from(ref.pot);
          if (syn instanceof DeviceSynapses)
            for (let k = 0; k < K; k++) u[k] = syn.a * now.length + (syn.b / vr) * (u[k]! * vr);
          assert.equal(winner, softmaxDraw(u, bias, offset, createRng(seed)), at);
          // Within float32 rounding of a fresh float64 sum of the active rows.
          for (let k = 0; k < K; k++) {
            let exact = 0;
            for (const i of now) exact += g[i * K + k]!;
            // Weights in [−1, 1]; conductances are positive, so their error is relative.
            const tol = device ? 1e-6 * exact + 1e-13 : 1e-5;
            if (Math.abs(tk.pot[k]! - exact) > tol) assert.fail(`${at}: ${tk.pot[k]} vs ${exact}`);
          }
          if (device) {
            // The read energy follows the held sums: Σ o_k = vr·Σ_k pot_k.
            assert.equal(ledger.events.length, before + 1, at);
            let o = 0;
            for (let k = 0; k < K; k++) o += ref.pot[k]! * vr;
            assert.ok(Math.abs(tk.readSum() - o) <= 1e-12 * Math.max(o, 1e-12), at);
          }
          // The winner's column changes (its learning rule), sometimes another column through
          // setWeight; both are summed afresh at the next spike.
          for (let i = 0; i < N; i++)
            if (rng.float() < 0.5) {
              if (syn instanceof IdealSynapses) syn.w[i * K + winner] = rng.uniform(-1, 1);
              else syn.crossbar.g[i * K + winner] = rng.uniform(1e-6, 5e-5);
            }
          ref.column(winner);
          if (rng.float() < 0.3) {
            const k2 = rng.int(K);
            syn.setWeight(rng.int(N), k2, rng.uniform(-1, 1));
            ref.column(k2);
          }
        }
      }
      assert.ok(spikes > 800, `spikes ${spikes}`);
      assert.ok(ref.moved > 300 && ref.summed > 100, `moved ${ref.moved}, summed ${ref.summed}`);
      // A full gather (drawWinner) forgets the held sums: the next spike sums afresh.
      const idx = Int32Array.of(1, 5, 9);
      syn.drawWinner(idx, 3, new Float64Array(K), 0, rng, new Float64Array(K));
      tk.last.fill(-(1 << 30));
      tk.last[2] = 10;
      syn.drawWinnerSince(5, new Float64Array(K), 0, rng);
      for (let k = 0; k < K; k++) assert.equal(tk.pot[k], g[2 * K + k], `after drawWinner: ${k}`);
    }
  },
);

test('the WebAssembly ideal STDP update equals IdealStdp.update bit for bit', { skip }, () => {
  const N = 41;
  const K = 17;
  const rng = createRng(8);
  const wasm = new IdealSynapses(N, K);
  const js = new IdealSynapses(N, K, -1, 1, false);
  for (let j = 0; j < N * K; j++) wasm.w[j] = js.w[j] = rng.uniform(-1.2, 1.2);
  // Every third column has no frozen cell (the kernel then skips the mask).
  for (let j = 0; j < N * K; j++)
    if ((j % K) % 3 !== 0 && rng.float() < 0.2) wasm.frozen[j] = js.frozen[j] = 1;
  const ruleW = new IdealStdp(wasm, Math.E);
  const ruleJ = new IdealStdp(js, Math.E);
  const cW: UpdateCounts = { ltp: 0, ltd: 0 };
  const cJ: UpdateCounts = { ltp: 0, ltd: 0 };
  const flags = new Uint8Array(N);
  for (let trial = 0; trial < 400; trial++) {
    // The mask changes between updates, and the rule is told: cells are frozen in one column that
    // had none, then cells are thawed anywhere and frozen in every column that had none.
    if (trial === 150) {
      for (let i = 0; i < N; i += 4) wasm.frozen[i * K + 3] = js.frozen[i * K + 3] = 1;
      ruleW.maskChanged(3);
    }
    if (trial === 300) {
      for (let j = 0; j < N * K; j += 5) wasm.frozen[j] = js.frozen[j] = (j % K) % 3 === 0 ? 1 : 0;
      ruleW.maskChanged();
    }
    const k = rng.int(K);
    const count = rng.int(N + 1);
    const idx = activeList(rng, N, count);
    const eta = [0.5, 0.02, 1e-4][trial % 3]!;
    ruleW.updateActive(k, idx, count, eta, cW);
    // The reference: update() with flags.
    for (let j = 0; j < count; j++) flags[idx[j]!] = 1;
    ruleJ.update(k, flags, eta, cJ);
    flags.fill(0);
  }
  assert.deepEqual(cW, cJ);
  assert.ok(cW.ltp > 0 && cW.ltd > 0);
  assert.deepEqual(
    new Uint32Array(wasm.w.buffer, wasm.w.byteOffset, N * K),
    new Uint32Array(js.w.buffer, js.w.byteOffset, N * K),
  );
});

test(
  'the ideal STDP skips the LTD of cells at w_min and stays equal to IdealStdp.update',
  { skip },
  () => {
    // Clean columns keep bits of which cells sit at w_min (their LTD is a no-op, skipped); the bits
    // must follow every way the weights change: the rule's own LTP and LTD, setWeight, direct
    // writes with maskChanged, a column frozen and thawed, η = 0 and η < 0.
    const N = 41; // two words of bits per column, the last block of sixteen rows partial
    const K = 7;
    const rng = createRng(9);
    const wasm = new IdealSynapses(N, K);
    const js = new IdealSynapses(N, K, -1, 1, false);
    for (let j = 0; j < N * K; j++)
      wasm.w[j] = js.w[j] = rng.float() < 0.4 ? -1 : rng.uniform(-1, 1);
    const ruleW = new IdealStdp(wasm, Math.E);
    const ruleJ = new IdealStdp(js, Math.E);
    const cW: UpdateCounts = { ltp: 0, ltd: 0 };
    const cJ: UpdateCounts = { ltp: 0, ltd: 0 };
    const flags = new Uint8Array(N);
    const same = (at: string) =>
      assert.deepEqual(
        new Uint32Array(wasm.w.buffer, wasm.w.byteOffset, N * K),
        new Uint32Array(js.w.buffer, js.w.byteOffset, N * K),
        at,
      );
    let floorLtd = 0; // LTD updates of cells at w_min (the ones skipped when trusted)
    for (let trial = 0; trial < 1200; trial++) {
      const k = rng.int(K);
      const count = rng.int(N + 1);
      const idx = activeList(rng, N, count);
      for (let j = 0; j < count; j++) flags[idx[j]!] = 1;
      for (let i = 0; i < N; i++) if (!flags[i] && js.w[i * K + k] === -1) floorLtd++;
      const eta = trial % 97 === 0 ? -0.01 : trial % 89 === 0 ? 0 : [0.3, 0.05, 0.002][trial % 3]!;
      ruleW.updateActive(k, idx, count, eta, cW);
      ruleJ.update(k, flags, eta, cJ);
      flags.fill(0);
      const r = rng.float();
      if (r < 0.05) {
        // setWeight tells the store's kernels itself.
        const i = rng.int(N);
        const c = rng.int(K);
        const w = rng.float() < 0.5 ? -1 : rng.uniform(-1, 1);
        wasm.setWeight(i, c, w);
        js.setWeight(i, c, w);
      } else if (r < 0.1) {
        // Direct writes, then maskChanged for that column (or every column).
        const c = rng.int(K);
        for (let i = 0; i < N; i += 3)
          wasm.w[i * K + c] = js.w[i * K + c] = rng.float() < 0.5 ? -1 : 0.25;
        ruleW.maskChanged(rng.float() < 0.5 ? c : undefined);
      } else if (r < 0.12) {
        // A column frozen in part (the masked path keeps no bits), later thawed.
        const c = rng.int(K);
        const v = wasm.frozen[c] === 0 ? 1 : 0;
        for (let i = 0; i < N; i += 5) wasm.frozen[i * K + c] = js.frozen[i * K + c] = v;
        ruleW.maskChanged(c);
      }
      if (trial % 100 === 99) same(`trial ${trial}`);
    }
    same('the end');
    assert.deepEqual(cW, cJ);
    assert.ok(floorLtd > 800, `LTD updates of cells at w_min: ${floorLtd}`);
    // The skip is real: a cell written behind the rule's back, without maskChanged, keeps the
    // value the bits do not know about.
    for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) wasm.frozen[i * K + k] = 0;
    ruleW.maskChanged();
    const all = Int32Array.from({ length: N }, (_, i) => i);
    for (let n = 0; n < 4; n++) ruleW.updateActive(0, all, 0, 0.5, cW); // column 0 to the floor
    wasm.w[5 * K] = 0.25;
    ruleW.updateActive(0, all, 0, 0.1, cW);
    assert.equal(wasm.w[5 * K], 0.25, 'a cell the bits put at w_min is left alone');
    ruleW.maskChanged(0);
    ruleW.updateActive(0, all, 0, 0.1, cW);
    assert.equal(wasm.w[5 * K], Math.fround(0.25 - 0.1), 'after maskChanged it is updated');
  },
);

test(
  'the WebAssembly ideal STDP update equals IdealStdp.update at the edges of its exp',
  { skip },
  () => {
    // exp(−w) four lanes at a time in float32 (exp32), falling back to fdlibm's exp lane by
    // lane beyond |w| = 80, and the clips.
    const edges = [
      79.99,
      -79.99,
      80,
      -80,
      85,
      -85,
      -1,
      1,
      0,
      -0,
      1e-10,
      -1e-10,
      2 ** -29,
      0.3465735902799726,
      0.34657359027997264,
      -0.3465735902799726,
      1.0397207708399179,
      -1.0397207708399179,
      1.04,
      -1.04,
      0.5,
      -0.75,
      3,
    ];
    const N = edges.length;
    const K = 3;
    const wasm = new IdealSynapses(N, K, -100, 100);
    const js = new IdealSynapses(N, K, -100, 100, false);
    const cW: UpdateCounts = { ltp: 0, ltd: 0 };
    const cJ: UpdateCounts = { ltp: 0, ltd: 0 };
    const rng = createRng(21);
    for (let trial = 0; trial < 50; trial++) {
      for (let i = 0; i < N; i++)
        for (let k = 0; k < K; k++) wasm.w[i * K + k] = js.w[i * K + k] = edges[(i + trial) % N]!;
      const count = 1 + rng.int(N);
      const idx = activeList(rng, N, count);
      const flags = new Uint8Array(N);
      for (let j = 0; j < count; j++) flags[idx[j]!] = 1;
      const k = trial % K;
      new IdealStdp(wasm, Math.E).updateActive(k, idx, count, 0.01, cW);
      new IdealStdp(js, Math.E).update(k, flags, 0.01, cJ);
      assert.deepEqual(
        new Uint32Array(wasm.w.buffer, wasm.w.byteOffset, N * K),
        new Uint32Array(js.w.buffer, js.w.byteOffset, N * K),
        `trial ${trial}`,
      );
    }
    assert.deepEqual(cW, cJ);
  },
);

for (const [name, device] of [
  ['the preset', PRESETS['cbram-subquantum']],
  // Stuck cells send a column through the pulse kernel's general path.
  ['stuck cells', defineDevice({ pStuckOff: 0.05, pStuckOn: 0.05 }, PRESETS['cbram-subquantum'])],
] as const)
  test(
    `the WebAssembly device STDP pulses equal DeviceStdp.update bit for bit (${name})`,
    { skip },
    () => {
      const N = 29;
      const K = 13;
      const rng = createRng(9);
      const ledgers = [sink(), sink()];
      const make = (simd: boolean, i: number) =>
        new DeviceSynapses(
          createCrossbar({ rows: N, cols: K, device, seed: 4, simd, ledger: ledgers[i] }),
        );
      const wasm = make(true, 0);
      const js = make(false, 1);
      for (let i = 0; i < N; i++)
        for (let k = 0; k < K; k++) {
          const w = rng.uniform(-1, 1);
          wasm.setWeight(i, k, w);
          js.setWeight(i, k, w);
          if (rng.float() < 0.15) wasm.frozen[i * K + k] = js.frozen[i * K + k] = 1;
        }
      const ruleW = new DeviceStdp(wasm, createRng(2).stream('pulses'));
      const streamJ = createRng(2).stream('pulses');
      const ruleJ = new DeviceStdp(js, streamJ);
      const cW: UpdateCounts = { ltp: 0, ltd: 0 };
      const cJ: UpdateCounts = { ltp: 0, ltd: 0 };
      const flags = new Uint8Array(N);
      const etaDev = ruleW.etaDevice;
      for (let trial = 0; trial < 300; trial++) {
        // The mask changes between updates, as pruning changes it: the kernel's rule keeps each
        // column's frozen count, so it is told (one column, then all of them).
        if (trial === 100 || trial === 200) {
          const col = rng.int(K);
          for (let i = 0; i < N; i++)
            if (rng.float() < 0.3) wasm.frozen[i * K + col] = js.frozen[i * K + col] = 1;
          if (trial === 100) ruleW.maskChanged(col);
          else ruleW.maskChanged();
        }
        const k = rng.int(K);
        const count = rng.int(N + 1);
        const idx = activeList(rng, N, count);
        // base 0 (geometric gaps, including a tiny fraction), base 1–3, and the 127-pulse cap.
        const eta = etaDev * [0.3, 1e-12, 0, 1.7, 3.2, 300][trial % 6]!;
        ruleW.updateActive(k, idx, count, eta, cW);
        for (let j = 0; j < count; j++) flags[idx[j]!] = 1;
        ruleJ.update(k, flags, eta, cJ);
        flags.fill(0);
      }
      assert.deepEqual(cW, cJ);
      const gW = wasm.crossbar.g;
      const gJ = js.crossbar.g;
      assert.deepEqual(
        new Uint32Array(gW.buffer, gW.byteOffset, N * K),
        new Uint32Array(gJ.buffer, gJ.byteOffset, N * K),
      );
      assert.deepEqual(wasm.crossbar.counters, js.crossbar.counters);
      assert.deepEqual(ledgers[0]!.events, ledgers[1]!.events);
      // The pulse stream advanced identically.
      const sW = (ruleW as unknown as { rng: Rng }).rng.getState();
      assert.deepEqual(sW, streamJ.getState());
      assert.ok(wasm.crossbar.counters.setPulses > 0 && wasm.crossbar.counters.resetPulses > 0);
    },
  );

/** Pearson's chi-square of observed counts against expected probabilities. */
function chiSquare(observed: Int32Array, p: Float64Array, n: number): number {
  let x2 = 0;
  for (let k = 0; k < p.length; k++) {
    const e = n * p[k]!;
    x2 += (observed[k]! - e) ** 2 / e;
  }
  return x2;
}

test('the softmax draw samples softmax(u): chi-square on a fixed seed', { skip }, () => {
  // Logits as biases (no active inputs): probabilities from 0.4 % to 40 %.
  const logits = Float64Array.of(0, 1.5, -2, 0.7, 3, -0.5, 2.2, 1, 2.9, -1);
  const K = logits.length;
  const syn = new IdealSynapses(3, K);
  const exact = new Float64Array(K);
  let z = 0;
  for (let k = 0; k < K; k++) z += exact[k] = Math.exp(logits[k]!);
  for (let k = 0; k < K; k++) exact[k]! /= z;
  const n = 40_000;
  const rng = createRng(2024);
  const counts = new Int32Array(K);
  const u = new Float64Array(K);
  const none = new Int32Array(0);
  // Count the uniforms taken: two per attempt, so more than 2n when attempts are rejected.
  let taken = 0;
  const uniforms = { float: () => (taken++, rng.float()) };
  for (let s = 0; s < n; s++) counts[syn.drawWinner(none, 0, logits, 0.37, uniforms, u)]++;
  assert.ok(taken > 2 * n * 1.01 && taken < 2 * n * 1.07, `uniforms taken: ${taken}`);
  // 99.9th percentile of chi-square with K − 1 = 9 degrees of freedom.
  const critical = 27.88;
  const x2 = chiSquare(counts, exact, n);
  assert.ok(x2 < critical, `chi-square ${x2.toFixed(2)} ≥ ${critical}`);
  // The test can fail: a draw at temperature 1.1 (a 10 % error in the logits) is rejected.
  const warm = new Int32Array(K);
  const scaled = logits.map((x) => x / 1.1);
  const rng2 = createRng(2024);
  for (let s = 0; s < n; s++) warm[softmaxDraw(new Float64Array(K), scaled, 0, rng2)]++;
  assert.ok(chiSquare(warm, exact, n) > critical, 'a wrong distribution is rejected');
});

test('fdlibm log in WebAssembly equals Math.log bit for bit', { skip }, () => {
  const enc = createPoissonEncoder({ rate: 200, steps: 4 });
  enc.encode(new Uint8Array(3), 0, 3, createRng(1)); // makes the kernel
  const kern = (enc as unknown as { kernel: EncoderKernel }).kernel;
  const rng = createRng(12);
  const special = [1, 0.5, 2, 1e-310, 5e-324, 0, -0, -1, Infinity, 1 + 2 ** -52, 1 - 2 ** -53];
  for (const x of special) assert.ok(Object.is(kern.logFdlibm(x), Math.log(x)), `log(${x})`);
  for (let j = 0; j < 200_000; j++) {
    const x = j % 3 === 0 ? (rng.uint32() + 0.5) * 2 ** -32 : Math.exp(rng.uniform(-700, 700));
    const got = kern.logFdlibm(x);
    if (got !== Math.log(x)) assert.fail(`log(${x}): ${got} ≠ ${Math.log(x)}`);
  }
});

test('the WebAssembly Poisson encoder equals the JS reference', { skip }, () => {
  const pixels = 57;
  for (const [rate, steps] of [
    [200, 100],
    [1000, 7],
    [0.5, 300],
  ] as const) {
    const wasm = createPoissonEncoder({ rate, steps });
    const js = createPoissonEncoder({ rate, steps });
    js.simd = false;
    const rngW = createRng(3);
    const rngJ = createRng(3);
    const imgRng = createRng(4);
    const images = Uint8Array.from({ length: pixels * 20 }, () =>
      imgRng.float() < 0.4 ? 0 : imgRng.int(256),
    );
    let spikes = 0;
    for (let n = 0; n < 20; n++) {
      const a = wasm.encode(images, n * pixels, pixels, rngW);
      const b = js.encode(images, n * pixels, pixels, rngJ);
      assert.equal(a.count, b.count);
      assert.deepEqual(a.start, b.start);
      assert.deepEqual(a.inputs.subarray(0, a.count), b.inputs.subarray(0, b.count));
      spikes += a.count;
    }
    assert.deepEqual(rngW.getState(), rngJ.getState());
    assert.ok(spikes > 0);
  }
});
