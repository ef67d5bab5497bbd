/**
 * The figures' font: DejaVu Sans (regular and bold) from the `dejavu-fonts-ttf` package, loaded
 * by file so a figure looks the same on every machine. Also its advance widths, read from the
 * font's own tables (`cmap` format 4, `hmtx`), so layout code can measure a label before drawing
 * it (legends, tick labels, collision checks).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The font family every figure names. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Default text size, px. */
export const FONT_SIZE = 11;

/** Bold (titles) text size, px. */
export const TITLE_SIZE = 13;

let dir: string | null = null;

/** The folder holding the TTF files. */
export function fontDir(): string {
  dir ??= path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return dir;
}

/** The font files the renderer loads (regular and bold). */
export function fontFiles(): string[] {
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(fontDir(), f));
}

/** Advance widths of one font: code point → advance in font units, and units per em. */
interface Metrics {
  unitsPerEm: number;
  advance: Map<number, number>;
  fallback: number;
}

function readMetrics(file: string): Metrics {
  const b = fs.readFileSync(file);
  const tables = new Map<string, number>();
  const count = b.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const rec = 12 + 16 * i;
    tables.set(b.toString('latin1', rec, rec + 4), b.readUInt32BE(rec + 8));
  }
  const at = (tag: string) => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`fonts: ${file} has no '${tag}' table`);
    return off;
  };
  const unitsPerEm = b.readUInt16BE(at('head') + 18);
  const longMetrics = b.readUInt16BE(at('hhea') + 34);
  const hmtx = at('hmtx');
  const glyphAdvance = (g: number) => b.readUInt16BE(hmtx + 4 * Math.min(g, longMetrics - 1));
  // The Unicode BMP subtable (platform 3 encoding 1, or platform 0), format 4: segments of code points.
  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0; i < b.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = b.readUInt16BE(rec);
    const encoding = b.readUInt16BE(rec + 2);
    const off = cmap + b.readUInt32BE(rec + 4);
    if (b.readUInt16BE(off) === 4 && (platform === 0 || (platform === 3 && encoding === 1)))
      sub = off;
  }
  if (sub < 0) throw new Error(`fonts: ${file} has no Unicode BMP cmap`);
  const segs = b.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const ranges = deltas + 2 * segs;
  const advance = new Map<number, number>();
  for (let s = 0; s < segs; s++) {
    const end = b.readUInt16BE(ends + 2 * s);
    const start = b.readUInt16BE(starts + 2 * s);
    const delta = b.readInt16BE(deltas + 2 * s);
    const rangeAt = ranges + 2 * s;
    const range = b.readUInt16BE(rangeAt);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let g: number;
      if (range === 0) g = (c + delta) & 0xffff;
      else {
        g = b.readUInt16BE(rangeAt + range + 2 * (c - start));
        if (g !== 0) g = (g + delta) & 0xffff;
      }
      if (g !== 0) advance.set(c, glyphAdvance(g));
    }
  }
  return { unitsPerEm, advance, fallback: glyphAdvance(0) };
}

const cache = new Map<boolean, Metrics>();

/**
 * The width of `text` set in DejaVu Sans at `size` px (no kerning: a slight over-estimate).
 *
 * @example
 * textWidth('accuracy (%)', 11); // ≈ 72 px
 */
export function textWidth(text: string, size = FONT_SIZE, bold = false): number {
  let m = cache.get(bold);
  if (!m) {
    m = readMetrics(fontFiles()[bold ? 1 : 0]!);
    cache.set(bold, m);
  }
  let units = 0;
  for (const ch of text) units += m.advance.get(ch.codePointAt(0)!) ?? m.fallback;
  return (units / m.unitsPerEm) * size;
}
