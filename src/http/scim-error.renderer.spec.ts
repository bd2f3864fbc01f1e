import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors';
import { toScimError } from './scim-error.renderer';

function request(extra: Partial<Record<string, unknown>> = {}): FastifyRequest {
  return {
    id: 'req-1',
    method: 'GET',
    url: '/x?filter=a',
    is404: false,
    headers: {},
    ...extra,
  } as unknown as FastifyRequest;
}

function fastifyError(code: string, statusCode: number, message = 'm'): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

describe(toScimError.name, () => {
  it('passes a ScimError through', () => {
    const error = ScimError.uniqueness('userName is taken');

    expect(toScimError(error, request(), 1024)).toEqual({ error, unexpected: false });
  });

  it('maps malformed JSON to 400 invalidSyntax', () => {
    const { error } = toScimError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), request(), 1024);

    expect(error.toBody()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('finds the Fastify error behind the HttpException Nest wraps it in', () => {
    const wrapped = new HttpException('x', 413, { cause: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413) });

    const { error } = toScimError(wrapped, request(), 2048);

    expect(error.toBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '413',
      detail: 'Request body exceeds the limit of 2048 bytes',
    });
  });

  it('maps an unsupported media type to 415 naming the type', () => {
    const { error } = toScimError(
      fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415),
      request({ headers: { 'content-type': 'text/xml' } }),
      1024,
    );

    expect(error.status).toBe(415);
    expect(error.detail).toContain('"text/xml"');
  });

  it('maps an unknown route to 404 without the query string', () => {
    const { error } = toScimError(new NotFoundException('Cannot GET /x'), request({ is404: true }), 1024);

    expect(error.toBody()).toMatchObject({ status: '404', detail: 'No route for GET "/x"' });
  });

  it('keeps the status and message of an HttpException', () => {
    const { error } = toScimError(
      new BadRequestException(['count must be an integer', 'startIndex must be positive']),
      request(),
      1024,
    );

    expect(error.status).toBe(400);
    expect(error.detail).toBe('count must be an integer; startIndex must be positive');
  });

  it('answers anything else with 500 and the request id, flagged as unexpected', () => {
    const { error, unexpected } = toScimError(new TypeError('cannot read x of undefined'), request(), 1024);

    expect(unexpected).toBe(true);
    expect(error.toBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '500',
      detail: 'Internal server error; correlation id req-1',
    });
  });

  it('does not reveal the message of a 5xx HttpException', () => {
    const { error, unexpected } = toScimError(
      new HttpException('pool exhausted at db-3', 502),
      request(),
      1024,
    );

    expect(unexpected).toBe(true);
    expect(error.detail).not.toContain('db-3');
  });

  it('treats a thrown non-Error as unexpected', () => {
    expect(toScimError('oops', request(), 1024).unexpected).toBe(true);
  });
});
