// A small RFC 4180 CSV reader that keeps line numbers, so every error can name the file, the row
// and the column. Quoted fields may hold commas, doubled quotes and line breaks.
// Council exports add quirks, each handled here: a UTF-8 byte-order mark (Excel), CRLF line ends,
// blank lines (trailing or between blocks), header names in any case with stray spaces.
import { DataFileError, type DataProblem } from './data-problem.js';

export interface CsvRecord {
  /** Physical line on which the record starts (1-based). */
  line: number;
  fields: string[];
}

/** Splits text into records. Throws DataFileError naming the line of an unterminated or stray quote. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside quotes
  let wasQuoted = false; // the current field was quoted (so an empty quoted field still counts)
  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is one empty field: skip it rather than make a row of nothing.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      if (field !== '' || wasQuoted) {
        throw new DataFileError([{ file, line, message: 'a quote (") appears inside an unquoted field; quote the whole field and double the quote ("")' }]);
      }
      quoted = true;
      wasQuoted = true;
    } else if (char === ',') {
      endField();
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted) {
        throw new DataFileError([{ file, line, message: 'text follows a closing quote; a quoted field must end at a comma or the end of the line' }]);
      }
      field += char;
    }
  }
  if (quoted) throw new DataFileError([{ file, line: recordLine, message: 'a quoted field is never closed (missing ")' }]);
  if (field !== '' || wasQuoted || fields.length > 0) endRecord();
  return records;
}

export interface TableRow {
  line: number;
  /** 1-based data row (the header is row 0). */
  row: number;
  /** Trimmed values by canonical (lower-case) column name; optional columns that are absent are ''. */
  values: Record<string, string>;
}

export interface TableSpec {
  required: readonly string[];
  optional?: readonly string[];
}

/**
 * A CSV with a header row, as rows keyed by column. Column names match case-insensitively, with
 * spaces and hyphens read as underscores ("Round Plan" is round_plan). Unknown columns are ignored.
 */
export function readCsvTable(text: string, file: string, spec: TableSpec): TableRow[] {
  const records = parseCsv(text, file);
  if (records.length === 0) throw new DataFileError([{ file, line: 1, message: `is empty; expected a header row with ${spec.required.join(', ')}` }]);
  const [header, ...data] = records;
  const names = header.fields.map(canonicalColumn);
  const missing = spec.required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new DataFileError([{ file, line: header.line, row: 0, message: `the header lacks column ${missing.join(', ')} (found ${header.fields.join(', ') || 'nothing'})` }]);
  }
  const wanted = [...spec.required, ...(spec.optional ?? [])];
  const problems: DataProblem[] = [];
  const rows = data.map((record, index) => {
    if (record.fields.length !== header.fields.length) {
      problems.push({ file, line: record.line, row: index + 1, message: `has ${record.fields.length} fields but the header has ${header.fields.length}` });
    }
    const values: Record<string, string> = {};
    for (const name of wanted) {
      const at = names.indexOf(name);
      values[name] = at >= 0 ? (record.fields[at] ?? '').trim() : '';
    }
    return { line: record.line, row: index + 1, values };
  });
  if (problems.length > 0) throw new DataFileError(problems);
  return rows;
}

export function canonicalColumn(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}
