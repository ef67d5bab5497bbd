/**
 * Energy ledgers: an energy payload (`application/vnd.cbram.ledger.v1+json`), one ledger or
 * several to compare, with a stacked bar chart SVG fallback.
 */
import type { EnergyLedger } from '../../src/energy/ledger';
import { EVENT_KINDS, EVENT_PHASES } from '../../src/energy/events';
import { formatSI } from '../../src/energy/format-si';
import { legendRows, stackedBarHeight, stackedBarPanel, type StackedBar } from './chart';
import { Scene } from './scene';

/** The ledger payload's MIME type. */
export const LEDGER_MIME = 'application/vnd.cbram.ledger.v1+json';

/** One ledger in a payload. Cells are kind-major: index = kind · phases.length + phase. */
export interface LedgerEntry {
  label: string;
  counts: number[];
  /** J. */
  joules: number[];
  /** Total energy, J. */
  total: number;
}

/** An energy display payload, version 1. */
export interface LedgerSpec {
  version: 1;
  kind: 'ledger';
  title: string;
  /** Event kinds, in cell order. */
  kinds: string[];
  /** Phases, in cell order. */
  phases: string[];
  ledgers: LedgerEntry[];
  /** Energy axis: 'log' for comparisons across orders of magnitude (`display(ledgers, { log: true })`). */
  scale: 'linear' | 'log';
}

/** Is `x` an EnergyLedger (by shape)? */
export function isLedger(x: unknown): x is EnergyLedger {
  const l = x as EnergyLedger;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof l.breakdown === 'function' &&
    typeof l.joules === 'function' &&
    typeof l.toJSON === 'function' &&
    typeof l.record === 'function'
  );
}

/**
 * The payload for one ledger or several (a comparison).
 *
 * @example
 * ledgerSpec([cbram, baseline], { title: 'Training energy' }).ledgers.length; // 2
 */
export function ledgerSpec(
  ledgers: EnergyLedger | EnergyLedger[],
  o: { title?: string; log?: boolean } = {},
): LedgerSpec {
  const list = Array.isArray(ledgers) ? ledgers : [ledgers];
  const entries = list.map((l, i) => {
    const j = l.toJSON();
    return {
      label: j.label ?? (list.length > 1 ? `ledger ${i + 1}` : 'energy'),
      counts: j.counts,
      joules: j.joules,
      total: j.joules.reduce((s, x) => s + x, 0),
    };
  });
  return {
    version: 1,
    kind: 'ledger',
    title: o.title ?? (list.length > 1 ? 'Energy comparison' : 'Energy by event kind and phase'),
    kinds: [...EVENT_KINDS],
    phases: [...EVENT_PHASES],
    ledgers: entries,
    scale: o.log === true ? 'log' : 'linear',
  };
}

/** Text: each ledger's own table. */
export function ledgerText(ledgers: EnergyLedger | EnergyLedger[]): string {
  return (Array.isArray(ledgers) ? ledgers : [ledgers]).map((l) => l.toString()).join('\n\n');
}

/**
 * The figure. One ledger: a bar per event kind, stacked by phase. Several: a bar per ledger,
 * stacked by kind, on a log axis with `scale: 'log'` (segment boundaries at the cumulative sums).
 */
export function ledgerFigure(
  spec: LedgerSpec,
  size: { width?: number; height?: number } = {},
): Scene {
  const W = Math.max(300, size.width ?? 600);
  const P = spec.phases.length;
  const perKind = (e: LedgerEntry, k: number) =>
    spec.phases.map((_, p) => e.joules[k * P + p] ?? 0);
  let bars: StackedBar[];
  let legend: string[];
  if (spec.ledgers.length === 1) {
    const e = spec.ledgers[0]!;
    bars = spec.kinds
      .map((kind, k) => ({ label: kind, values: perKind(e, k) }))
      .filter((b) => b.values.some((v) => v > 0));
    legend = spec.phases;
  } else {
    bars = spec.ledgers.map((e) => ({
      label: e.label,
      values: spec.kinds.map((_, k) => perKind(e, k).reduce((s, v) => s + v, 0)),
    }));
    legend = spec.kinds;
  }
  if (bars.length === 0) bars = [{ label: 'no events', values: [] }];
  const log = spec.scale === 'log' && spec.ledgers.length > 1;
  const rows = legendRows(
    legend.map((name) => ({ name, color: '', mode: 'box' as const })),
    W * 0.6,
  ).length;
  const natural = stackedBarHeight(bars.length, true, true, rows) + 10;
  const scene = new Scene(W, Math.max(natural, size.height ?? 0), spec.title);
  stackedBarPanel(scene, bars, legend, {
    title: spec.title,
    xLabel: log ? 'energy (J), log scale' : 'energy (J)',
    width: W,
    log,
    format: (v) => formatSI(v, 'J'),
  });
  return scene;
}
