/**
 * Input history for `history_request`: tail, range and search, kept in memory for the kernel's
 * lifetime (one session).
 */

/** One executed input. */
export interface HistoryEntry {
  /** The execution count it ran as. */
  line: number;
  input: string;
  /** The text/plain of its result, or null. */
  output: string | null;
}

/** A `history_request`'s content. */
export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** [session, line, input] or [session, line, [input, output]]. */
export type HistoryItem = [number, number, string | [string, string | null]];

/** Glob (`*`, `?`) to an anchored regular expression, as IPython's history search uses. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) =>
      ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

/** The history of one kernel session. */
export class History {
  private readonly entries: HistoryEntry[] = [];

  /** `session` is the number reported in replies (1: this kernel's only session). */
  constructor(readonly session = 1) {}

  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i]!.line === line) {
        this.entries[i]!.output = output;
        return;
      }
  }

  /** Answer a history request. */
  query(req: HistoryRequest): HistoryItem[] {
    const sessionOk = req.session === undefined || req.session <= 0 || req.session === this.session;
    let list: HistoryEntry[];
    switch (req.hist_access_type) {
      case 'range': {
        if (!sessionOk) return [];
        const start = req.start ?? 0;
        const stop = req.stop ?? Infinity;
        list = this.entries.filter((e) => e.line >= start && e.line < stop);
        break;
      }
      case 'search': {
        const re = globToRegExp(req.pattern ?? '*');
        list = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          list = list
            .reverse()
            .filter((e) => (seen.has(e.input) ? false : (seen.add(e.input), true)))
            .reverse();
        }
        if (req.n) list = list.slice(-req.n);
        break;
      }
      default:
        list = req.n ? this.entries.slice(-req.n) : this.entries.slice();
    }
    return list.map((e) => [this.session, e.line, req.output ? [e.input, e.output] : e.input]);
  }
}
