/**
 * CBRAM Lab's JupyterLab extension: renders the kernel's versioned outputs
 * (`application/vnd.cbram.<kind>.v1+json`) — conductance maps, device curves, energy charts,
 * training dashboards, charts and spike rasters — with plotly.js.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME_TYPES } from './payload/parse';
import { CbramRenderer } from './renderer';

/** Creates a renderer per output. `safe`: it never injects payload text as HTML. */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: MIME_TYPES,
  // Ahead of the PNG fallback (image/png ranks 90) and text/plain.
  defaultRank: 10,
  createRenderer: (options) => new CbramRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: 'cbram-lab-jupyterlab:renderers',
  description:
    'Draws CBRAM Lab outputs (conductance maps, device curves, energy, training) with plotly.js.',
  rendererFactory,
  rank: 10,
  dataType: 'json',
};

export default [extension];
