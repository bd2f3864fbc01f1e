import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { streamEventOpenApiSchema } from './streaming/stream-event.schema';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

/**
 * Swagger UI at /docs and the OpenAPI document at /docs-json. Both are served by Fastify directly, outside
 * the guarded Nest routes, so they are public; "Authorize" takes a bearer token for trying the API.
 *
 * The document is built at the first request for it, not at boot: scanning every controller's metadata costs
 * a quarter of a second that no SCIM client waits for (SwaggerModule.setup takes a factory and keeps its result).
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    swaggerOptions: { persistAuthorization: true },
  });
}

function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('scim-stream')
      .setDescription('SCIM 2.0 service provider (RFC 7643, RFC 7644). Authenticate with a bearer token.')
      .setVersion('2.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'The tenant token (SCIM_TOKEN or a generated one)',
      })
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'ADMIN_TOKEN, for the admin API under /admin only (tenant tokens are refused there)',
        },
        'admin',
      )
      .addSecurityRequirements('bearer')
      .build(),
  );
  // A literal colon in a Fastify route is written `::` (find-my-way), e.g. SSF's /ssf/subjects:add; the
  // document names the path as clients call it.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [path.replace(/::/g, ':'), item]),
  );
  // The event every streaming transport carries (GET /events/{id} refers to it; docs/schemas/stream-event.v1.json).
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, StreamEvent: streamEventOpenApiSchema() },
  };
  return document;
}
