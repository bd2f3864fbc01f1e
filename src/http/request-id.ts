import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What we accept from a caller: short, printable, no separators that could forge log fields or headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The id of a request: the caller's X-Request-Id when it looks sane (so a proxy's id correlates across hops),
 * a fresh UUID otherwise. Used as Fastify's genReqId, so it is `request.id` and the `requestId` of every log line.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const incoming = request.headers[REQUEST_ID_HEADER.toLowerCase()];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
