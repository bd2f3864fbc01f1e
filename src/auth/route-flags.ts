import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_ADMIN_ROUTE_KEY } from '../http/admin-route.decorator';
import { IS_PUBLIC_KEY } from '../http/public.decorator';
import { SCIM_ACCESS_KEY, ScimAccess } from './scim-access';

/** What the guards need to know of a route, from its decorators (handler first, then controller class). */
export interface RouteFlags {
  /** @Public(): no credential needed. */
  isPublic: boolean;
  /** An admin route: ADMIN_TOKEN only, checked by AdminGuard. */
  isAdminRoute: boolean;
  /** @RequiresAccess(…), when declared. */
  declaredAccess: ScimAccess | undefined;
}

/**
 * The route flags of a handler, read from its metadata once: decorators are applied when the controller class
 * is defined and never change, while the global guards run on every request (each Reflector read walks the
 * metadata maps of the handler and of its class).
 */
export class RouteFlagsCache {
  private readonly byClass = new WeakMap<object, WeakMap<object, RouteFlags>>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RouteFlags {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.byClass.get(controller);
    if (byHandler === undefined) this.byClass.set(controller, (byHandler = new WeakMap()));
    let flags = byHandler.get(handler);
    if (flags === undefined) byHandler.set(handler, (flags = this.read(handler, controller)));
    return flags;
  }

  private read(handler: object, controller: object): RouteFlags {
    const targets = [handler, controller] as never[];
    return Object.freeze({
      isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
      isAdminRoute:
        this.reflector.getAllAndOverride<boolean | undefined>(IS_ADMIN_ROUTE_KEY, targets) === true,
      declaredAccess: this.reflector.getAllAndOverride<ScimAccess | undefined>(SCIM_ACCESS_KEY, targets),
    });
  }
}
