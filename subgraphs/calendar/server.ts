import { serveSchema, type ServedSchema } from '../../lib/http/serve-schema.js';
import { loadCouncilRegistry } from '../directory/council-registry.js';
import { loadShippedBankHolidays } from './load-bank-holidays.js';
import { calendarSubgraphSchema, type CalendarData } from './subgraph.js';

export function loadCalendarData(): CalendarData {
  const councils = loadCouncilRegistry();
  return { bankHolidays: loadShippedBankHolidays(), nationOf: (code) => councils.get(code)?.nation };
}

export function startCalendar(options: { data?: CalendarData; port?: number; host?: string } = {}): Promise<ServedSchema> {
  return serveSchema({ name: 'calendar', schema: calendarSubgraphSchema(options.data ?? loadCalendarData()), port: options.port, host: options.host });
}
