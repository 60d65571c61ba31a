// The text/event-stream format both ways (lib/http/sse.ts): what we write parses back; the parser follows the
// format's rules for line ends split across chunks, comments, multi-line data and ids; it caps sizes.
import { describe, expect, it } from 'vitest';
import { formatSseEvent, SseParser, SseProtocolError, startingCursor } from '../../lib/http/sse.js';

const parser = () => new SseParser({ maxLineChars: 1000, maxEventChars: 2000 });

describe('the event-stream format', () => {
  it('reads back what it writes, multi-line data included, and strips line breaks from id and event', () => {
    const text = formatSseEvent({ id: '7\n8', event: 'disruption.published\r', data: 'first\nsecond\r\nthird' });
    expect(text).toBe('id: 78\nevent: disruption.published\ndata: first\ndata: second\ndata: third\n\n');
    expect(parser().push(text)).toEqual([{ id: '78', event: 'disruption.published', data: 'first\nsecond\nthird' }]);
  });

  it('handles CRLF split across chunks, comments, and a field with no space after the colon', () => {
    const p = parser();
    expect(p.push(': hello\r')).toEqual([]);
    expect(p.push('\nid:3\r\nevent:x\r\ndata:{"a":1}\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ id: '3', event: 'x', data: '{"a":1}' }]);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode('data: Caerdydd — Ŵ\n\n');
    const p = parser();
    const events = [...p.push(bytes.slice(0, 17)), ...p.push(bytes.slice(17))];
    expect(events).toEqual([{ id: undefined, event: 'message', data: 'Caerdydd — Ŵ' }]);
  });

  it('refuses a line that never ends and an event over the cap', () => {
    expect(() => parser().push('data: ' + 'x'.repeat(1200))).toThrow(SseProtocolError);
    const p = parser();
    expect(() => {
      for (let i = 0; i < 5; i++) p.push(`data: ${'y'.repeat(900)}\n`);
    }).toThrow(/longer than 2000/);
  });

  it('starts after the resume point, live without one, and from the start when the point is beyond the log', () => {
    expect(startingCursor(undefined, 42)).toBe(42);
    expect(startingCursor(10, 42)).toBe(10);
    expect(startingCursor(99, 42)).toBe(0);
  });
});
