/**
 * How many values a payload's figure will hold, computed from the payload's sizes before the
 * figure is built, so that {@link figureFor} can refuse a figure over `BUDGET.FIGURE_VALUES`
 * instead of allocating it. Each count is an upper bound of the numbers and labels in the
 * figure's traces (the fuzz tests measure built figures against it).
 */
import type { Payload, RasterPanel } from '../payload/types';
import { mapSize, type MapView } from './map';

const spikes = (p: RasterPanel) => 2 * p.neuron.length;

/**
 * An upper bound of the values in `figureFor(p, theme, view).data`.
 *
 * @example
 * figureSize(plotPayload); // x, y and error values of every series
 */
export function figureSize(p: Payload, view: MapView = {}): number {
  switch (p.kind) {
    case 'crossbar':
      return mapSize(p.map, view);
    case 'device':
      return p.trains.reduce((s, t) => s + 2 * t.conductance.length, 0);
    case 'ledger': {
      // Per kind: x, y and hover text, one per phase (one ledger) or per ledger.
      const n = p.ledgers.length === 1 ? p.phases.length : p.ledgers.length;
      return 3 * n * p.kinds.length;
    }
    case 'training':
      return (
        (p.map ? mapSize(p.map, view) : 0) +
        5 * 2 * p.history.imagesDone.length +
        (p.raster ? spikes(p.raster) : 0)
      );
    case 'plot':
      return p.series.reduce(
        (s, t) => s + t.x.length + t.y.length + (t.error ? t.error.length : 0),
        0,
      );
    case 'raster':
      return p.panels.reduce((s, panel) => s + spikes(panel), 0);
  }
}
