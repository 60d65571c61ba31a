import { readdirSync } from 'node:fs';
import { loadShippedBankHolidays } from './subgraphs/calendar/load-bank-holidays.js';
import { loadIcsCouncil } from './subgraphs/council/adapters/ics/ics-council.js';
const year = process.argv[2] ?? '2025-26';
const dir = `/work/shared/data/bin-collections/gedling-ics/${year}/`;
const files = readdirSync(dir).filter((f) => f.endsWith('.ics')).sort();
const calendars = files.map((f) => ({ round: f.replace('gedling_borough_council_', '').replace('_schedule.ics', ''), url: dir + f }));
const byPostcode = new Map(calendars.map((c, i) => [`NG${i + 1} 1AA`, [c.round]]));
const { source, warnings } = await loadIcsCouncil({
  councilCode: 'E07000173', town: 'Gedling', baseDir: dir, calendars, rounds: { byPostcode },
  services: [
    { match: 'Black Bin', type: 'GENERAL_WASTE', name: 'Black bin' },
    { match: 'Green Bin', type: 'RECYCLING', name: 'Green bin' },
    { match: 'Glass Box', type: 'GLASS', name: 'Glass box' },
    { match: 'Garden Waste', type: 'GARDEN_WASTE', name: 'Garden waste' },
  ],
  changedCollections: { marker: '(Changed Collection)', withinDays: 7 },
  rules: { division: 'england-and-wales', policy: { kind: 'work-through' } },
  bankHolidays: loadShippedBankHolidays(),
});
console.log('warnings', warnings);
let total = 0, moved = 0, additions = 0; const movedList: string[] = [];
for (const [pc, [round]] of byPostcode) {
  const [p] = await source.propertiesInPostcode(pc);
  const from = year === '2025-26' ? '2025-04-01' : '2024-04-01';
  const to = year === '2025-26' ? '2026-11-30' : '2025-11-30';
  const cs = await source.collections(p, { from, to });
  total += cs.length;
  for (const c of cs) if (c.status === 'MOVED') { moved++; movedList.push(`${round} ${c.serviceId} ${c.originalDate}->${c.date} ${c.changeReason}`); }
  if (process.argv[3] === round) console.log(p.frequencies, cs.map(c => `${c.date} ${c.serviceId} ${c.status}${c.originalDate ? ' from ' + c.originalDate : ''}`).join('\n'));
}
const snapshot = source.snapshot();
for (const [round, services] of snapshot.rounds) for (const [s, rounds] of services) for (const r of rounds) additions += r.additions?.length ?? 0;
console.log({ calendars: files.length, total, moved, additions });
console.log(movedList.join('\n'));
for (const [round, services] of snapshot.rounds) for (const [s, rounds] of services) for (const r of rounds) if (r.additions?.length || r.exceptions?.length) console.log(round, s, 'add', r.additions, 'exc', r.exceptions);
let movesInRounds = 0;
for (const [round, services] of snapshot.rounds) for (const [s, rounds] of services) for (const r of rounds) for (const m of r.moved ?? []) { movesInRounds++; if (!movedList.includes(`${round} ${s} ${m.from}->${m.to} ${m.reason}`)) console.log('MISSING', round, s, m); }
console.log({ movesInRounds });
import { parseCalendar } from './subgraphs/council/adapters/ics/ics-calendar.js';
import { readFileSync } from 'node:fs';
for (const c of calendars) {
  const cal = parseCalendar(readFileSync(c.url, 'utf8'), c.url);
  const services = snapshot.rounds.get(c.round)!;
  for (const e of cal.events.filter((e) => /Changed/.test(e.summary))) {
    const ids = [/Black/.test(e.summary) && 'black-bin', /Green/.test(e.summary) && 'green-bin', /Glass/.test(e.summary) && 'glass-box', /Garden/.test(e.summary) && 'garden-waste'].filter(Boolean) as string[];
    for (const id of ids) if (!(services.get(id) ?? []).some((r) => r.moved?.some((m) => m.to === e.start))) console.log('UNPAIRED', c.round, id, e.start, e.summary);
  }
}
