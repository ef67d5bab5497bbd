/**
 * Figures as a list of shapes with one backend: SVG. The PNG every display carries is that SVG
 * rendered by resvg (@resvg/resvg-js) with DejaVu Sans loaded from its files, never the system's
 * fonts, so the same figure gives the same pixels on every machine. The PNG shows in JupyterLab
 * also for untrusted outputs (SVG is not "safe" there), in nbconvert's HTML (Debian's nbconvert
 * 6.5 strips SVG markup) and on GitHub.
 */
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { FONT_FAMILY, FONT_SIZE, TITLE_SIZE, fontFiles } from './fonts';

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
  | {
      kind: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: Color;
      width?: number;
      /** Dash pattern, px (e.g. [4, 3]); default solid. */
      dash?: number[];
    }
  | { kind: 'path'; points: number[]; stroke: Color; width?: number; dash?: number[] }
  | {
      kind: 'marker';
      x: number;
      y: number;
      /** Default 'circle'. */
      shape?: 'circle' | 'square' | 'diamond';
      /** Radius, px (default 3). */
      r?: number;
      fill: Color;
      stroke?: Color;
    }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      anchor?: 'start' | 'middle' | 'end';
      /** 'baseline' (default): y is the baseline; 'middle': y is the middle of lower-case letters. */
      align?: 'baseline' | 'middle';
      bold?: boolean;
      /** Size, px (default 11, bold 13). */
      size?: number;
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

/** Escape text for SVG markup. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

function n(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, '');
}

/**
 * Encode RGBA pixels as a PNG (the pixel images embedded in figures). The Sub filter with zlib
 * level 6 is about five times faster than pngjs's adaptive filtering, at a similar size.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.set(rgba.subarray(0, width * height * 4));
  return PNG.sync.write(png, { filterType: 1, deflateLevel: 6, colorType: 6 });
}

/** A figure size in px (default: the figure's own). */
export interface FigureSize {
  width?: number;
  height?: number;
}

/** Options of {@link Scene.toSvg}: the drawn size (the figure scales to it; default its own). */
export interface SvgOptions {
  width?: number;
  height?: number;
}

/** Options of {@link Scene.toPng} and {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per figure pixel (default 2: sharp on high-density screens and in print). */
  scale?: number;
  /** Written into the PNG (pHYs chunk) so print tools place it at this size (default: none). */
  dpi?: number;
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

  /**
   * A standalone SVG document, drawn at the scene's size or, with `o.width` / `o.height`, scaled
   * to that size (the view box keeps the layout).
   */
  toSvg(o: SvgOptions = {}): string {
    let body = '';
    for (const s of this.shapes) body += svgShape(s);
    const w = o.width ?? (o.height ? (this.width * o.height) / this.height : this.width);
    const h = o.height ?? (o.width ? (this.height * o.width) / this.width : this.height);
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `width="${n(w)}" height="${n(h)}" viewBox="0 0 ${this.width} ${this.height}" ` +
      `font-family="'${FONT_FAMILY}', Verdana, Arial, sans-serif" font-size="${FONT_SIZE}">` +
      (this.title ? `<title>${esc(this.title)}</title>` : '') +
      `<rect width="${this.width}" height="${this.height}" fill="#ffffff"/>${body}</svg>`
    );
  }

  /**
   * The figure as a PNG: its SVG rendered by resvg with DejaVu Sans, `scale` pixels per figure
   * pixel (default 2).
   *
   * @example
   * const png = new Scene(100, 40).add({ kind: 'text', x: 10, y: 20, text: 'G (µS)' }).toPng();
   */
  toPng(o: PngOptions = {}): Buffer {
    return svgToPng(this.toSvg(), o);
  }
}

/**
 * Render an SVG document to PNG with resvg: DejaVu Sans from its files (system fonts are never
 * loaded, so the output is the same everywhere), white background.
 *
 * @example
 * svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { scale: 3 }); // 30 × 30
 */
export function svgToPng(svg: string, o: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: o.scale ?? 2 },
    background: '#ffffff',
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1,
    logLevel: 'off',
  });
  const png = resvg.render().asPng();
  return o.dpi === undefined ? png : withDpi(png, o.dpi);
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG chunks use). */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let k = 0; k < 256; k++) {
      let c = k;
      for (let j = 0; j < 8; j++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[k] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG with a pHYs chunk (pixels per metre) after IHDR, replacing any present. */
export function withDpi(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = Buffer.alloc(21);
  chunk.writeUInt32BE(9, 0);
  chunk.write('pHYs', 4, 'latin1');
  chunk.writeUInt32BE(ppm, 8);
  chunk.writeUInt32BE(ppm, 12);
  chunk[16] = 1; // unit: metre
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 17)), 17);
  const parts: Buffer[] = [png.subarray(0, 8)];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + len;
    if (type !== 'pHYs') parts.push(png.subarray(at, end));
    if (type === 'IHDR') parts.push(chunk);
    at = end;
  }
  return Buffer.concat(parts);
}

function dashAttr(dash: number[] | undefined): string {
  return dash && dash.length ? ` stroke-dasharray="${dash.map(n).join(' ')}"` : '';
}

function svgShape(s: Shape): string {
  switch (s.kind) {
    case 'rect': {
      const attrs = `x="${n(s.x)}" y="${n(s.y)}" width="${n(Math.max(0, s.w))}" height="${n(Math.max(0, s.h))}" fill="${s.fill ?? 'none'}"${s.stroke ? ` stroke="${s.stroke}"` : ''}`;
      return s.title ? `<rect ${attrs}><title>${esc(s.title)}</title></rect>` : `<rect ${attrs}/>`;
    }
    case 'line':
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${s.width ?? 1}"${dashAttr(s.dash)}/>`;
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
        ? `<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width ?? 1.5}" stroke-linejoin="round"${dashAttr(s.dash)}/>`
        : '';
    }
    case 'marker': {
      const r = s.r ?? 3;
      const stroke = s.stroke ? ` stroke="${s.stroke}" stroke-width="1"` : '';
      if (s.shape === 'square')
        return `<rect x="${n(s.x - r)}" y="${n(s.y - r)}" width="${n(2 * r)}" height="${n(2 * r)}" fill="${s.fill}"${stroke}/>`;
      if (s.shape === 'diamond')
        return `<path d="M${n(s.x)},${n(s.y - r * 1.3)}L${n(s.x + r * 1.3)},${n(s.y)}L${n(s.x)},${n(s.y + r * 1.3)}L${n(s.x - r * 1.3)},${n(s.y)}Z" fill="${s.fill}"${stroke}/>`;
      return `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${n(r)}" fill="${s.fill}"${stroke}/>`;
    }
    case 'text': {
      const anchor = s.anchor ?? 'start';
      const size = s.size ?? (s.bold ? TITLE_SIZE : FONT_SIZE);
      // 'middle': shift the baseline by about half the x-height (the same in every renderer,
      // unlike dominant-baseline).
      const dy = s.align === 'middle' ? ` dy="${n(size * 0.35)}"` : '';
      const font =
        (s.bold ? ' font-weight="bold"' : '') +
        (size !== FONT_SIZE ? ` font-size="${n(size)}"` : '');
      const fill = s.color ? ` fill="${s.color}"` : '';
      const pos = s.vertical
        ? `transform="translate(${n(s.x)},${n(s.y)}) rotate(-90)"`
        : `x="${n(s.x)}" y="${n(s.y)}"`;
      return `<text ${pos}${dy} text-anchor="${anchor}"${font}${fill}>${esc(s.text)}</text>`;
    }
    case 'image': {
      const href = `data:image/png;base64,${encodePng(s.rgba, s.iw, s.ih).toString('base64')}`;
      return `<image x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${href}" xlink:href="${href}"/>`;
    }
  }
}
