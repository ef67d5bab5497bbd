/** Energy charts: stacked by event kind, per phase (one ledger) or per ledger (a comparison). */
import type { LedgerPayload } from '../payload/types';
import {
  axis,
  baseLayout,
  count,
  safeText,
  si,
  type Figure,
  type Theme,
  type Trace,
} from './figure';

/**
 * One ledger: bars per phase, stacked by event kind. Several: one bar per ledger (for example
 * CBRAM, RRAM, PCM and a von Neumann baseline), stacked by kind; with `scale: 'log'` the kinds
 * sit side by side on a log axis, since stacks do not add up on one.
 *
 * @example
 * ledgerFigure(payload, LIGHT).layout.barmode; // 'stack'
 */
export function ledgerFigure(p: LedgerPayload, theme: Theme): Figure {
  const P = p.phases.length;
  const single = p.ledgers.length === 1;
  const log = p.scale === 'log';
  const cell = (l: number, k: number, ph: number, a: 'joules' | 'counts') =>
    p.ledgers[l]![a][k * P + ph]!;
  const data: Trace[] = [];
  p.kinds.forEach((kind, k) => {
    let x: string[];
    let joules: number[];
    let counts: number[];
    if (single) {
      const phases = p.phases.map((_, ph) => ph).filter((ph) => anyPhase(p, ph));
      x = phases.map((ph) => safeText(p.phases[ph]!));
      joules = phases.map((ph) => cell(0, k, ph, 'joules'));
      counts = phases.map((ph) => cell(0, k, ph, 'counts'));
    } else {
      x = p.ledgers.map((l, i) => safeText(l.label || `ledger ${i + 1}`));
      joules = p.ledgers.map((_, l) => sumPhases(p, l, k, 'joules'));
      counts = p.ledgers.map((_, l) => sumPhases(p, l, k, 'counts'));
    }
    if (joules.every((j) => j === 0)) return;
    data.push({
      type: 'bar',
      name: safeText(kind),
      x,
      // A log axis cannot show zero: leave those bars out.
      y: log ? joules.map((j) => (j > 0 ? j : null)) : joules,
      text: joules.map((j, i) => `${si(j, 'J')} (${count(counts[i]!)} events)`),
      textposition: 'none',
      hovertemplate: `%{x}<br>${safeText(kind)}: %{text}<extra></extra>`,
    });
  });
  const totals = p.ledgers.map((l) => `${safeText(l.label || 'total')}: ${si(l.total, 'J')}`);
  const layout = baseLayout(
    theme,
    `${safeText(p.title)}<br><span style="font-size:11px">${totals.slice(0, 6).join(' · ')}</span>`,
    380,
  );
  layout.margin = { l: 70, r: 20, t: 64, b: 48 };
  layout.barmode = log ? 'group' : 'stack';
  layout.xaxis = axis(theme, single ? 'phase' : '');
  layout.yaxis = axis(theme, 'energy (J)', {
    type: log ? 'log' : 'linear',
    tickformat: '~s',
    exponentformat: 'SI',
  });
  return { data, layout };
}

function anyPhase(p: LedgerPayload, ph: number): boolean {
  const P = p.phases.length;
  return p.kinds.some((_, k) => p.ledgers[0]!.joules[k * P + ph]! > 0);
}

function sumPhases(p: LedgerPayload, l: number, k: number, a: 'joules' | 'counts'): number {
  const P = p.phases.length;
  let s = 0;
  for (let ph = 0; ph < P; ph++) s += p.ledgers[l]![a][k * P + ph]!;
  return s;
}
