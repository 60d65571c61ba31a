// A first pass over an iCalendar file that keeps line numbers, which ical.js's parser does not:
// it unfolds continuation lines, checks every content line with ical.js's own property parser and
// that BEGIN/END pair up, and records where each VEVENT and each of its properties sits, so later
// problems ("EXDATE is not a date") can name the line.
import ICAL from 'ical.js';
import type { DataProblem } from '../shared/data-problem.js';

export interface ContentLine {
  /** Physical line where the (possibly folded) content line starts. */
  line: number;
  text: string;
}

export interface EventLines {
  /** The BEGIN:VEVENT line. */
  line: number;
  /** Lines of the VEVENT's own properties, in file order (nested VALARMs excluded), as ical.js lists them. */
  properties: Array<{ name: string; line: number }>;
}

export interface IcsScan {
  /** Top-level VEVENTs in file order: the same order as ical.js's getAllSubcomponents('vevent'). */
  events: EventLines[];
  problems: DataProblem[];
}

/** RFC 5545 §3.1: a line starting with a space or tab continues the previous one. */
export function unfold(text: string): ContentLine[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const lines: ContentLine[] = [];
  physical.forEach((raw, index) => {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1].text += raw.slice(1);
    } else if (raw.trim() !== '') {
      lines.push({ line: index + 1, text: raw });
    }
  });
  return lines;
}

export function scanIcs(text: string, file: string): IcsScan {
  const problems: DataProblem[] = [];
  const events: EventLines[] = [];
  const open: Array<{ name: string; line: number; event?: EventLines }> = [];
  const lines = unfold(text);
  if (lines.length === 0 || !/^BEGIN:VCALENDAR$/i.test(lines[0].text.trim())) {
    problems.push({ file, line: lines[0]?.line ?? 1, message: 'is not an iCalendar file: it must start with BEGIN:VCALENDAR' });
    return { events, problems };
  }
  for (const { line, text: content } of lines) {
    const boundary = /^(BEGIN|END):(.+)$/i.exec(content.trim());
    if (boundary) {
      const name = boundary[2].trim().toUpperCase();
      if (boundary[1].toUpperCase() === 'BEGIN') {
        const entry: { name: string; line: number; event?: EventLines } = { name, line };
        // Only VEVENTs directly inside the VCALENDAR are events; ical.js lists them the same way.
        if (name === 'VEVENT' && open.length === 1 && open[0].name === 'VCALENDAR') {
          entry.event = { line, properties: [] };
          events.push(entry.event);
        }
        open.push(entry);
      } else {
        const top = open.pop();
        if (!top || top.name !== name) {
          problems.push({ file, line, message: top ? `END:${name} closes BEGIN:${top.name} from line ${top.line}` : `END:${name} has no matching BEGIN` });
          return { events, problems };
        }
      }
      continue;
    }
    if (open.length === 0) {
      problems.push({ file, line, message: 'content after END:VCALENDAR' });
      continue;
    }
    let name: string;
    try {
      name = String(ICAL.parse.property(content)[0]).toUpperCase();
    } catch (error) {
      problems.push({ file, line, message: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    open[open.length - 1].event?.properties.push({ name, line });
  }
  const unclosed = open.pop();
  if (unclosed) problems.push({ file, line: unclosed.line, message: `BEGIN:${unclosed.name} is never closed (the file may be cut short)` });
  return { events, problems };
}
