/**
 * The payloads this extension draws, as the renderer sees them after checking and decoding.
 *
 * The wire format is written by the kernel (kernel/display/*.ts, documented in docs/kernel.md):
 * versioned JSON, `application/vnd.cbram.<kind>.v1+json`, with large arrays as base64
 * little-endian typed arrays. The renderer treats every payload as untrusted input: it checks
 * each field it uses and decodes arrays into typed arrays here, so figure code works on plain,
 * valid data. A test builds payloads with the kernel and parses them with this code, which keeps
 * the two sides of the contract in step.
 */

/** A map of one quantity over a crossbar: rows are inputs, columns outputs (row-major). */
export interface MapData {
  rows: number;
  cols: number;
  quantity: 'conductance' | 'weight';
  /** Colour-scale range in the map's unit (S, or weight units). */
  range: [number, number];
  values: Float32Array;
  /** 1 = frozen (pruned); null when no cell is. */
  frozen: Uint8Array | null;
  /** 0 none, 1 stuck at G_min, 2 stuck at G_max; null when no cell is. */
  stuck: Uint8Array | null;
  /** For conductance maps: the weight range of the linear mapping G → w. */
  weight: { wMin: number; wMax: number } | null;
  /** Rows are pixels of a width × height image: each row's pixel index. */
  fields: { pixelIndex: Int32Array; width: number; height: number } | null;
}

export interface CrossbarPayload {
  kind: 'crossbar';
  title: string;
  device: string;
  map: MapData;
  counters: { setPulses: number; resetPulses: number; reads: number } | null;
}

export interface PulseTrain {
  device: number;
  cycle: number;
  direction: 'set' | 'reset';
  /** S, before the first pulse and after each pulse. */
  conductance: number[];
}

export interface DevicePayload {
  kind: 'device';
  title: string;
  deviceName: string;
  gMin: number;
  gMax: number;
  cycles: number;
  setPulses: number;
  resetPulses: number;
  trains: PulseTrain[];
  /** J per pulse. */
  pulseEnergy: { set: number; reset: number; read: number };
}

export interface LedgerRow {
  label: string;
  /** Kind-major cells: index = kind · phases.length + phase. */
  counts: number[];
  joules: number[];
  total: number;
}

export interface LedgerPayload {
  kind: 'ledger';
  title: string;
  kinds: string[];
  phases: string[];
  ledgers: LedgerRow[];
  scale: 'linear' | 'log';
}

export interface TrainingHistory {
  imagesDone: number[];
  runningAccuracy: number[];
  imagesPerSecond: number[];
  setPulses: number[];
  resetPulses: number[];
  energy: number[];
  elapsed: number[];
}

export interface RasterPanel {
  label: string;
  neurons: number;
  /** s. */
  duration: number;
  neuron: Int32Array;
  /** s. */
  time: Float32Array;
}

export interface TrainingPayload {
  kind: 'training';
  title: string;
  status: string;
  config: { outputs: number; inputs: number; rule: string; device: string };
  progress: {
    epoch: number;
    epochs: number;
    imagesDone: number;
    imagesTotal: number;
    imagesPerSecond: number;
    runningAccuracy: number;
    setPulses: number;
    resetPulses: number;
    energy: number;
    frozenFraction: number;
  };
  history: TrainingHistory;
  map: MapData | null;
  /**
   * A live update that leaves the map out (`map` is null): the kernel sends the map only every
   * few seconds, so draw the last one this output had again (see holdMap).
   */
  mapHeld: boolean;
  raster: RasterPanel | null;
}

export interface PlotSeries {
  name: string;
  x: number[] | string[];
  /** null where the value was not finite. */
  y: (number | null)[];
  mode: 'lines' | 'markers' | 'lines+markers';
  error: number[] | null;
}

export interface PlotPayload {
  kind: 'plot';
  title: string;
  type: 'line' | 'bar';
  stacked: boolean;
  x: { label: string; log: boolean };
  y: { label: string; log: boolean; range: [number, number] | null };
  series: PlotSeries[];
  reference: { y: number; label: string }[];
}

export interface RasterPayload {
  kind: 'raster';
  title: string;
  panels: RasterPanel[];
}

/** Any payload, after checking and decoding. */
export type Payload =
  CrossbarPayload | DevicePayload | LedgerPayload | TrainingPayload | PlotPayload | RasterPayload;
