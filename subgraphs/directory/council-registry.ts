// The council registry: every current UK council (GOV.UK Local Links Manager, joined with
// mySociety and Bindicator by scripts/derive-directory-data.ts) read from data/councils.json.
// The file is validated on load so a hand edit or a bad regeneration fails at start-up, not
// as a wrong answer later.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { COUNCIL_TIERS, GSS_CODE_PATTERN, type CouncilRecord, type CouncilTier } from '../../contracts/council.js';
import { NATIONS, type Nation } from '../../domain/types.js';
import { projectPath } from '../../lib/project-path.js';

export interface CouncilFilter {
  nation?: Nation;
  tier?: CouncilTier;
  collectsWaste?: boolean;
}

export interface CouncilRegistry {
  /** Every council, sorted by code. */
  all(): readonly CouncilRecord[];
  get(code: string): CouncilRecord | undefined;
  /** The districts of a county (empty for anything else), sorted by code. */
  children(code: string): readonly CouncilRecord[];
  /** Councils matching every given criterion, sorted by code. */
  filter(criteria: CouncilFilter): readonly CouncilRecord[];
}

/** Where the derived registry is committed, resolved from this file so any cwd works. */
export const DEFAULT_COUNCILS_PATH = projectPath('data', 'councils.json');

const councilRecordSchema = z.object({
  code: z.string().regex(GSS_CODE_PATTERN),
  name: z.string().min(1),
  shortName: z.string().min(1),
  nation: z.enum(NATIONS),
  tier: z.enum(COUNCIL_TIERS),
  website: z.url({ protocol: /^https$/ }),
  binDayUrl: z.url({ protocol: /^https?$/ }).nullable(),
  parentCode: z.string().nullable(),
  collectsWaste: z.boolean(),
  slug: z.string().min(1),
  localCustodianCode: z.string().nullable(),
}) satisfies z.ZodType<CouncilRecord>;

const councilsFileSchema = z.object({
  generatedAt: z.string(),
  sources: z.array(z.unknown()),
  councils: z.array(councilRecordSchema),
});

export function loadCouncilRegistry(path: string = DEFAULT_COUNCILS_PATH): CouncilRegistry {
  const parsed = councilsFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a valid councils file: ${z.prettifyError(parsed.error)}`);
  }
  return createCouncilRegistry(parsed.data.councils);
}

/** Builds a registry from records already in memory (tests, fixtures). */
export function createCouncilRegistry(records: readonly CouncilRecord[]): CouncilRegistry {
  const councils = Object.freeze(
    [...records].sort((a, b) => compareCodes(a.code, b.code)).map((record) => Object.freeze({ ...record })),
  );
  const byCode = new Map<string, CouncilRecord>();
  const childrenByParent = new Map<string, CouncilRecord[]>();
  for (const council of councils) {
    if (byCode.has(council.code)) throw new Error(`Duplicate council code ${council.code}`);
    byCode.set(council.code, council);
    if (council.parentCode) {
      const siblings = childrenByParent.get(council.parentCode) ?? [];
      siblings.push(council);
      childrenByParent.set(council.parentCode, siblings);
    }
  }
  // A dangling parent would make children() silently miss districts; refuse the data instead.
  for (const [parentCode, districts] of childrenByParent) {
    if (!byCode.has(parentCode)) throw new Error(`Council parent ${parentCode} is not in the registry`);
    Object.freeze(districts);
  }

  const none: readonly CouncilRecord[] = Object.freeze([]);
  return {
    all: () => councils,
    get: (code) => byCode.get(code),
    children: (code) => childrenByParent.get(code) ?? none,
    filter: ({ nation, tier, collectsWaste }) =>
      councils.filter(
        (council) =>
          (nation === undefined || council.nation === nation) &&
          (tier === undefined || council.tier === tier) &&
          (collectsWaste === undefined || council.collectsWaste === collectsWaste),
      ),
  };
}

function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
