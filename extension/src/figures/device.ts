/** Device curves: conductance against pulse number for SET and RESET trains, cycle after cycle. */
import type { DevicePayload } from '../payload/types';
import { axis, baseLayout, safeText, si, type Figure, type Theme, type Trace } from './figure';

/**
 * One line per train; SET and RESET in two colours, each device with its own dash, so
 * cycle-to-cycle and device-to-device spread both show.
 *
 * @example
 * deviceFigure(payload, LIGHT).data.length; // trains
 */
export function deviceFigure(p: DevicePayload, theme: Theme): Figure {
  const period = p.setPulses + p.resetPulses;
  const dashes = ['solid', 'dot', 'dash', 'dashdot', 'longdash'];
  const seen = new Set<string>();
  const data: Trace[] = p.trains.map((t) => {
    const start = t.cycle * period + (t.direction === 'reset' ? p.setPulses : 0);
    const group = t.direction === 'set' ? 'SET' : 'RESET';
    const first = !seen.has(group);
    seen.add(group);
    return {
      type: 'scatter',
      mode: 'lines',
      name: group,
      legendgroup: group,
      showlegend: first,
      x: t.conductance.map((_, i) => start + i),
      y: t.conductance.map((g) => g * 1e6),
      line: {
        color: theme.colorway[t.direction === 'set' ? 0 : 1],
        width: 1.5,
        dash: dashes[t.device % dashes.length],
      },
      hovertemplate: `${group}, cycle ${t.cycle + 1}, device ${t.device + 1}<br>pulse %{x}: G = %{y:.3g} µS<extra></extra>`,
    };
  });
  const e = p.pulseEnergy;
  const layout = baseLayout(
    theme,
    `${safeText(p.title)}<br><span style="font-size:11px">${safeText(p.deviceName)} · ` +
      `energy per pulse: SET ${si(e.set, 'J')}, RESET ${si(e.reset, 'J')}, read ${si(e.read, 'J')}</span>`,
    380,
  );
  layout.margin = { l: 60, r: 20, t: 64, b: 48 };
  layout.xaxis = axis(theme, 'pulse number');
  layout.yaxis = axis(theme, 'conductance (µS)', {
    range: [Math.min(0, p.gMin * 1e6), p.gMax * 1e6 * 1.05],
  });
  return { data, layout };
}
