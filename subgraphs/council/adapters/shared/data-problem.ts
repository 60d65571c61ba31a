// A problem in a council's published data, located well enough for the council to fix it:
// every message names the file, and where it can the line, the row and the column.

export interface DataProblem {
  /** The file path or URL, as resolved. */
  file: string;
  /** 1-based physical line in the file. */
  line?: number;
  /** 1-based data row of a table (the header is row 0). */
  row?: number;
  /** The column (CSV) or property (ICS) at fault. */
  column?: string;
  message: string;
}

export function formatProblem(problem: DataProblem): string {
  const where = problem.line !== undefined ? `${problem.file}:${problem.line}` : problem.file;
  const row = problem.row !== undefined ? `row ${problem.row}, ` : '';
  const column = problem.column !== undefined ? `column ${problem.column}: ` : '';
  return `${where}: ${row}${column}${problem.message}`;
}

/** Only the first few problems go into the message: a 10,000-row file with one systematic fault would otherwise drown the log. */
const LISTED = 10;

export class DataFileError extends Error {
  constructor(readonly problems: DataProblem[]) {
    const more = problems.length > LISTED ? `\n(and ${problems.length - LISTED} more problems)` : '';
    super(problems.slice(0, LISTED).map(formatProblem).join('\n') + more);
    this.name = 'DataFileError';
  }
}

/** Problems as lines for a log or a config loader's `errors`. */
export function problemLines(error: unknown): string[] {
  if (error instanceof DataFileError) {
    const lines = error.problems.slice(0, LISTED).map(formatProblem);
    if (error.problems.length > LISTED) lines.push(`(and ${error.problems.length - LISTED} more problems)`);
    return lines;
  }
  return [error instanceof Error ? error.message : String(error)];
}

/** Adds a DataFileError's problems to `problems`, so one read can report every bad file; anything else is rethrown. */
export function collectProblems(error: unknown, problems: DataProblem[]): void {
  if (error instanceof DataFileError) problems.push(...error.problems);
  else throw error;
}

/**
 * Why a read failed, without naming the file or URL: served to residents and clients, where a
 * council's internal address (or a key in its query string) has no business. The log keeps the detail.
 */
export function reasonWithoutLocation(error: unknown): string {
  if (error instanceof DataFileError) {
    return error.problems
      .slice(0, 3)
      .map((p) => (p.line !== undefined ? `line ${p.line}: ${p.message}` : p.message))
      .join('; ');
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\bhttps?:\/\/\S+?:\s/g, '').replace(/\bhttps?:\/\/\S+/g, 'the council\'s server');
}
