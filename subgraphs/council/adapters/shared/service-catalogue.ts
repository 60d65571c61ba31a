// The council's services as the host configuration declares them, and how the words of a feed
// ("Black Bin Day", "Collect Domestic Refuse", "240L Grey Wheelie Bin") are matched to them.
import type { ContainerKind, Frequency, Service, ServiceType } from '../../../../domain/types.js';

export interface ServiceDefinition {
  /** Stable id within the council; defaults to a slug of `name`. */
  id?: string;
  /**
   * What the feed calls this service: case-insensitive text contained in it, or a /regular expression/.
   * Several services may match one text ("Green Bin + Glass Box Day" is recycling and glass).
   */
  match: string | string[];
  type: ServiceType;
  /** The council's own words, e.g. "Black bin (general waste)". */
  name: string;
  colour?: string | null;
  container?: { name?: string; kind?: ContainerKind };
  /** Set when residents must sign up (garden waste): the sentence shown to them. */
  subscription?: string | null;
  /** The council's wording of the frequency, instead of the one worked out from the rounds. */
  frequency?: string;
}

interface Entry {
  id: string;
  definition: ServiceDefinition;
  matchers: RegExp[];
}

export class ServiceCatalogue {
  private readonly entries: Entry[];

  constructor(definitions: readonly ServiceDefinition[]) {
    const used = new Set<string>();
    this.entries = definitions.map((definition) => {
      const id = uniqueId(definition.id ?? slug(definition.name), used);
      const patterns = Array.isArray(definition.match) ? definition.match : [definition.match];
      return { id, definition, matchers: patterns.map(toMatcher) };
    });
  }

  /** Ids of every service whose pattern matches `text`, in configuration order. */
  match(text: string): string[] {
    return this.entries.filter((entry) => entry.matchers.some((matcher) => matcher.test(text))).map((entry) => entry.id);
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.id);
  }

  /** The services, with each one's frequency where the caller worked it out (else a generic one). */
  services(frequencies: ReadonlyMap<string, Frequency> = new Map()): Service[] {
    return this.entries.map(({ id, definition }) => {
      const computed = frequencies.get(id) ?? { description: 'See the collection dates', rrule: null };
      return {
        id,
        name: definition.name,
        type: definition.type,
        containers: [
          {
            name: definition.container?.name ?? definition.name,
            colour: definition.colour ?? null,
            kind: definition.container?.kind ?? guessKind(definition.container?.name ?? definition.name),
          },
        ],
        frequency: definition.frequency ? { description: definition.frequency, rrule: computed.rrule } : computed,
        subscription: definition.subscription ? { required: true, description: definition.subscription, url: null } : null,
      };
    });
  }
}

/** "/^Black Bin/i" is a regular expression; anything else is text to look for, ignoring case. */
export function toMatcher(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (regex) return new RegExp(regex[1], regex[2].includes('i') ? regex[2] : `${regex[2]}i`);
  return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/** Problems with a match pattern, for the configuration validator. */
export function matcherProblem(pattern: string): string | null {
  try {
    toMatcher(pattern);
    return null;
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'service';
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

const KIND_WORDS: Array<[RegExp, ContainerKind]> = [
  [/communal/i, 'COMMUNAL_BIN'],
  [/cadd(y|ies)/i, 'CADDY'],
  [/\bbox(es)?\b/i, 'BOX'],
  [/\bsacks?\b/i, 'SACK'],
  [/\bbags?\b/i, 'BAG'],
  [/\bbins?\b|wheelie/i, 'WHEELIE_BIN'],
];

function guessKind(name: string): ContainerKind {
  const found = KIND_WORDS.find(([pattern]) => pattern.test(name));
  return found ? found[1] : 'OTHER';
}
