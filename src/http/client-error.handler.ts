import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../scim/errors';
import { SCIM_CONTENT_TYPE } from './media-types';
import { API_SECURITY_HEADERS } from './security-headers';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (`clientError`): a header section over the
 * limit (431), a request that was not sent in time (408), and malformed requests such as a NUL in the path,
 * Content-Length with Transfer-Encoding, or a bad chunk (400). Fastify answered those in its own JSON; they get
 * a SCIM error body like every other error (README "Errors"), then the connection is closed, as Node does.
 */
export function scimClientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A reset connection is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const scimError = clientErrorOf(error);
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(scimError.toBody());
    const headers: Record<string, string | number> = {
      ...API_SECURITY_HEADERS,
      'Content-Type': SCIM_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${scimError.status} ${REASONS[scimError.status]}\r\n${head}\r\n${body}`);
  }
  socket.destroy(error);
}

function clientErrorOf(error: NodeJS.ErrnoException): ScimError {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new ScimError(431, undefined, 'The request header section is too large');
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ScimError(408, undefined, 'The request was not received in time');
  }
  return new ScimError(400, undefined, 'The request is not valid HTTP/1.1');
}
