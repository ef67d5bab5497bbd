/**
 * The rich-display protocol: how an object says how it wants to be shown in a notebook.
 *
 * An object implements it with one method under the {@link DISPLAY} key that returns a MIME
 * bundle. The library never talks to Jupyter: the kernel (`kernel/`) calls the method when the
 * object is a cell's value or is passed to `display()`. Keep bundles JSON-safe, and send, beside a
 * rich type, `text/plain` and a static fallback (`image/svg+xml` or `text/html`) so notebooks read
 * well without the JupyterLab extension.
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

/** MIME type → data: a string, or a JSON-safe object for `…+json` types. */
export type MimeBundle = Record<string, unknown>;

/** An object that renders itself. */
export interface Displayable {
  [DISPLAY](): MimeBundle;
}

/**
 * Does `x` implement the display protocol?
 *
 * @example
 * isDisplayable({ [DISPLAY]: () => ({ 'text/plain': 'hi' }) }); // true
 */
export function isDisplayable(x: unknown): x is Displayable {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as Record<symbol, unknown>)[DISPLAY] === 'function'
  );
}
