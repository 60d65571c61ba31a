// Disruption events at the gateway, as the server wires them: the national log, the relay that follows every
// council stream (dropping that council's cached answers on each event), and GET /events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsOptions } from '../../lib/http/cors.js';
import type { CouncilEndpoint } from '../council-registry.js';
import { CouncilEventRelay, type CouncilEventRelayOptions } from './council-event-relay.js';
import { NationalEventLog } from './national-event-log.js';
import { EVENTS_PATH, nationalStream, type NationalStreamOptions } from './national-stream.js';

export { NationalEventLog, type NationalEvent, type NationalEventInput } from './national-event-log.js';
export { CouncilEventRelay } from './council-event-relay.js';

export interface GatewayEventsOptions {
  /** The national event log's SQLite file (npm start passes BINFO_EVENTS_DB's). */
  dbPath: string;
  /** Follow the council streams of the registry; default true. Off: /events serves only what is already logged. */
  relay?: boolean | Omit<CouncilEventRelayOptions, 'endpoints' | 'log' | 'invalidate' | 'logger'>;
  /** Bounds and timings of GET /events. */
  stream?: Omit<NationalStreamOptions, 'log' | 'cors' | 'isCouncil' | 'clientOf' | 'logger'>;
}

export interface GatewayEvents {
  log: NationalEventLog;
  relay: CouncilEventRelay | null;
  /** GET /events; true when it answered. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** Starts following the council streams (once the gateway listens). */
  start(): void;
  close(): Promise<void>;
}

export function gatewayEvents(
  options: GatewayEventsOptions,
  wiring: {
    endpoints: ReadonlyMap<string, CouncilEndpoint>;
    isCouncil: (code: string) => boolean;
    invalidate: (councilCode: string) => void;
    cors: CorsOptions;
    clientOf: (req: IncomingMessage) => string;
    logger: (entry: Record<string, unknown>) => void;
  },
): GatewayEvents {
  const log = NationalEventLog.open(options.dbPath);
  const stream = nationalStream({ ...options.stream, log, cors: wiring.cors, isCouncil: wiring.isCouncil, clientOf: wiring.clientOf, logger: wiring.logger });
  const relay =
    options.relay === false
      ? null
      : new CouncilEventRelay({ ...(typeof options.relay === 'object' ? options.relay : {}), endpoints: wiring.endpoints, log, invalidate: wiring.invalidate, logger: wiring.logger });
  return {
    log,
    relay,
    handle: (req, res, url) => {
      if (url.pathname !== EVENTS_PATH) return false;
      stream.handle(req, res, url);
      return true;
    },
    start: () => relay?.start(),
    close: async () => {
      await relay?.stop();
      stream.close();
      log.close();
    },
  };
}
