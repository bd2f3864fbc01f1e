import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';

/** Reads the principal the auth guard attached to the request (passport's `request.user`). */
export function principalOf(request: unknown): Principal | undefined {
  return (request as { user?: Principal }).user;
}

/**
 * The authenticated caller: `@Tenant() principal: Principal` → { tenantId, credentialId, label }.
 * Only on guarded routes; on a @Public() route there is no principal and this is a programming error.
 */
export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context.switchToHttp().getRequest());
  if (!principal)
    throw new Error('@Tenant() used on a route without an authenticated principal (is it @Public()?)');
  return principal;
});
