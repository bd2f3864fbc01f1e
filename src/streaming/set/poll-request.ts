/**
 * The body of an RFC 8936 poll request (§2.1 parameters, §2.2-2.4 request styles), checked. Pure.
 */

/** At most this many SETs in one answer (RFC 8936 §2.1: without maxEvents "there is no limit"; ours is this). */
export const MAX_POLL_EVENTS = 1000;
/** At most this many jtis acknowledged or reported in one request. */
export const MAX_POLL_ACKS = 10_000;

export interface SetError {
  err: string;
  description?: string;
}

export interface PollRequest {
  /** undefined: up to MAX_POLL_EVENTS; 0: acknowledge only (RFC 8936 §2.2). */
  maxEvents?: number;
  returnImmediately: boolean;
  ack: string[];
  setErrs: Record<string, SetError>;
}

/** A poll request that does not parse: answered 400 `{"err": "invalid_request", "description"}`. */
export class PollRequestError extends Error {}

function fail(description: string): never {
  throw new PollRequestError(description);
}

export function parsePollRequest(body: unknown): PollRequest {
  const value = body === undefined || body === null || body === '' ? {} : body;
  if (typeof value !== 'object' || Array.isArray(value)) fail('the poll request must be a JSON object');
  const input = value as Record<string, unknown>;
  const request: PollRequest = { returnImmediately: false, ack: [], setErrs: {} };
  if (input.maxEvents !== undefined) {
    const max = input.maxEvents;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
      fail('maxEvents must be an integer >= 0');
    request.maxEvents = Math.min(max, MAX_POLL_EVENTS);
  }
  if (input.returnImmediately !== undefined) {
    if (typeof input.returnImmediately !== 'boolean') fail('returnImmediately must be a boolean');
    request.returnImmediately = input.returnImmediately;
  }
  if (input.ack !== undefined) {
    if (!Array.isArray(input.ack) || !input.ack.every((j) => typeof j === 'string' && j.length <= 256)) {
      fail('ack must be an array of jti strings');
    }
    request.ack = input.ack as string[];
  }
  if (input.setErrs !== undefined) {
    const errs = input.setErrs;
    if (typeof errs !== 'object' || errs === null || Array.isArray(errs)) {
      fail('setErrs must be an object of jti → {"err", "description"}');
    }
    for (const [jti, error] of Object.entries(errs as Record<string, unknown>)) {
      const e = error as Record<string, unknown> | null;
      if (typeof e !== 'object' || e === null || typeof e.err !== 'string' || e.err === '') {
        fail(`setErrs[${JSON.stringify(jti)}] must be {"err": "<code>", "description"?: "<text>"}`);
      }
      if (e.description !== undefined && typeof e.description !== 'string') {
        fail(`setErrs[${JSON.stringify(jti)}].description must be a string`);
      }
      request.setErrs[jti] = {
        err: e.err.slice(0, 100),
        ...(typeof e.description === 'string' ? { description: e.description.slice(0, 500) } : {}),
      };
    }
  }
  if (request.ack.length + Object.keys(request.setErrs).length > MAX_POLL_ACKS) {
    fail(`at most ${MAX_POLL_ACKS} jtis may be acknowledged or reported at once`);
  }
  return request;
}
