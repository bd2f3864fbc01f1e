import type { FastifyReply, FastifyRequest } from 'fastify';
import { LIST_RESPONSE_SCHEMA } from '../scim/schema/schema-urns';
import { ListResult } from './list-result';
import { entityTag, envelope } from './scim-envelope.interceptor';
import { ScimResponse } from './scim-response';

/** A reply double recording what the envelope sets. */
function fakeReply(statusCode = 200): FastifyReply & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const reply = {
    statusCode,
    headers,
    status(code: number) {
      reply.statusCode = code;
      return reply;
    },
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
    hasHeader(name: string) {
      return name in headers;
    },
  };
  return reply as unknown as FastifyReply & { headers: Record<string, string> };
}

function request(url = '/scim/v2/Users/:id'): FastifyRequest {
  return { is404: false, routeOptions: { url } } as unknown as FastifyRequest;
}

const USER = { id: 'u1', meta: { version: 'W/"7"', location: 'https://h/scim/v2/Users/u1' } };

describe(envelope.name, () => {
  it('renders a ListResult as a ListResponse', () => {
    const sut = envelope(
      new ListResult({ resources: [USER], totalResults: 12, startIndex: 11, itemsPerPage: 1 }),
      request(),
      fakeReply(),
    );

    expect(sut).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 12,
      startIndex: 11,
      itemsPerPage: 1,
      Resources: [USER],
    });
  });

  it('carries cursors and leaves startIndex out when it is not given', () => {
    const sut = envelope(
      new ListResult({ resources: [], totalResults: 0, nextCursor: 'n1' }),
      request(),
      fakeReply(),
    );

    expect(sut).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 0,
      itemsPerPage: 0,
      nextCursor: 'n1',
      Resources: [],
    });
  });

  it('sends a ListResult whose resources are already serialised as the JSON text of the same ListResponse', () => {
    const init = { resources: [USER], totalResults: 12, startIndex: 11, itemsPerPage: 1 };
    const reply = fakeReply();

    const sut = envelope(
      new ListResult({ ...init, resourcesJson: JSON.stringify([USER]) }),
      request(),
      reply,
    );

    expect(sut).toBe(JSON.stringify(envelope(new ListResult(init), request(), fakeReply())));
    expect(reply.headers['Content-Type']).toBe('application/scim+json; charset=utf-8');
  });

  it('does not wrap an object that merely looks like a list', () => {
    const lookalike = { resources: [USER], totalResults: 1 };

    expect(envelope(lookalike, request(), fakeReply())).toBe(lookalike);
  });

  it('sets ETag from meta.version', () => {
    const reply = fakeReply();

    envelope(USER, request(), reply);

    expect(reply.headers.ETag).toBe('W/"7"');
  });

  it('sets Location from meta.location on 201 only', () => {
    const created = fakeReply(201);
    const ok = fakeReply(200);

    envelope(USER, request(), created);
    envelope(USER, request(), ok);

    expect(created.headers.Location).toBe('https://h/scim/v2/Users/u1');
    expect(ok.headers.Location).toBeUndefined();
  });

  it('applies the status, headers and body of a ScimResponse', () => {
    const reply = fakeReply(200);

    const sut = envelope(ScimResponse.created(USER).withHeader('X-Extra', '1'), request(), reply);

    expect(sut).toBe(USER);
    expect(reply.statusCode).toBe(201);
    expect(reply.headers).toMatchObject({ Location: USER.meta.location, ETag: 'W/"7"', 'X-Extra': '1' });
  });

  it('sends no body and no Content-Type for 204', () => {
    const reply = fakeReply(200);

    const sut = envelope(ScimResponse.noContent(), request(), reply);

    expect(sut).toBeUndefined();
    expect(reply.statusCode).toBe(204);
    expect(reply.headers['Content-Type']).toBeUndefined();
  });

  it('answers 304 with the ETag and no body', () => {
    const reply = fakeReply(200);

    const sut = envelope(ScimResponse.notModified('W/"7"'), request(), reply);

    expect(sut).toBeUndefined();
    expect(reply.statusCode).toBe(304);
    expect(reply.headers.ETag).toBe('W/"7"');
  });

  it('sets the SCIM media type on SCIM routes', () => {
    const reply = fakeReply();

    envelope({ a: 1 }, request('/scim/v2/ServiceProviderConfig'), reply);

    expect(reply.headers['Content-Type']).toBe('application/scim+json; charset=utf-8');
  });

  it('leaves other routes alone', () => {
    const reply = fakeReply();
    const body = { status: 'ok' };

    expect(envelope(body, request('/health/live'), reply)).toBe(body);
    expect(reply.headers).toEqual({});
  });
});

describe(entityTag.name, () => {
  it('keeps a weak entity tag as it is', () => {
    expect(entityTag('W/"abc"')).toBe('W/"abc"');
  });

  it('keeps a strong entity tag as it is', () => {
    expect(entityTag('"abc"')).toBe('"abc"');
  });

  it('quotes a bare version as a weak entity tag', () => {
    expect(entityTag('3')).toBe('W/"3"');
  });
});

describe(ScimResponse.name, () => {
  it('refuses error statuses (errors are ScimErrors)', () => {
    expect(() => ScimResponse.of(404)).toThrow(/throw ScimError/);
  });
});
