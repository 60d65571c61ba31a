// The Binfo domain vocabulary. Plain data: no GraphQL, no HTTP, no filesystem.
// The enums mirror the standard (schema/binfo.graphql) value for value.

/** An ISO calendar date, `YYYY-MM-DD`, meaning a day in UK local time. */
export type IsoDate = string;

export const SERVICE_TYPES = [
  'GENERAL_WASTE',
  'RECYCLING',
  'PAPER_CARD',
  'GLASS',
  'FOOD_WASTE',
  'GARDEN_WASTE',
  'BULKY_WASTE',
  'CLINICAL_WASTE',
  'HYGIENE_WASTE',
  'TEXTILES',
  'ELECTRICALS',
  'CHRISTMAS_TREE',
  'OTHER',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const COLLECTION_STATUSES = ['SCHEDULED', 'MOVED', 'CANCELLED', 'DELAYED', 'COMPLETED'] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

export const CHANGE_REASONS = [
  'BANK_HOLIDAY',
  'SEVERE_WEATHER',
  'INDUSTRIAL_ACTION',
  'VEHICLE_BREAKDOWN',
  'ROAD_CLOSURE',
  'OPERATIONAL',
  'OTHER',
] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

export const CONTAINER_KINDS = ['WHEELIE_BIN', 'BOX', 'CADDY', 'BAG', 'SACK', 'COMMUNAL_BIN', 'OTHER'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

export const NATIONS = ['ENGLAND', 'SCOTLAND', 'WALES', 'NORTHERN_IRELAND'] as const;
export type Nation = (typeof NATIONS)[number];

/** GOV.UK bank-holiday divisions, named as in https://www.gov.uk/bank-holidays.json */
export const BANK_HOLIDAY_DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type BankHolidayDivision = (typeof BANK_HOLIDAY_DIVISIONS)[number];

export interface Container {
  name: string;
  /** The colour a resident recognises ("black", "blue lid"); free text because councils vary. */
  colour: string | null;
  kind: ContainerKind;
}

export interface Frequency {
  /** Plain English, as councils write it: "Every other Tuesday". */
  description: string;
  /** RFC 5545 RRULE of the regular pattern, without the exceptions. */
  rrule: string | null;
}

export interface ServiceSubscription {
  /** True when residents must sign up (and usually pay) to receive the service. */
  required: boolean;
  description: string;
  url: string | null;
}

export interface Service {
  /** Stable within a council. */
  id: string;
  /** The council's own words, e.g. "Black bin (general waste)". */
  name: string;
  type: ServiceType;
  containers: Container[];
  frequency: Frequency;
  subscription: ServiceSubscription | null;
}

export interface Collection {
  date: IsoDate;
  serviceId: string;
  status: CollectionStatus;
  /** The regular date, set whenever `date` differs from it (MOVED, DELAYED). */
  originalDate: IsoDate | null;
  changeReason: ChangeReason | null;
  note: string | null;
  /** The disruption that changed this collection, when one did. */
  disruptionId: string | null;
}

export interface Address {
  /** Lines as the council writes them, without the town and postcode. */
  lines: string[];
  town: string;
  postcode: string;
}
