/** The renderer's one error type, and how any error becomes text for the error panel. */

/** A payload that cannot be drawn; the message is plain text for the error panel. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/**
 * The error panel's text for anything thrown while `stage` (e.g. 'reading', 'drawing'): a
 * {@link PayloadError}'s own message; for anything else (a bug, or the page out of memory) a
 * sentence that says so, never a raw `TypeError` or `RangeError` text. Callers log the error
 * itself to the console for a bug report.
 *
 * @example
 * problemMessage(new TypeError("Cannot read properties of null (reading 'x')"), 'drawing');
 * // "CBRAM Lab's renderer hit an internal error while drawing this output. …"
 */
export function problemMessage(e: unknown, stage: string): string {
  if (e instanceof PayloadError) return e.message;
  const m = e instanceof Error ? e.message : '';
  if (/allocation failed|out of memory|invalid (typed )?array length|call stack/i.test(m))
    return `This output is too large for the page: the browser ran out of memory while ${stage} it.`;
  return (
    `CBRAM Lab's renderer hit an internal error while ${stage} this output. ` +
    'This is a bug: please report it with the notebook (the browser console has the details).'
  );
}
