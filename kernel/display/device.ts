/**
 * Device configs: a pulse-response payload (`application/vnd.cbram.device.v1+json`) — conductance
 * after each pulse of SET and RESET trains over cycles, simulated with the library's own device
 * kernel — with a line-chart SVG fallback.
 */
import type { DeviceConfig, DeviceModel } from '../../src/device/config';
import { pulseResponse } from '../../src/device/curves';
import { pulseEnergy } from '../../src/device/energy';
import { formatSI } from '../../src/energy/format-si';
import { COLORS, caption, linePanel, type Series } from './chart';
import { Scene, type FigureSize } from './scene';

/** The device payload's MIME type. */
export const DEVICE_MIME = 'application/vnd.cbram.device.v1+json';

/** A device config made JSON-safe (retentionTau: Infinity becomes null). */
export type DeviceConfigJSON = Omit<DeviceConfig, 'retentionTau'> & { retentionTau: number | null };

/** One SET or RESET train of one device in one cycle. */
export interface PulseTrain {
  device: number;
  cycle: number;
  direction: 'set' | 'reset';
  /** Conductance, S, before the first pulse (entry 0) and after each pulse. */
  conductance: number[];
}

/** A device display payload, version 1. */
export interface DeviceSpec {
  version: 1;
  kind: 'device';
  title: string;
  device: DeviceConfigJSON;
  response: {
    cycles: number;
    setPulses: number;
    resetPulses: number;
    devices: number;
    seed: number;
    trains: PulseTrain[];
  };
  /** Energy of one pulse at mid-range conductance, J. */
  pulseEnergy: { set: number; reset: number; read: number };
}

/** Options for {@link deviceSpec}. */
export interface DeviceDisplayOptions {
  title?: string;
  /** SET+RESET cycles (default 2). */
  cycles?: number;
  /** Pulses per SET train (default: enough to saturate the model, at least 100). */
  setPulses?: number;
  /** Pulses per RESET train (same default). */
  resetPulses?: number;
  /** Devices, each with its own device-to-device draw (default 1). */
  devices?: number;
  /** Seed of the simulated variability (default 0). */
  seed?: number;
}

/** Is `x` a device config (by shape)? */
export function isDeviceConfig(x: unknown): x is DeviceConfig {
  const d = x as DeviceConfig;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof d.model === 'object' &&
    d.model !== null &&
    typeof d.model.kind === 'string' &&
    typeof d.gMin === 'number' &&
    typeof d.gMax === 'number' &&
    typeof d.set === 'object' &&
    typeof d.reset === 'object' &&
    typeof d.name === 'string'
  );
}

function defaultPulses(model: DeviceModel, set: boolean): number {
  let p = 100;
  if (model.kind === 'linear' || model.kind === 'nonlinear')
    p = Math.ceil(1.1 * (set ? model.setPulses : model.resetPulses));
  if (model.kind === 'table') p = (set ? model.set.length : model.reset.length) - 1;
  return Math.min(2000, Math.max(p, model.kind === 'table' ? 1 : 100));
}

/**
 * The payload for a device: its config and a simulated pulse response.
 *
 * @example
 * const spec = deviceSpec(PRESETS['cbram-subquantum'], { cycles: 3 });
 * spec.response.trains.length; // 6
 */
export function deviceSpec(config: DeviceConfig, o: DeviceDisplayOptions = {}): DeviceSpec {
  const cycles = o.cycles ?? 2;
  const setPulses = o.setPulses ?? defaultPulses(config.model, true);
  const resetPulses = o.resetPulses ?? defaultPulses(config.model, false);
  const devices = o.devices ?? 1;
  const seed = o.seed ?? 0;
  const r = pulseResponse(config, { cycles, setPulses, resetPulses, devices, seed });
  const trains: PulseTrain[] = [];
  let cur: PulseTrain | null = null;
  for (let i = 0; i < r.pulse.length; i++) {
    if (r.pulse[i] === 0) {
      cur = {
        device: r.device[i]!,
        cycle: r.cycle[i]!,
        direction: r.direction[i]!,
        conductance: [],
      };
      trains.push(cur);
    }
    cur!.conductance.push(r.conductance[i]!);
  }
  const mid = (config.gMin + config.gMax) / 2;
  return {
    version: 1,
    kind: 'device',
    title: o.title ?? `Device ${config.name}: pulse response`,
    device: {
      ...config,
      retentionTau: Number.isFinite(config.retentionTau) ? config.retentionTau : null,
    },
    response: { cycles, setPulses, resetPulses, devices, seed, trains },
    pulseEnergy: {
      set: pulseEnergy(config, 'set', mid),
      reset: pulseEnergy(config, 'reset', mid),
      read: pulseEnergy(config, 'read', mid),
    },
  };
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))} %`;
}

/** A short text description of a device. */
export function deviceText(spec: DeviceSpec): string {
  const d = spec.device;
  const e = spec.pulseEnergy;
  return [
    `Device ${d.name}: ${d.model.kind} pulse response, G ${formatSI(d.gMin, 'S')} to ${formatSI(d.gMax, 'S')}, ${
      d.levels === 0 ? 'analog' : `${d.levels} levels`
    }`,
    `  variability: c2c ${pct(d.c2cStd)}, d2d G_min ${pct(d.gMinDtod)}, G_max ${pct(d.gMaxDtod)}, step ${pct(d.stepDtod)}; read noise ${pct(d.readNoiseStd)}`,
    `  pulses: SET ${d.set.voltage} V × ${formatSI(d.set.width, 's')}, RESET ${d.reset.voltage} V × ${formatSI(d.reset.width, 's')}; ` +
      `energy at mid-range ${formatSI(e.set, 'J')} / ${formatSI(e.reset, 'J')} / read ${formatSI(e.read, 'J')}`,
    `  source: ${d.source}`,
    ...(d.assumed.length ? [`  assumed: ${d.assumed.join(', ')}`] : []),
  ].join('\n');
}

/** The figure: conductance (µS) against cumulative pulse number, SET and RESET trains. */
export function deviceFigure(spec: DeviceSpec, size: FigureSize = {}): Scene {
  const W = Math.max(300, size.width ?? 560);
  const H = Math.max(200, size.height ?? 330);
  const scene = new Scene(W, H, spec.title);
  const series: Series[] = [];
  const offsets = new Map<number, number>();
  for (const t of spec.response.trains) {
    const start = offsets.get(t.device) ?? 0;
    offsets.set(t.device, start + t.conductance.length - 1);
    series.push({
      name: t.direction === 'set' ? 'SET' : 'RESET',
      x: t.conductance.map((_, k) => start + k),
      y: t.conductance.map((g) => g * 1e6),
      color: t.direction === 'set' ? COLORS[0] : COLORS[1],
    });
  }
  linePanel(scene, series, {
    title: spec.title,
    xLabel: 'pulse number',
    yLabel: 'conductance (µS)',
    width: W,
    height: H - 20,
  });
  caption(
    scene,
    W / 2,
    H - 8,
    `${spec.device.model.kind} model · ${spec.response.cycles} cycles · ${formatSI(spec.pulseEnergy.set, 'J')} per SET pulse at mid-range`,
  );
  return scene;
}
