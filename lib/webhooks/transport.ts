// How a delivery reaches the app: an injected function, so the deliverer is tested without sockets.
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Sends one request; resolves with the HTTP status, rejects when no answer came (refused, timed out…). */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number }>;

/** fetch, without following redirects (we deliver to the registered URL only), aborted after `timeoutMs`. */
export const fetchTransport: WebhookTransport = async ({ url, headers, body, timeoutMs }) => {
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  // Drain the body so the connection is released; its content is not ours to keep.
  await response.arrayBuffer().catch(() => undefined);
  return { status: response.status };
};
