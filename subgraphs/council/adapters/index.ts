// Adapters turn what a council already publishes into a CouncilDataSource. Extension points:
// a new back-office system is a BackOfficeMapping; a new file format is a loader returning a
// LoadResult, wrapped in a RefreshingSource. Most councils need only the host configuration.
export { RefreshingSource, type RefreshingSourceOptions } from './refresh/refreshing-source.js';
export { loadIcsCouncil, type IcsCouncilOptions } from './ics/ics-council.js';
export { perAddressIcsCouncil, type PerAddressIcsOptions } from './ics/per-address-ics.js';
export { loadCsvCouncil, type CsvCouncilOptions } from './csv/csv-council.js';
export { backOfficeCouncil, type BackOfficeCouncilOptions } from './back-office/back-office-council.js';
export { echoMapping, type EchoMappingOptions } from './back-office/echo/echo-mapping.js';
export type { BackOfficeMapping, BackOfficeProperty, BackOfficeRequest, BackOfficeTask, TaskInstance } from './back-office/mapping.js';
export type { ServiceDefinition } from './shared/service-catalogue.js';
export type { LoadResult } from './shared/load-result.js';
export { DataFileError, type DataProblem } from './shared/data-problem.js';
export { FEED_WARNING_CODES, FeedWarningReporter, type FeedWarning, type FeedWarningCode } from './shared/feed-warnings.js';
