/**
 * The output widget: checks the payload, builds the figure for the page's theme and draws it
 * with `Plotly.react`, which updates the same plot in place on every live update. A payload it
 * cannot draw shows an error panel; payload text only ever reaches the page as text.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';
import Plotly from 'plotly.js-dist-min';
import { PayloadError, problemMessage } from './payload/error';
import { parsePayload } from './payload/parse';
import type { MapData, Payload } from './payload/types';
import {
  availableUnits,
  figureFor,
  holdMap,
  DARK,
  LIGHT,
  type MapView,
  type Theme,
} from './figures';

const CONFIG = { responsive: true, displaylogo: false, scrollZoom: false };

/**
 * While updates stream in, maps are drawn with at most this many cells (block means of the full
 * data; the hover says so), which keeps a 397 × 500 update well under 50 ms. When no update has
 * come for {@link SETTLE_MS}, the output is redrawn cell for cell.
 */
export const LIVE_MAX_CELLS = 256 * 256;
export const SETTLE_MS = 1000;

/** The page's theme, from JupyterLab's CSS variables (light defaults outside JupyterLab). */
export function pageTheme(): Theme {
  const body = document.body;
  const dark = body.dataset.jpThemeLight === 'false';
  const base = dark ? DARK : LIGHT;
  const css = getComputedStyle(body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    ...base,
    background: v('--jp-layout-color0', base.background),
    text: v('--jp-ui-font-color1', base.text),
    grid: v('--jp-border-color2', base.grid),
    font: v('--jp-ui-font-family', base.font),
  };
}

/** A rendered CBRAM Lab output (one per output area entry; updates reuse it). */
export class CbramRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  private readonly toolbar = document.createElement('div');
  private readonly plot = document.createElement('div');
  private readonly error = document.createElement('div');
  private payload: Payload | null = null;
  /** The last training map drawn by this output (see withHeldMap). */
  private heldMap: MapData | null = null;
  private view: MapView = {};
  private drawn = false;
  private renders = 0;
  /** Drawing an in-place update (reduced maps) rather than a settled output. */
  private live = false;
  private settle: ReturnType<typeof setTimeout> | null = null;
  private readonly observer = new MutationObserver(() => void this.draw());

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass('cbram-Renderer');
    this.node.dataset.mimeType = this.mimeType;
    this.toolbar.className = 'cbram-Toolbar';
    this.plot.className = 'cbram-Plot';
    this.error.className = 'cbram-Error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.node.append(this.toolbar, this.plot, this.error);
    this.observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'],
    });
  }

  /** Draw a new payload (first display, or a live update of the same output). */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const parsed = parsePayload(this.mimeType, model.data[this.mimeType]);
    if (!parsed.ok) {
      if (parsed.cause !== undefined) console.error('CBRAM Lab renderer:', parsed.cause);
      this.showError(parsed.error);
      return;
    }
    this.payload = this.withHeldMap(parsed.payload);
    this.buildToolbar();
    // A second model for a drawn output is a live update: draw it reduced, and in full once the
    // updates stop.
    this.live = this.drawn;
    await this.draw();
    if (this.live) {
      if (this.settle !== null) clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        this.settle = null;
        this.live = false;
        void this.draw();
      }, SETTLE_MS);
    }
  }

  /** A training update that holds its map gets the last one this output had (see holdMap). */
  private withHeldMap(p: Payload): Payload {
    const r = holdMap(p, this.heldMap);
    this.heldMap = r.held;
    return r.payload;
  }

  private async draw(): Promise<void> {
    if (!this.payload || this.isDisposed) return;
    const t0 = performance.now();
    try {
      const view = this.live ? { ...this.view, maxCells: LIVE_MAX_CELLS } : this.view;
      const figure = figureFor(this.payload, pageTheme(), view);
      this.error.hidden = true;
      this.plot.hidden = false;
      await Plotly.react(this.plot, figure.data, figure.layout, CONFIG);
      this.drawn = true;
      // For tests and benchmarks: how many draws, and how long the last one took.
      this.node.dataset.renders = String(++this.renders);
      this.node.dataset.renderMs = (performance.now() - t0).toFixed(1);
      this.node.dataset.renderLive = String(this.live);
    } catch (e) {
      // A budget check (a PayloadError, shown as it is), or a bug or plotly.js failing: said
      // plainly, with the details in the console.
      if (!(e instanceof PayloadError)) console.error('CBRAM Lab renderer:', e);
      this.showError(problemMessage(e, 'drawing'));
    }
  }

  private showError(message: string): void {
    this.payload = null;
    this.toolbar.replaceChildren();
    if (this.drawn) Plotly.purge(this.plot);
    this.drawn = false;
    this.plot.hidden = true;
    const head = document.createElement('strong');
    head.textContent = 'CBRAM Lab cannot draw this output';
    const body = document.createElement('p');
    body.textContent = message;
    const mime = document.createElement('code');
    mime.textContent = this.mimeType;
    this.error.replaceChildren(head, body, mime);
    this.error.hidden = false;
  }

  /** Buttons for the map's units and view, when the payload has a map that offers a choice. */
  private buildToolbar(): void {
    const p = this.payload;
    const map = p && (p.kind === 'crossbar' || p.kind === 'training') ? p.map : null;
    const groups: { label: string; key: 'units' | 'view'; options: [string, string][] }[] = [];
    if (map) {
      const units = availableUnits(map);
      if (units.length > 1)
        groups.push({
          label: 'Colour by',
          key: 'units',
          options: [
            ['conductance', 'G (µS)'],
            ['weight', 'w'],
          ],
        });
      if (map.fields)
        groups.push({
          label: 'Show',
          key: 'view',
          options: [
            ['map', 'array'],
            ['fields', 'receptive fields'],
          ],
        });
    }
    const current = { units: this.view.units ?? map?.quantity, view: this.view.view ?? 'map' };
    const nodes = groups.map((g) => {
      const span = document.createElement('span');
      span.className = 'cbram-ToolbarGroup';
      span.append(`${g.label}: `);
      for (const [value, label] of g.options) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.dataset.option = `${g.key}:${value}`;
        b.className = current[g.key] === value ? 'cbram-Button cbram-mod-active' : 'cbram-Button';
        b.onclick = () => {
          this.view = { ...this.view, [g.key]: value };
          this.buildToolbar();
          void this.draw();
        };
        span.append(b);
      }
      return span;
    });
    this.toolbar.replaceChildren(...nodes);
    this.toolbar.hidden = nodes.length === 0;
  }

  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    if (this.drawn) void Plotly.Plots.resize(this.plot);
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.drawn) void Plotly.Plots.resize(this.plot);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.settle !== null) clearTimeout(this.settle);
    this.observer.disconnect();
    if (this.drawn) Plotly.purge(this.plot);
    super.dispose();
  }
}
