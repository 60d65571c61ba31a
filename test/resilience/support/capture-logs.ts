// A pino logger that keeps its JSON lines in memory, for tests that read what the gateway logged.
import { pino, type Logger } from 'pino';

export function captureLogs(level = 'info'): { logger: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
