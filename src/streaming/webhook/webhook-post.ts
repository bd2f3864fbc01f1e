import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What a webhook attempt needs of the answer. */
export interface WebhookAnswer {
  status: number;
  retryAfter?: string;
}

/**
 * Keep-alive connections per consumer host: one delivery after another reuses the connection. Idle sockets
 * close after 4 s, before the 5 s keep-alive timeout of Node's (and many other) servers, so that a request is
 * rarely written onto a connection the consumer is closing.
 */
const AGENT_OPTIONS = { keepAlive: true, timeout: 4000, scheduling: 'lifo' as const };
const agents = { 'http:': new HttpAgent(AGENT_OPTIONS), 'https:': new HttpsAgent(AGENT_OPTIONS) };

/**
 * One POST with node:http(s) (issue "Streaming", Transports): redirects are never followed (node:http does not
 * follow them; a 3xx comes back as the answer), the attempt ends after `timeoutMs` with an error named
 * TimeoutError, or when `signal` aborts. The status is the answer; its body is read and dropped (within the
 * same timeout), so that the connection is reused. Node's fetch did the same at about twice the CPU per request (undici's web streams, AbortSignal.any
 * and request cloning), which at one request per event was a large part of what a webhook cost the server.
 *
 * A reused keep-alive connection that the consumer closed as the request was written fails with ECONNRESET:
 * that one case is tried once more on a fresh connection (the Node documentation's advice for
 * `request.reusedSocket`), at once rather than after a backoff. Should the consumer have received the first
 * request, it gets the event twice with the same webhook-id, which at-least-once delivery allows. Any other
 * failure is the attempt's result.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WebhookAnswer> {
  try {
    return await attempt(url, headers, body, timeoutMs, signal);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket || signal.aborted) throw error;
    return attempt(url, headers, body, timeoutMs, signal);
  }
}

function attempt(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WebhookAnswer> {
  return new Promise<WebhookAnswer>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request: ClientRequest = send(target, {
      method: 'POST',
      agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
    }, timeoutMs);
    const onAbort = () => request.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    request.once('response', (response: IncomingMessage) => {
      // The status is the answer; the body is drained (within the same timeout) so the connection is reused.
      const retryAfter = response.headers['retry-after'];
      resolve({ status: response.statusCode ?? 0, ...(retryAfter !== undefined ? { retryAfter } : {}) });
      response.once('close', settle);
      response.resume();
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      settle();
      const retriable = request.reusedSocket && error.code === 'ECONNRESET';
      reject(retriable ? Object.assign(error, { reusedSocket: true }) : error);
    });
    request.end(body);
  });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('the attempt was aborted (shutdown)'), {
    name: 'AbortError',
    cause: signal.reason,
  });
}
