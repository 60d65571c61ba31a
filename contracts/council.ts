// What the gateway and the council subgraphs both need to agree on about a council, in one place that
// neither owns: the record the registry keeps, the GSS code that identifies it, and the link a resident
// is sent to when its service fails. The directory subgraph loads the records (data/councils.json); the
// gateway routes and attributes failures by them; the council kit serves them. Error codes are the
// standard's and live with it, in schema/error-codes.ts.
import type { Nation } from '../domain/types.js';

/**
 * A GSS code (ONS Government Statistical Service), e.g. "E06000038": a nation letter (England, Wales,
 * Scotland, Northern Ireland) and eight digits. It names a council everywhere in Binfo: in the registry,
 * in every council-owned entity's key, in council URLs and in errors (`councilCode`).
 */
export type GssCode = string;

export const GSS_CODE_PATTERN = /^[EWSN]\d{8}$/;

export function isGssCode(value: unknown): value is GssCode {
  return typeof value === 'string' && GSS_CODE_PATTERN.test(value);
}

export const COUNCIL_TIERS = ['COUNTY', 'DISTRICT', 'UNITARY'] as const;
export type CouncilTier = (typeof COUNCIL_TIERS)[number];

export interface CouncilRecord {
  /** GSS code, e.g. "E06000038"; the current code, also used by the postcode index. */
  code: GssCode;
  /** Full name as GOV.UK writes it, e.g. "Reading Borough Council". */
  name: string;
  /** Short everyday name (mySociety nice-name), e.g. "Reading". */
  shortName: string;
  nation: Nation;
  tier: CouncilTier;
  /** Council homepage (https). */
  website: string;
  /** The council's bin-day lookup page (Bindicator), when known. */
  binDayUrl: string | null;
  /** The county's GSS code for a two-tier district; null otherwise. */
  parentCode: GssCode | null;
  /** Districts and unitaries collect household waste; counties only dispose of it. */
  collectsWaste: boolean;
  /** GOV.UK Local Links Manager slug, e.g. "reading". */
  slug: string;
  /** AddressBase local custodian code (maps UPRNs to councils), when known. */
  localCustodianCode: string | null;
}

/**
 * Where a resident checks their bin day when the council's service fails: its own bin-day page, else its
 * homepage. Every `fallbackUrl` a client sees comes from here (or from the registry file's override),
 * never from what a council answered.
 */
export function councilFallbackUrl(council: Pick<CouncilRecord, 'binDayUrl' | 'website'>): string {
  return council.binDayUrl ?? council.website;
}

/**
 * Every council-owned entity of the standard carries its council's GSS code in its key: `code` on
 * `Council`, `councilCode` on every other entity. The gateway routes by it; a council host serving many
 * councils at one URL splits a batch by it.
 */
export function councilKeyFieldOf(typename: string): 'code' | 'councilCode' {
  return typename === 'Council' ? 'code' : 'councilCode';
}

/** The council a representation (`{ __typename, ...key }`) belongs to, or undefined when its key names none. */
export function councilCodeOfRepresentation(representation: { __typename?: unknown } & Record<string, unknown>): GssCode | undefined {
  if (typeof representation.__typename !== 'string') return undefined;
  const value = representation[councilKeyFieldOf(representation.__typename)];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
