/**
 * Figures as a list of shapes, drawn by two backends: SVG (vector) and PNG (a small rasteriser
 * with the project's bitmap font). The PNG is the static fallback every display carries: it shows
 * in JupyterLab also for untrusted outputs (SVG is not "safe" there), in nbconvert's HTML
 * (Debian's nbconvert 6.5 strips SVG markup) and on GitHub.
 */
import { PNG } from 'pngjs';
import { GLYPH_ADVANCE, GLYPH_ASCENT, glyph, textWidth } from './font';

/** An RGB colour: '#rrggbb' or 'rgb(r,g,b)'. */
export type Color = string;

/** A drawable. Coordinates in pixels, y down. */
export type Shape =
  | {
      kind: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      fill?: Color;
      stroke?: Color;
      title?: string;
    }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: Color; width?: number }
  | { kind: 'path'; points: number[]; stroke: Color; width?: number }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      anchor?: 'start' | 'middle' | 'end';
      /** 'baseline' (default): y is the baseline; 'middle': y is the middle of capitals. */
      align?: 'baseline' | 'middle';
      bold?: boolean;
      color?: Color;
      /** Rotated 90° counter-clockwise (y-axis labels). */
      vertical?: boolean;
    }
  | {
      kind: 'image';
      x: number;
      y: number;
      w: number;
      h: number;
      rgba: Uint8Array;
      iw: number;
      ih: number;
    };

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

function n(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Encode RGBA pixels as a PNG. The Sub filter with zlib level 6 is about five times faster than
 * pngjs's adaptive filtering, at a similar size for figures like these.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.set(rgba.subarray(0, width * height * 4));
  return PNG.sync.write(png, { filterType: 1, deflateLevel: 6, colorType: 6 });
}

/** A figure under construction. */
export class Scene {
  readonly shapes: Shape[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
    readonly title = '',
  ) {}

  add(shape: Shape): this {
    this.shapes.push(shape);
    return this;
  }

  /** A standalone SVG document. */
  toSvg(): string {
    let body = '';
    for (const s of this.shapes) body += svgShape(s);
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="11">` +
      (this.title ? `<title>${esc(this.title)}</title>` : '') +
      `<rect width="${this.width}" height="${this.height}" fill="#ffffff"/>${body}</svg>`
    );
  }

  /** The figure rasterised (white background). */
  toPng(): Buffer {
    const c = new Canvas(this.width, this.height);
    for (const s of this.shapes) c.draw(s);
    return encodePng(c.data, c.width, c.height);
  }
}

function svgShape(s: Shape): string {
  switch (s.kind) {
    case 'rect': {
      const attrs = `x="${n(s.x)}" y="${n(s.y)}" width="${n(Math.max(0, s.w))}" height="${n(Math.max(0, s.h))}" fill="${s.fill ?? 'none'}"${s.stroke ? ` stroke="${s.stroke}"` : ''}`;
      return s.title ? `<rect ${attrs}><title>${esc(s.title)}</title></rect>` : `<rect ${attrs}/>`;
    }
    case 'line':
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${s.width ?? 1}"/>`;
    case 'path': {
      let d = '';
      let pen = false;
      for (let i = 0; i + 1 < s.points.length; i += 2) {
        const x = s.points[i]!;
        const y = s.points[i + 1]!;
        if (!(Number.isFinite(x) && Number.isFinite(y))) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${n(x)},${n(y)}`;
        pen = true;
      }
      return d
        ? `<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width ?? 1.5}"/>`
        : '';
    }
    case 'text': {
      const anchor = s.anchor ?? 'start';
      const base = s.align === 'middle' ? ' dominant-baseline="middle"' : '';
      const weight = s.bold ? ' font-weight="bold" font-size="13"' : '';
      const fill = s.color ? ` fill="${s.color}"` : '';
      const pos = s.vertical
        ? `transform="translate(${n(s.x)},${n(s.y)}) rotate(-90)"`
        : `x="${n(s.x)}" y="${n(s.y)}"`;
      return `<text ${pos} text-anchor="${anchor}"${base}${weight}${fill}>${esc(s.text)}</text>`;
    }
    case 'image': {
      const href = `data:image/png;base64,${encodePng(s.rgba, s.iw, s.ih).toString('base64')}`;
      return `<image x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${href}" xlink:href="${href}"/>`;
    }
  }
}

/** Parse '#rrggbb' or 'rgb(r,g,b)'. */
export function parseColor(c: Color): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(c);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [0, 0, 0];
}

/** An RGBA pixel buffer with the few drawing operations the figures use. */
class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4).fill(255);
  }

  /** Blend colour `rgb` into pixel (x, y) with coverage `a` ∈ [0, 1]. */
  private plot(x: number, y: number, rgb: [number, number, number], a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return;
    const p = (y * this.width + x) * 4;
    const k = Math.min(1, a);
    for (let i = 0; i < 3; i++)
      this.data[p + i] = Math.round(this.data[p + i]! * (1 - k) + rgb[i]! * k);
  }

  private fillRect(
    x: number,
    y: number,
    w: number,
    h: number,
    rgb: [number, number, number],
  ): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.plot(xx, yy, rgb, 1);
  }

  /** An anti-aliased line: coverage from the distance of each pixel centre to the segment. */
  private line(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    rgb: [number, number, number],
    width: number,
  ): void {
    const half = Math.max(0.5, width / 2);
    const minX = Math.floor(Math.min(x1, x2) - half - 1);
    const maxX = Math.ceil(Math.max(x1, x2) + half + 1);
    const minY = Math.floor(Math.min(y1, y2) - half - 1);
    const maxY = Math.ceil(Math.max(y1, y2) + half + 1);
    const dx = x2 - x1;
    const dy = y2 - y1;
    const len2 = dx * dx + dy * dy;
    for (let y = Math.max(0, minY); y <= Math.min(this.height - 1, maxY); y++)
      for (let x = Math.max(0, minX); x <= Math.min(this.width - 1, maxX); x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2)) : 0;
        const d = Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
        this.plot(x, y, rgb, half + 0.5 - d);
      }
  }

  private text(s: Extract<Shape, { kind: 'text' }>): void {
    const rgb = parseColor(s.color ?? '#000000');
    const w = textWidth(s.text);
    const shift = s.anchor === 'middle' ? -w / 2 : s.anchor === 'end' ? -w : 0;
    const top = s.align === 'middle' ? -Math.ceil(GLYPH_ASCENT / 2) : -GLYPH_ASCENT;
    let k = 0;
    for (const ch of s.text) {
      for (const [c, r] of glyph(ch)) {
        const along = Math.round(shift) + k * GLYPH_ADVANCE + c!;
        const across = top + r!;
        for (let b = 0; b <= (s.bold ? 1 : 0); b++) {
          if (s.vertical) this.plot(Math.round(s.x) + across, Math.round(s.y) - along - b, rgb, 1);
          else this.plot(Math.round(s.x) + along + b, Math.round(s.y) + across, rgb, 1);
        }
      }
      k++;
    }
  }

  private image(s: Extract<Shape, { kind: 'image' }>): void {
    const x0 = Math.round(s.x);
    const y0 = Math.round(s.y);
    const w = Math.round(s.w);
    const h = Math.round(s.h);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(s.ih - 1, Math.floor((y * s.ih) / h));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(s.iw - 1, Math.floor((x * s.iw) / w));
        const q = (sy * s.iw + sx) * 4;
        this.plot(
          x0 + x,
          y0 + y,
          [s.rgba[q]!, s.rgba[q + 1]!, s.rgba[q + 2]!],
          s.rgba[q + 3]! / 255,
        );
      }
    }
  }

  draw(s: Shape): void {
    switch (s.kind) {
      case 'rect':
        if (s.fill) this.fillRect(s.x, s.y, s.w, s.h, parseColor(s.fill));
        if (s.stroke) {
          const rgb = parseColor(s.stroke);
          const [l, t, r, b] = [s.x, s.y, s.x + s.w, s.y + s.h];
          this.line(l, t, r, t, rgb, 1);
          this.line(r, t, r, b, rgb, 1);
          this.line(r, b, l, b, rgb, 1);
          this.line(l, b, l, t, rgb, 1);
        }
        return;
      case 'line':
        return this.line(s.x1, s.y1, s.x2, s.y2, parseColor(s.stroke), s.width ?? 1);
      case 'path': {
        const rgb = parseColor(s.stroke);
        for (let i = 0; i + 3 < s.points.length; i += 2) {
          const [x1, y1, x2, y2] = s.points.slice(i, i + 4) as [number, number, number, number];
          if ([x1, y1, x2, y2].every(Number.isFinite))
            this.line(x1, y1, x2, y2, rgb, s.width ?? 1.5);
        }
        return;
      }
      case 'text':
        return this.text(s);
      case 'image':
        return this.image(s);
    }
  }
}
