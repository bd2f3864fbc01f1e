import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { AdminRouteMarker } from '../http/admin-route.decorator';
import { Public } from '../http/public.decorator';
import { CredentialCache } from './credential-cache';
import { RouteFlagsCache } from './route-flags';
import { RequiresAccess } from './scim-access';

@Controller('a')
@RequiresAccess('stream-management')
class StreamsController {
  @Get() list(): void {}
  @Get('p') @Public() open(): void {}
  @Get('r') @RequiresAccess('read') read(): void {}
}

@Controller('b')
@AdminRouteMarker()
class AdminController {
  @Get() list(): void {}
}

class PlainController {
  plain(): void {}
}

function contextOf(controller: object, handler: object): ExecutionContext {
  return { getClass: () => controller, getHandler: () => handler } as unknown as ExecutionContext;
}

describe('RouteFlagsCache', () => {
  const reflector = new Reflector();
  const cache = new RouteFlagsCache(reflector);
  const flags = (controller: { prototype: object }, method: string) =>
    cache.of(contextOf(controller, (controller.prototype as Record<string, object>)[method]));

  it('reads the handler first, then the class', () => {
    expect(flags(StreamsController, 'list')).toEqual({
      isPublic: false,
      isAdminRoute: false,
      declaredAccess: 'stream-management',
    });
    expect(flags(StreamsController, 'open')).toMatchObject({ isPublic: true });
    expect(flags(StreamsController, 'read')).toMatchObject({ declaredAccess: 'read' });
    expect(flags(AdminController, 'list')).toMatchObject({ isAdminRoute: true, isPublic: false });
    expect(flags(PlainController, 'plain')).toEqual({
      isPublic: false,
      isAdminRoute: false,
      declaredAccess: undefined,
    });
  });

  it('reads the metadata of a route once', () => {
    const counting = new Reflector();
    const reads = jest.spyOn(counting, 'getAllAndOverride');
    const once = new RouteFlagsCache(counting);
    const context = contextOf(StreamsController, StreamsController.prototype.list);
    const first = once.of(context);
    expect(once.of(context)).toBe(first);
    expect(reads).toHaveBeenCalledTimes(3);
    // The same handler under another class is another route.
    expect(once.of(contextOf(AdminController, StreamsController.prototype.list)).isAdminRoute).toBe(true);
  });
});

describe('CredentialCache.keyOf', () => {
  it('is the base64url SHA-256 of the UTF-8 bytes', () => {
    for (const credential of ['abc', 'tökén-€', 'x'.repeat(4096)]) {
      const expected = createHash('sha256').update(credential, 'utf8').digest('base64url');
      expect(CredentialCache.keyOf(credential)).toBe(expected);
    }
  });
});
