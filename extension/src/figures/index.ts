/**
 * Payload → figure, for every kind. Pure: the renderer passes the theme it read from the page
 * and the user's view choices.
 */
import { fmt, withinBudget } from '../payload/budget';
import type { Payload } from '../payload/types';
import { deviceFigure } from './device';
import type { Figure, Theme } from './figure';
import { ledgerFigure } from './ledger';
import { mapTraces, type MapView } from './map';
import { plotFigure } from './plot';
import { rasterFigure } from './raster';
import { figureSize } from './size';
import { trainingFigure } from './training';
import { axis, baseLayout, count, safeText } from './figure';

export { LIGHT, DARK, safeText, si, type Figure, type Theme, type Trace } from './figure';
export { availableUnits, blockSize, fieldGrid, mapSize, type MapView } from './map';
export { figureSize } from './size';
export { holdMap } from './training';

/**
 * The figure for a checked payload. Its size is checked against `BUDGET.FIGURE_VALUES` before it
 * is built; like every check, a failure is a `PayloadError` for the error panel.
 *
 * @example
 * const parsed = parsePayload(mime, data);
 * if (parsed.ok) Plotly.react(div, ...Object.values(figureFor(parsed.payload, LIGHT)));
 */
export function figureFor(p: Payload, theme: Theme, view: MapView = {}): Figure {
  const size = figureSize(p, view);
  withinBudget(p.kind, size, 'FIGURE_VALUES', `the figure would hold ${fmt(size)} values`);
  switch (p.kind) {
    case 'crossbar': {
      const fields = view.view === 'fields' && p.map.fields !== null;
      const frozen = p.map.frozen ? p.map.frozen.reduce((s, v) => s + v, 0) : 0;
      const stuck = p.map.stuck ? p.map.stuck.reduce((s, v) => s + (v ? 1 : 0), 0) : 0;
      const cells = p.map.rows * p.map.cols;
      const notes = [
        `${p.map.rows} × ${p.map.cols}`,
        safeText(p.device),
        frozen ? `${((100 * frozen) / cells).toFixed(1)} % frozen` : '',
        stuck ? `${count(stuck)} stuck` : '',
        p.counters
          ? `${count(p.counters.setPulses)} SET / ${count(p.counters.resetPulses)} RESET pulses`
          : '',
      ].filter((s) => s !== '');
      const layout = baseLayout(
        theme,
        `${safeText(p.title)}<br><span style="font-size:11px">${notes.join(' · ')}</span>`,
        fields ? 560 : 460,
      );
      layout.margin = { l: 60, r: 20, t: 64, b: 48 };
      layout.xaxis = axis(theme, fields ? '' : 'output (column)', {
        showgrid: false,
        zeroline: false,
        ...(fields ? { showticklabels: false, showline: false, ticks: '' } : {}),
      });
      layout.yaxis = axis(theme, fields ? '' : 'input (row)', {
        autorange: 'reversed',
        showgrid: false,
        zeroline: false,
        ...(fields ? { scaleanchor: 'x', showticklabels: false, showline: false, ticks: '' } : {}),
      });
      return { data: mapTraces(p.map, theme, view), layout };
    }
    case 'device':
      return deviceFigure(p, theme);
    case 'ledger':
      return ledgerFigure(p, theme);
    case 'training':
      return trainingFigure(p, theme, view);
    case 'plot':
      return plotFigure(p, theme);
    case 'raster':
      return rasterFigure(p, theme);
  }
}
