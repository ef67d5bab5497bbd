/**
 * The paper's STDP, applied at each output spike to the winner's synapses: inputs that spiked
 * within the window get LTP, Δw = η(c·e^(−w) − 1) (c = e by default, so the step falls to zero at
 * w = 1), all others get constant LTD, Δw = −η; weights stay in [−1, 1].
 *
 * Two ways to apply it:
 * - `ideal`: float weight updates, exactly the rule.
 * - `device`: every update is a SET (LTP) or RESET (LTD) pulse on the cell. The device's own
 *   response sets the step (the CBRAM preset's SET steps shrink exponentially, giving the rule's
 *   shape from identical pulses). The learning rate becomes a pulse count: each synapse gets
 *   n = ⌊η/η_dev⌋ pulses plus one more with probability frac(η/η_dev), where η_dev is the device's
 *   mean LTD step in weight units, so the expected LTD equals −η, and pulses (energy) fall as η decays.
 */
import { resetStep } from '../device/models';
import type { Rng } from '../core/rng';
import type { DeviceSynapses, IdealSynapses } from '../network/synapses';
import { exp32 } from '../network/softmax';

/** Updates issued, counted as the numpy peer counts them (frozen synapses are not counted). */
export interface UpdateCounts {
  ltp: number;
  ltd: number;
}

/** A learning rule: change output k's synapses given which inputs were active. */
export interface LearningRule {
  readonly kind: 'ideal' | 'device';
  /** `activeFlags[i]` is 1 for inputs active in the window. */
  update(k: number, activeFlags: Uint8Array, eta: number, counts: UpdateCounts): void;
  /**
   * The same update for the `count` active inputs listed in `active` (distinct): in WebAssembly
   * when the synapses have its kernels, with results identical to `update`.
   */
  updateActive(
    k: number,
    active: Int32Array,
    count: number,
    eta: number,
    counts: UpdateCounts,
  ): void;
  /**
   * The frozen mask or the weights have changed outside the rule: in column `k`, or anywhere
   * when `k` is omitted. The rules keep each column's number of frozen cells between updates,
   * and the ideal rule in WebAssembly which of each column's cells are frozen and which sit at
   * w_min (their LTD is a no-op it skips), so call this after changing the mask, or after
   * writing weights other than through `setWeight`: until then the ideal rule would update a
   * newly frozen cell, or skip the LTD of a cell it last saw at w_min, and the device rule would
   * miscount its updates (never its pulses). A `Trainer` calls it at the start of every
   * `train()`, whenever its run lets other code in (progress reports, yields to the event loop)
   * and for each column its pruner freezes.
   */
  maskChanged(k?: number): void;
}

/**
 * Each column's number of frozen cells, or −1 where it must be counted again: the WebAssembly
 * kernels then skip the mask of a column with none, and the device rule's update counts need
 * no scan of the column (its cells lie a cache line apart: 5–8 % of the device rule's training
 * time when counted at every spike).
 */
class FrozenCounts {
  private readonly n: Int32Array;

  constructor(columns: number) {
    this.n = new Int32Array(columns).fill(-1);
  }

  /** Column k's count, or −1 if unknown. */
  of(k: number): number {
    return this.n[k]!;
  }

  /** Record column k's count, as a kernel given −1 counted it. */
  counted(k: number, count: number): void {
    this.n[k] = count;
  }

  /** Forget column k's count, or every column's. */
  forget(k?: number): void {
    if (k === undefined) this.n.fill(-1);
    else this.n[k] = -1;
  }
}

/** `update` with flags set from an active list (the JS path of updateActive). */
function updateListed(
  rule: LearningRule,
  flags: Uint8Array,
  k: number,
  active: Int32Array,
  count: number,
  eta: number,
  counts: UpdateCounts,
): void {
  for (let j = 0; j < count; j++) flags[active[j]!] = 1;
  rule.update(k, flags, eta, counts);
  for (let j = 0; j < count; j++) flags[active[j]!] = 0;
}

/** |w| below which the ideal rule's LTP takes exp(−w) in float32 (see ltpExp). */
const LTP_EXP32_RANGE = 80;

/**
 * exp(−w) for the ideal rule's LTP: exp32 of the float32 −w (relative error below 2.5e-7, the
 * weights being float32), Math.exp beyond |w| = 80 (only with wide bounds). The WebAssembly
 * rule takes it four cells at a time.
 */
function ltpExp(w: number): number {
  return Math.abs(w) < LTP_EXP32_RANGE ? exp32(Math.fround(-w)) : Math.exp(-w);
}

/** Float STDP on an {@link IdealSynapses}. */
export class IdealStdp implements LearningRule {
  readonly kind = 'ideal' as const;
  private readonly flags: Uint8Array;
  private readonly frozen: FrozenCounts;
  constructor(
    private readonly syn: IdealSynapses,
    private readonly c: number,
  ) {
    this.flags = new Uint8Array(syn.inputs);
    this.frozen = new FrozenCounts(syn.outputs);
  }

  maskChanged(k?: number): void {
    this.frozen.forget(k);
    this.syn.kernels.train?.floorForget(k ?? -1);
  }

  updateActive(
    k: number,
    active: Int32Array,
    count: number,
    eta: number,
    counts: UpdateCounts,
  ): void {
    const tk = this.syn.kernels.train;
    if (tk === null) return updateListed(this, this.flags, k, active, count, eta, counts);
    const { wMin, wMax } = this.syn;
    if (active !== tk.idx) tk.idx.set(count === active.length ? active : active.subarray(0, count));
    const frozen = this.frozen.of(k);
    counts.ltp += tk.stdpIdeal(k, count, eta, this.c, wMin, wMax, frozen);
    counts.ltd += tk.ltdCount();
    if (frozen < 0) this.frozen.counted(k, tk.frozenCount());
  }

  update(k: number, activeFlags: Uint8Array, eta: number, counts: UpdateCounts): void {
    const { w, frozen, outputs: K, inputs: N, wMin, wMax } = this.syn;
    const c = this.c;
    let ltp = 0;
    let ltd = 0;
    for (let i = 0, j = k; i < N; i++, j += K) {
      if (frozen[j] !== 0) continue;
      const x = w[j]!;
      let y: number;
      if (activeFlags[i] !== 0) {
        y = x + eta * (c * ltpExp(x) - 1);
        ltp++;
      } else {
        y = x - eta;
        ltd++;
      }
      w[j] = y < wMin ? wMin : y > wMax ? wMax : y;
    }
    counts.ltp += ltp;
    counts.ltd += ltd;
  }
}

/** The device's mean LTD step in weight units (η_dev). */
export function deviceEta(syn: DeviceSynapses): number {
  const m = syn.crossbar.config.model;
  let s = 0;
  const n = 101;
  for (let j = 0; j < n; j++) s += resetStep(m, j / (n - 1));
  return (s / n) * (syn.mapping.wMax - syn.mapping.wMin);
}

/** STDP as SET/RESET pulses on a {@link DeviceSynapses}' crossbar. */
export class DeviceStdp implements LearningRule {
  readonly kind = 'device' as const;
  readonly etaDevice: number;
  private readonly pulses: Int8Array;
  private readonly flags: Uint8Array;
  private readonly frozen: FrozenCounts;

  constructor(
    private readonly syn: DeviceSynapses,
    private readonly rng: Rng,
  ) {
    this.etaDevice = deviceEta(syn);
    this.pulses = new Int8Array(syn.inputs);
    this.flags = new Uint8Array(syn.inputs);
    this.frozen = new FrozenCounts(syn.outputs);
  }

  maskChanged(k?: number): void {
    this.frozen.forget(k);
  }

  updateActive(
    k: number,
    active: Int32Array,
    count: number,
    eta: number,
    counts: UpdateCounts,
  ): void {
    const tk = this.syn.crossbar.kernels.train;
    if (tk === null) return updateListed(this, this.flags, k, active, count, eta, counts);
    const r = eta / this.etaDevice;
    const base = Math.floor(r);
    const frac = r - base;
    if (active !== tk.idx) tk.idx.set(count === active.length ? active : active.subarray(0, count));
    const xbar = this.syn.crossbar;
    this.rng.exportState(tk.rng);
    let ltp: number;
    const frozen = this.frozen.of(k);
    if (base === 0 && xbar.beginKernelPulse()) {
      // At most one pulse per cell: drawn and applied in one WebAssembly call.
      ltp = tk.devicePulseColumn(k, count, frac, Math.log1p(-frac), frozen);
      this.rng.importState(tk.rng);
      xbar.endKernelPulse();
    } else {
      // Any base above 127 pulses gives 127 (the cap), with the same draws.
      ltp = tk.devicePulses(k, count, Math.min(base, 255), frac, Math.log1p(-frac), frozen);
      this.rng.importState(tk.rng);
      xbar.pulseColumn(k, tk.pulses);
    }
    if (frozen < 0 && base === 0) this.frozen.counted(k, tk.frozenCount());
    counts.ltp += ltp;
    counts.ltd += tk.ltdCount();
  }

  update(k: number, activeFlags: Uint8Array, eta: number, counts: UpdateCounts): void {
    const { frozen, outputs: K, inputs: N } = this.syn;
    const r = eta / this.etaDevice;
    const base = Math.floor(r);
    const frac = r - base;
    const p = this.pulses;
    const rng = this.rng;
    let ltp = 0;
    let ltd = 0;
    if (base === 0) {
      // At most one pulse per synapse, with probability frac: draw the gaps between pulsed
      // synapses (geometric), so the cost follows the pulses, not the synapses.
      p.fill(0);
      const logq = Math.log1p(-frac);
      for (
        let i = frac > 0 ? Math.floor(Math.log(rng.floatOpen()) / logq) : N;
        i < N;
        i += 1 + Math.floor(Math.log(rng.floatOpen()) / logq)
      ) {
        if (frozen[i * K + k] === 0) p[i] = activeFlags[i] !== 0 ? 1 : -1;
      }
      for (let i = 0, j = k; i < N; i++, j += K) {
        if (frozen[j] !== 0) continue;
        if (activeFlags[i] !== 0) ltp++;
        else ltd++;
      }
    } else {
      for (let i = 0, j = k; i < N; i++, j += K) {
        if (frozen[j] !== 0) {
          p[i] = 0;
          continue;
        }
        let n = base + (rng.float() < frac ? 1 : 0);
        if (n > 127) n = 127;
        if (activeFlags[i] !== 0) {
          p[i] = n;
          ltp++;
        } else {
          p[i] = -n;
          ltd++;
        }
      }
    }
    this.syn.crossbar.pulseColumn(k, p);
    counts.ltp += ltp;
    counts.ltd += ltd;
  }
}
