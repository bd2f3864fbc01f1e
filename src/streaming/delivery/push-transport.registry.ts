import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryMethod } from '../subscription';
import { PushTransport } from './push-transport';

/**
 * DI token of every PushTransport (a multi-provider: StreamingModule builds the list with a factory; the
 * NATS transport is added there beside the webhook one).
 */
export const PUSH_TRANSPORTS = Symbol('PUSH_TRANSPORTS');

/** The push transports by delivery method; `sse` has none (its readers pull, src/streaming/sse). */
@Injectable()
export class PushTransportRegistry {
  private readonly byMethod = new Map<string, PushTransport>();

  constructor(@Inject(PUSH_TRANSPORTS) transports: readonly PushTransport[]) {
    for (const transport of transports) {
      if (this.byMethod.has(transport.method)) throw new Error(`two transports for ${transport.method}`);
      this.byMethod.set(transport.method, transport);
    }
  }

  get(method: DeliveryMethod): PushTransport | undefined {
    return this.byMethod.get(method);
  }
}
