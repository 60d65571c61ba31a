// Plausible household waste services per nation, for sample councils.
// Wales and (since 31 March 2026, under Simpler Recycling) England collect food waste weekly.
import type { Container, Service, ServiceType } from '../../../domain/types.js';
import { hashOf } from './hash.js';
import type { SampleCouncil } from './sample-source.js';

export interface SampleService {
  service: Service;
  everyWeeks: number;
  /** Shifts this service's weeks against the street's week, so refuse and recycling alternate. */
  weekShift: number;
  roundPrefix: string;
  suspensions?: { from: string; to: string; note?: string }[];
}

interface ServiceTemplate {
  id: string;
  name: string;
  type: ServiceType;
  containers: Container[];
  everyWeeks: number;
  weekShift: number;
  subscription?: string;
  winterBreak?: boolean;
}

const bin = (name: string, colour: string): Container => ({ name, colour, kind: 'WHEELIE_BIN' });
const caddy: Container = { name: 'Food caddy', colour: 'green', kind: 'CADDY' };

function templatesFor(council: SampleCouncil): ServiceTemplate[] {
  const variant = hashOf(`variant:${council.code}`);
  const gardenSubscription = 'Garden waste is a paid subscription: sign up with the council to receive it.';
  switch (council.nation) {
    case 'WALES':
      return [
        { id: 'refuse', name: 'Black bin (general waste)', type: 'GENERAL_WASTE', containers: [bin('Black bin', 'black')], everyWeeks: 3, weekShift: 0 },
        { id: 'recycling', name: 'Recycling boxes (paper, cans, plastics, glass)', type: 'RECYCLING', containers: [{ name: 'Recycling box', colour: 'blue', kind: 'BOX' }, { name: 'Recycling bag', colour: 'white', kind: 'BAG' }], everyWeeks: 1, weekShift: 0 },
        { id: 'food', name: 'Food waste caddy', type: 'FOOD_WASTE', containers: [caddy], everyWeeks: 1, weekShift: 0 },
        { id: 'garden', name: 'Green bin (garden waste)', type: 'GARDEN_WASTE', containers: [bin('Green bin', 'green')], everyWeeks: 2, weekShift: 1, subscription: gardenSubscription, winterBreak: true },
      ];
    case 'SCOTLAND':
      return [
        { id: 'refuse', name: variant % 2 ? 'Grey bin (general waste)' : 'Green bin (general waste)', type: 'GENERAL_WASTE', containers: [bin('General waste bin', variant % 2 ? 'grey' : 'green')], everyWeeks: variant % 3 === 0 ? 3 : 2, weekShift: 0 },
        { id: 'recycling', name: 'Blue bin (mixed recycling)', type: 'RECYCLING', containers: [bin('Blue bin', 'blue')], everyWeeks: 2, weekShift: 1 },
        { id: 'glass', name: 'Glass box', type: 'GLASS', containers: [{ name: 'Glass box', colour: 'black', kind: 'BOX' }], everyWeeks: 4, weekShift: 2 },
        { id: 'food', name: 'Food waste caddy', type: 'FOOD_WASTE', containers: [caddy], everyWeeks: 1, weekShift: 0 },
        { id: 'garden', name: 'Brown bin (garden waste permit)', type: 'GARDEN_WASTE', containers: [bin('Brown bin', 'brown')], everyWeeks: 2, weekShift: 1, subscription: 'Garden waste needs a paid permit from the council.', winterBreak: true },
      ];
    case 'NORTHERN_IRELAND':
      return [
        { id: 'refuse', name: 'Black bin (general waste)', type: 'GENERAL_WASTE', containers: [bin('Black bin', 'black')], everyWeeks: 2, weekShift: 0 },
        { id: 'recycling', name: 'Blue bin (dry recycling)', type: 'RECYCLING', containers: [bin('Blue bin', 'blue')], everyWeeks: 2, weekShift: 1 },
        { id: 'organics', name: 'Brown bin (food and garden waste)', type: 'FOOD_WASTE', containers: [bin('Brown bin', 'brown'), caddy], everyWeeks: 2, weekShift: 1 },
      ];
    case 'ENGLAND': {
      const templates: ServiceTemplate[] = [
        { id: 'refuse', name: variant % 2 ? 'Black bin (general waste)' : 'Grey bin (general waste)', type: 'GENERAL_WASTE', containers: [bin('General waste bin', variant % 2 ? 'black' : 'grey')], everyWeeks: variant % 5 === 0 ? 3 : 2, weekShift: 0 },
        { id: 'recycling', name: variant % 2 ? 'Blue bin (mixed recycling)' : 'Green bin (recycling)', type: 'RECYCLING', containers: [bin('Recycling bin', variant % 2 ? 'blue' : 'green')], everyWeeks: 2, weekShift: 1 },
        { id: 'food', name: 'Food waste caddy', type: 'FOOD_WASTE', containers: [caddy], everyWeeks: 1, weekShift: 0 },
        { id: 'garden', name: 'Brown bin (garden waste)', type: 'GARDEN_WASTE', containers: [bin('Garden waste bin', 'brown')], everyWeeks: 2, weekShift: 1, subscription: gardenSubscription, winterBreak: variant % 4 === 0 },
      ];
      if (variant % 3 === 0) {
        templates.push({ id: 'glass', name: 'Glass box', type: 'GLASS', containers: [{ name: 'Glass box', colour: 'black', kind: 'BOX' }], everyWeeks: 4, weekShift: 3 });
      }
      return templates;
    }
  }
}

export function sampleServicesFor(council: SampleCouncil): SampleService[] {
  return templatesFor(council).map((t) => {
    return {
      everyWeeks: t.everyWeeks,
      weekShift: t.weekShift,
      roundPrefix: t.id.toUpperCase(),
      suspensions: t.winterBreak ? [{ from: '12-15', to: '01-31', note: 'Garden waste collections pause over winter.' }] : undefined,
      service: {
        id: t.id,
        name: t.name,
        type: t.type,
        containers: t.containers,
        // The weekday differs by street, so the council-wide frequency names none; each property's services do.
        frequency: { description: councilWideFrequency(t.everyWeeks), rrule: `FREQ=WEEKLY;INTERVAL=${t.everyWeeks}` },
        subscription: t.subscription ? { required: true, description: t.subscription, url: null } : null,
      },
    };
  });
}

function councilWideFrequency(everyWeeks: number): string {
  if (everyWeeks === 1) return 'Every week';
  if (everyWeeks === 2) return 'Every other week';
  return `Every ${everyWeeks} weeks`;
}
