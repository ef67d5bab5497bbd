/**
 * Spike rasters: `raster(panels)` — which neurons fire when, e.g. Fig. 3a's output neurons before
 * and after training — as a payload (`application/vnd.cbram.raster.v1+json`) with a PNG fallback.
 */
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../../src/display/protocol';
import { checkInt, checkNumber, checkOptions, fail } from '../../src/core/validate';
import { encodeArray, type EncodedArray } from './arrays';
import { fmt, ticks, title } from './chart';
import { Scene, type FigureSize } from './scene';

/** The raster payload's MIME type. */
export const RASTER_MIME = 'application/vnd.cbram.raster.v1+json';

/** One panel of a {@link raster}. */
export interface RasterPanel {
  label: string;
  /** Rows: neurons 0 … neurons − 1. */
  neurons: number;
  /** Time span, s. */
  duration: number;
  /** Neuron of each spike. */
  neuron: ArrayLike<number>;
  /** Time of each spike, s. */
  time: ArrayLike<number>;
}

/** A raster payload, version 1. */
export interface RasterSpec {
  version: 1;
  kind: 'raster';
  title: string;
  panels: {
    label: string;
    neurons: number;
    duration: number;
    /** int32. */
    neuron: EncodedArray;
    /** float32, s. */
    time: EncodedArray;
  }[];
}

/** Spike rasters that render as a cell's value or with `display()`. */
export class Raster {
  constructor(
    readonly spec: RasterSpec,
    /** The panels as given, for the static figure and the text. */
    readonly data: { neuron: Int32Array; time: Float32Array }[],
  ) {}
  /** The rich display in Deno's Jupyter kernel (`Symbol.for('Jupyter.display')`). */
  [JUPYTER_DISPLAY](): MimeBundle {
    return displayBundle(this);
  }
  toString(): string {
    return rasterText(this);
  }
}

/** Is `x` a {@link Raster} (by shape)? */
export function isRaster(x: unknown): x is Raster {
  const r = x as Raster | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    r?.spec?.kind === 'raster' &&
    r.spec.version === 1 &&
    Array.isArray(r.data)
  );
}

const FN = 'raster';

/**
 * Spike rasters, one panel per entry (side by side).
 *
 * @example
 * const before = recordSpikes(trainer, test, 0, { neurons: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
 * raster({ label: 'before training', neurons: 10, duration: before.duration, neuron: before.neuron, time: before.time });
 */
export function raster(
  panels: RasterPanel | RasterPanel[],
  options: { title?: string } = {},
): Raster {
  checkOptions(FN, options, ['title']);
  if (options.title !== undefined && typeof options.title !== 'string')
    fail(FN, 'options.title', options.title, 'a string');
  const list = Array.isArray(panels) ? panels : [panels];
  if (list.length === 0 || list.length > 16)
    fail(FN, 'panels', panels, 'a panel or an array of 1 to 16 panels');
  const data: { neuron: Int32Array; time: Float32Array }[] = [];
  const specs = list.map((p, i) => {
    const at = `panels[${i}]`;
    if (typeof p !== 'object' || p === null)
      fail(FN, at, p, 'an object { label, neurons, duration, neuron, time }');
    checkOptions(FN, p, ['label', 'neurons', 'duration', 'neuron', 'time']);
    if (typeof p.label !== 'string') fail(FN, `${at}.label`, p.label, 'a string');
    const neurons = checkInt(FN, `${at}.neurons`, p.neurons, { min: 1, max: 65536 });
    const duration = checkNumber(FN, `${at}.duration`, p.duration, { min: 0, max: 1e6 });
    if (!(duration > 0)) fail(FN, `${at}.duration`, p.duration, 'a positive time in s');
    const n = p.neuron?.length;
    if (typeof n !== 'number') fail(FN, `${at}.neuron`, p.neuron, 'an array of neuron indices');
    if (p.time?.length !== n)
      fail(FN, `${at}.time`, p.time, `an array of ${n} spike times (one per neuron entry)`);
    const neuron = new Int32Array(n);
    const time = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const j = p.neuron[k]!;
      const t = p.time[k]!;
      if (!Number.isInteger(j) || j < 0 || j >= neurons)
        fail(FN, `${at}.neuron[${k}]`, j, `an integer from 0 to ${neurons - 1}`);
      if (!(t >= 0 && t <= duration))
        fail(FN, `${at}.time[${k}]`, t, `a time in s from 0 to the duration ${duration}`);
      neuron[k] = j;
      time[k] = t;
    }
    data.push({ neuron, time });
    return {
      label: p.label,
      neurons,
      duration,
      neuron: encodeArray(neuron),
      time: encodeArray(time),
    };
  });
  return new Raster(
    { version: 1, kind: 'raster', title: options.title ?? 'Output spikes', panels: specs },
    data,
  );
}

/** Text: spikes per panel and per neuron. */
export function rasterText(r: Raster): string {
  const lines = [r.spec.title];
  r.spec.panels.forEach((p, i) => {
    const per = new Array<number>(Math.min(p.neurons, 20)).fill(0);
    for (const j of r.data[i]!.neuron) if (j < per.length) per[j]!++;
    lines.push(
      `${p.label}: ${r.data[i]!.neuron.length} spikes in ${fmt(p.duration * 1e3)} ms; per neuron ${per.join(' ')}` +
        (p.neurons > 20 ? ' …' : ''),
    );
  });
  return lines.join('\n');
}

/** The static figure: a tick per spike, panels side by side, time in ms and one row per neuron. */
export function rasterFigure(r: Raster, size: FigureSize = {}): Scene {
  const n = r.spec.panels.length;
  const pw = size.width ? Math.max(160, size.width / n) : n === 1 ? 560 : 340;
  const W = pw * n;
  const H = Math.max(160, size.height ?? 300);
  const scene = new Scene(W, H, r.spec.title);
  title(scene, W / 2, 17, r.spec.title);
  r.spec.panels.forEach((p, i) => {
    const left = i * pw + 56;
    const top = 50;
    const w = pw - 56 - 18;
    const h = H - top - 44;
    const rowH = h / p.neurons;
    scene.add({ kind: 'text', x: left + w / 2, y: top - 8, text: p.label, anchor: 'middle' });
    scene.add({ kind: 'rect', x: left, y: top, w, h, stroke: '#888888' });
    const { neuron, time } = r.data[i]!;
    for (let k = 0; k < neuron.length; k++) {
      const x = left + (time[k]! / p.duration) * w;
      const y = top + neuron[k]! * rowH;
      scene.add({
        kind: 'line',
        x1: x,
        x2: x,
        y1: y + rowH * 0.15,
        y2: y + rowH * 0.85,
        stroke: '#222222',
        width: 1.5,
      });
    }
    const ms = p.duration * 1e3;
    const count = Math.max(2, Math.floor(w / 60));
    for (const t of ticks(0, ms, count, ms >= count)) {
      const x = left + (t / ms) * w;
      scene.add({ kind: 'line', x1: x, x2: x, y1: top + h, y2: top + h + 4, stroke: '#888888' });
      scene.add({ kind: 'text', x, y: top + h + 16, text: fmt(t), anchor: 'middle' });
    }
    scene.add({
      kind: 'text',
      x: left + w / 2,
      y: top + h + 33,
      text: 'time (ms)',
      anchor: 'middle',
    });
    // Every neuron labelled when they fit, else round ones.
    const every =
      rowH >= 12 ? 1 : Math.max(1, ticks(0, p.neurons - 1, Math.floor(h / 14), true)[1] ?? 1);
    for (let j = 0; j < p.neurons; j += every)
      scene.add({
        kind: 'text',
        x: left - 6,
        y: top + (j + 0.5) * rowH,
        text: String(j),
        anchor: 'end',
        align: 'middle',
      });
    scene.add({
      kind: 'text',
      x: i * pw + 14,
      y: top + h / 2,
      text: 'neuron',
      anchor: 'middle',
      vertical: true,
    });
  });
  return scene;
}
