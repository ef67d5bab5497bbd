/**
 * `cbram-lab/kernel`: the notebook API of the CBRAM Lab Jupyter kernel, and the pure display
 * builders behind it (usable without Jupyter).
 *
 * @example
 * import { createCrossbar } from 'cbram-lab';
 * import { live, display, trainLive } from 'cbram-lab/kernel';
 */
export {
  clearOutput,
  display,
  inKernel,
  input,
  interruptSignal,
  live,
  openComm,
  registerCommTarget,
  LiveDisplay,
  type LiveOptions,
} from './notebook';
export {
  trainLive,
  trainingView,
  dashboardRate,
  TrainingView,
  TrainLiveResult,
  type TrainLiveOptions,
  type TrainingViewOptions,
} from './training';
export { configDifferences } from './resume';
export {
  sweepLive,
  sweepDashboard,
  type SweepDashboard,
  type SweepDashboardOptions,
  type SweepLiveOptions,
} from './sweep';
export type { Comm, CommMessage, CommTarget } from './comms';
export {
  render,
  normalizeBundle,
  figureBundle,
  RENDERERS,
  type Rendered,
  type RenderOptions,
} from './display/bundle';
export { Scene, svgToPng, type Shape, type FigureSize } from './display/scene';
export { exportFigure, type ExportOptions, type ExportedFigure } from './display/export';
export { figureOf } from './display/bundle';
export { encodeArray, decodeArray, type EncodedArray, type DType } from './display/arrays';
export {
  CROSSBAR_MIME,
  crossbarSpec,
  crossbarParts,
  crossbarFigure,
  type CrossbarSpec,
} from './display/crossbar';
export {
  DEVICE_MIME,
  deviceSpec,
  deviceFigure,
  type DeviceSpec,
  type PulseTrain,
} from './display/device';
export {
  LEDGER_MIME,
  ledgerSpec,
  ledgerFigure,
  type LedgerSpec,
  type LedgerEntry,
} from './display/ledger';
export {
  TRAINING_MIME,
  trainingParts,
  trainingFigure,
  ProgressHistory,
  HISTORY_RECORD,
  type TrainingSpec,
  type TrainingHistory,
  type TrainingStatus,
} from './display/training';
export {
  PLOT_MIME,
  plot,
  Plot,
  plotFigure,
  type PlotSeries,
  type PlotOptions,
  type PlotSpec,
} from './display/plot';
export {
  RASTER_MIME,
  raster,
  Raster,
  rasterFigure,
  type RasterPanel,
  type RasterSpec,
} from './display/raster';
export type { MapSpec } from './display/map';
export {
  DISPLAY,
  JUPYTER_DISPLAY,
  isDisplayable,
  isJupyterDisplayable,
  type Displayable,
  type MimeBundle,
} from '../src/display/protocol';
