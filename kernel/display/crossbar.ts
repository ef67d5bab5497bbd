/**
 * Crossbars: a conductance map payload (`application/vnd.cbram.crossbar.v1+json`) with a heatmap
 * SVG fallback.
 */
import type { Crossbar, CrossbarCounters, CrossbarSnapshot } from '../../src/crossbar/crossbar';
import { formatSI } from '../../src/energy/format-si';
import { mapPanel, mapSpec, type MapData, type MapSpec } from './map';
import { caption } from './chart';
import { Scene, type FigureSize } from './scene';

/** The crossbar payload's MIME type. */
export const CROSSBAR_MIME = 'application/vnd.cbram.crossbar.v1+json';

/** A crossbar display payload, version 1. */
export interface CrossbarSpec {
  version: 1;
  kind: 'crossbar';
  title: string;
  /** Device preset or config name. */
  device: string;
  /** Conductance map, S, with the device's nominal range as colour scale. */
  map: MapSpec;
  /** Over the actual cells, S (device-to-device spread can leave the nominal range). */
  stats: CrossbarSnapshot['stats'];
  counters: CrossbarCounters;
}

/** Options for {@link crossbarSpec}. */
export interface CrossbarDisplayOptions {
  title?: string;
  /** Rows are pixels of a `imageSide`² image: their original indices (e.g. `loadPaperMnist().pixelIndex`). */
  pixelIndex?: Int32Array | null;
  imageSide?: number;
  /** Weight range of the mapping (default [−1, 1], the paper's offset mapping). */
  weightRange?: [number, number];
}

/** Is `x` a Crossbar (by shape, so that any copy of the library matches)? */
export function isCrossbar(x: unknown): x is Crossbar {
  const c = x as Crossbar;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof c.snapshot === 'function' &&
    typeof c.rows === 'number' &&
    typeof c.cols === 'number' &&
    typeof c.config === 'object' &&
    c.config !== null &&
    typeof c.config.gMin === 'number'
  );
}

/**
 * The payload for a crossbar (full-resolution conductances as base64 float32, and its state),
 * with the typed arrays behind it for the static picture. One snapshot is taken.
 *
 * @example
 * const { spec } = crossbarParts(createCrossbar({ rows: 4, cols: 3 }));
 * spec.map.values.dtype; // 'float32'
 */
export function crossbarParts(
  xbar: Crossbar,
  o: CrossbarDisplayOptions = {},
): { spec: CrossbarSpec; data: MapData } {
  const s = xbar.snapshot();
  const [wMin, wMax] = o.weightRange ?? [-1, 1];
  const data: MapData = {
    rows: s.rows,
    cols: s.cols,
    quantity: 'conductance',
    range: [xbar.config.gMin, xbar.config.gMax],
    values: s.g,
    frozen: s.mask,
    stuck: s.stuck,
    weight: { wMin, wMax },
    pixelIndex: o.pixelIndex ?? null,
    imageSide: o.imageSide ?? 28,
  };
  const spec: CrossbarSpec = {
    version: 1,
    kind: 'crossbar',
    title: o.title ?? `Crossbar ${s.rows} × ${s.cols} (${s.device})`,
    device: s.device,
    map: mapSpec(data),
    stats: s.stats,
    counters: s.counters,
  };
  return { spec, data };
}

/** The payload for a crossbar (see {@link crossbarParts}). */
export function crossbarSpec(xbar: Crossbar, o: CrossbarDisplayOptions = {}): CrossbarSpec {
  return crossbarParts(xbar, o).spec;
}

/** One line of text describing a crossbar. */
export function crossbarText(spec: CrossbarSpec): string {
  const st = spec.stats;
  const c = spec.counters;
  return (
    `${spec.title}: G ${formatSI(st.gMin, 'S')} to ${formatSI(st.gMax, 'S')} ` +
    `(mean ${formatSI(st.gMean, 'S')}, std ${formatSI(st.gStd, 'S')}); ` +
    `${st.frozen} frozen, ${st.stuckOff + st.stuckOn} stuck; ` +
    `${c.setPulses} SET and ${c.resetPulses} RESET pulses, ${c.reads} reads`
  );
}

/** The figure: the conductance heatmap (or receptive fields) with a colour bar and a caption. */
export function crossbarFigure(spec: CrossbarSpec, data: MapData, size: FigureSize = {}): Scene {
  const W = Math.max(240, size.width ?? 520);
  const H = Math.max(200, size.height ?? 420);
  const scene = new Scene(W, H, spec.title);
  const label = data.pixelIndex
    ? `${spec.title}: receptive fields of the first ${Math.min(100, spec.map.cols)} outputs`
    : spec.title;
  mapPanel(scene, data, { x: 10, y: 8, w: W - 20, h: H - 40 }, label);
  const st = spec.stats;
  caption(
    scene,
    W / 2,
    H - 10,
    `mean ${formatSI(st.gMean, 'S')} · ${st.frozen} frozen · ${st.stuckOff + st.stuckOn} stuck · ` +
      `${spec.counters.setPulses} SET / ${spec.counters.resetPulses} RESET pulses`,
  );
  return scene;
}
