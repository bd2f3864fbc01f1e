import { SetMetadata } from '@nestjs/common';

export const IS_ADMIN_ROUTE_KEY = 'scim-stream:admin-route';

/**
 * Marks a controller of the admin API. The global SCIM guard (BearerAuthGuard) lets such routes through
 * untouched, because they answer to a different credential (ADMIN_TOKEN) checked by their own guard. Use
 * AdminApi() from src/admin, which sets this mark and the admin guard together, never this alone.
 */
export const AdminRouteMarker = (): MethodDecorator & ClassDecorator => SetMetadata(IS_ADMIN_ROUTE_KEY, true);
