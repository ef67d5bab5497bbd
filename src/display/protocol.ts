/**
 * The rich-display protocol: how an object says how it wants to be shown in a notebook.
 *
 * An object implements it with one method under the {@link DISPLAY} key that returns a MIME
 * bundle. The library never talks to Jupyter: the kernel (`kernel/`) calls the method when the
 * object is a cell's value or is passed to `display()`. Keep bundles JSON-safe, and send, beside a
 * rich type, `text/plain` and a static fallback (`image/png` or `text/html`) so notebooks read
 * well without the JupyterLab extension.
 *
 * Deno's Jupyter kernel uses the same idea under `Symbol.for('Jupyter.display')`
 * ({@link JUPYTER_DISPLAY}). The CBRAM Lab kernel honours both; the library's own objects
 * (crossbars, energy ledgers, trainers) answer to Deno's symbol, so they show richly there too.
 *
 * @example
 * class Dice {
 *   constructor(readonly faces: number[]) {}
 *   [DISPLAY](): MimeBundle {
 *     return { 'text/plain': this.faces.join(' '), 'text/html': `<b>${this.faces.join(' ')}</b>` };
 *   }
 * }
 */

/** The method key. A registered symbol, so separate copies of the library agree on it. */
export const DISPLAY: unique symbol = Symbol.for('cbram.display');

/** Deno's Jupyter kernel's method key (the same contract: a method returning a MIME bundle). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

/** MIME type → data: a string, or a JSON-safe object for `…+json` types. */
export type MimeBundle = Record<string, unknown>;

/** An object that renders itself. */
export interface Displayable {
  [DISPLAY](): MimeBundle;
}

function hasMethod(x: unknown, key: symbol): boolean {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as Record<symbol, unknown>)[key] === 'function'
  );
}

/**
 * Does `x` implement the display protocol?
 *
 * @example
 * isDisplayable({ [DISPLAY]: () => ({ 'text/plain': 'hi' }) }); // true
 */
export function isDisplayable(x: unknown): x is Displayable {
  return hasMethod(x, DISPLAY);
}

/**
 * Does `x` have Deno's `Symbol.for('Jupyter.display')` method?
 *
 * @example
 * isJupyterDisplayable({ [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': 'hi' }) }); // true
 */
export function isJupyterDisplayable(x: unknown): x is { [JUPYTER_DISPLAY](): MimeBundle } {
  return hasMethod(x, JUPYTER_DISPLAY);
}

let renderer: ((value: unknown) => MimeBundle) | null = null;

/**
 * Set the function that turns library objects into bundles (the kernel's renderers register
 * themselves when they load; tests may register another).
 */
export function setDisplayRenderer(fn: (value: unknown) => MimeBundle): void {
  renderer = fn;
}

/**
 * The MIME bundle of a library object, as its `Symbol.for('Jupyter.display')` method returns it:
 * text, the CBRAM payload and a PNG figure. The renderers are the kernel's display modules,
 * loaded on first use (display sits above every library layer, so it is only reached lazily).
 *
 * @example
 * displayBundle(createCrossbar({ rows: 4, cols: 4 }))['image/png']; // base64 PNG
 */
export function displayBundle(value: unknown): MimeBundle {
  if (!renderer) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../kernel/display/bundle');
  }
  return renderer!(value);
}
