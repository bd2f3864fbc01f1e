import { applyDecorators, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminRouteMarker } from '../http/admin-route.decorator';
import { ADMIN_DISABLED_DETAIL, ADMIN_INVALID_DETAIL, AdminGuard } from './admin.guard';
import { adminValidation } from './admin-validation.pipe';

/** Name of the admin security scheme in the OpenAPI document (src/swagger.setup.ts). */
export const ADMIN_SECURITY = 'admin';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * Makes a controller part of the admin API: the global SCIM guard skips it, AdminGuard checks ADMIN_TOKEN,
 * bodies are validated strictly, and Swagger documents the admin bearer scheme. The mark and the guard are
 * applied together here so that a route can never be marked without being guarded.
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    AdminRouteMarker(),
    UseGuards(AdminGuard),
    UsePipes(adminValidation),
    ApiBearerAuth(ADMIN_SECURITY),
    ApiUnauthorizedResponse({
      description: 'Missing or wrong ADMIN_TOKEN (tenant tokens are refused too)',
      schema: { example: { schemas: [ERROR], status: '401', detail: ADMIN_INVALID_DETAIL } },
    }),
    ApiForbiddenResponse({
      description: 'ADMIN_TOKEN is not configured',
      schema: { example: { schemas: [ERROR], status: '403', detail: ADMIN_DISABLED_DETAIL } },
    }),
  ) as ClassDecorator;
}
