import type { Disruption } from '../../domain/disruptions/apply.js';

/** The affected area in words a resident reads on a banner. */
export function describeDisruptionArea(disruption: Disruption): string {
  const area = disruption.area;
  switch (area.kind) {
    case 'council':
      return 'Whole council';
    case 'postcodes':
      return `Postcodes ${area.postcodes.join(', ')}`;
    case 'rounds':
      return `Rounds ${area.roundIds.join(', ')}`;
  }
}
