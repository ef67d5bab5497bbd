/**
 * The kernel's logo, drawn in code: a 3 × 3 crossbar (word lines and bit lines) with a memory
 * cell at each crossing, shaded by conductance on the viridis scale.
 */
import { PNG } from 'pngjs';
import { viridis } from './display/chart';

const LEVELS = [0.15, 0.55, 0.95, 0.75, 0.3, 0.6, 0.9, 0.45, 0.2];
const BG: [number, number, number] = [20, 36, 52];
const WIRE: [number, number, number] = [170, 190, 205];

/** The logo as a square PNG of `size` pixels (Jupyter uses 32 and 64). */
export function logoPng(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const s = size / 64;
  const r = 12 * s;
  const lines = [16, 32, 48].map((v) => v * s);
  const dot = 5.5 * s;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      // Rounded square background.
      const dx = Math.max(r - cx, 0, cx - (size - r));
      const dy = Math.max(r - cy, 0, cy - (size - r));
      const inside = dx * dx + dy * dy <= r * r;
      let rgb: [number, number, number] = BG;
      let alpha = inside ? 255 : 0;
      if (inside) {
        if (lines.some((l) => Math.abs(cx - l) < 1.2 * s || Math.abs(cy - l) < 1.2 * s)) rgb = WIRE;
        lines.forEach((ly, i) =>
          lines.forEach((lx, j) => {
            if ((cx - lx) ** 2 + (cy - ly) ** 2 <= dot * dot) rgb = viridis(LEVELS[i * 3 + j]!);
          }),
        );
      } else alpha = 0;
      const p = (y * size + x) * 4;
      png.data[p] = rgb[0];
      png.data[p + 1] = rgb[1];
      png.data[p + 2] = rgb[2];
      png.data[p + 3] = alpha;
    }
  return PNG.sync.write(png);
}

/** The logo as SVG. */
export function logoSvg(): string {
  const lines = [16, 32, 48];
  let body = `<rect width="64" height="64" rx="12" fill="rgb(${BG.join(',')})"/>`;
  for (const l of lines)
    body +=
      `<line x1="${l}" y1="6" x2="${l}" y2="58" stroke="rgb(${WIRE.join(',')})" stroke-width="2.4"/>` +
      `<line x1="6" y1="${l}" x2="58" y2="${l}" stroke="rgb(${WIRE.join(',')})" stroke-width="2.4"/>`;
  lines.forEach((y, i) =>
    lines.forEach((x, j) => {
      body += `<circle cx="${x}" cy="${y}" r="5.5" fill="rgb(${viridis(LEVELS[i * 3 + j]!).join(',')})"/>`;
    }),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">${body}</svg>\n`;
}
