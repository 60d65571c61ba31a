// One JSON request to a back office, with a timeout: a slow council system must not hold a
// GraphQL request (the gateway gives each council about two seconds) or a refresh for long.
import type { BackOfficeRequest } from './mapping.js';

export class BackOfficeHttpError extends Error {
  constructor(
    readonly url: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(`${url}: ${message}`);
    this.name = 'BackOfficeHttpError';
  }
}

export async function fetchJson(request: BackOfficeRequest, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}), ...request.headers },
      body: request.body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new BackOfficeHttpError(request.url, timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${(error as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BackOfficeHttpError(request.url, `answered HTTP ${response.status}`, response.status);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new BackOfficeHttpError(request.url, `answered with text that is not JSON: ${(error as Error).message}`, response.status);
  }
}
