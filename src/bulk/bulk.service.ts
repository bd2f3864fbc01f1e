import { Injectable, Logger } from '@nestjs/common';
import { ResourceWriter } from '../resources/resource-writer.service';
import { ScimRequestContext } from '../resources/resource.types';
import { ScimSettings } from '../resources/scim-settings';
import { parseBulkRequest } from '../scim/bulk/bulk-request.parser';
import { runBulk } from '../scim/bulk/bulk.runner';
import { BulkOperationOutcome, ResolvedOperation } from '../scim/bulk/bulk.types';
import { ScimError } from '../scim/errors';
import { SchemaRegistry } from '../scim/schema/schema.registry';

/**
 * RFC 7644 §3.7 Bulk: parses the request, then runs each operation through the same ResourceWriter command as a
 * single request would (so each gets its own journal entry). Operations run one after the other; keeping the
 * event loop responsive meanwhile is the store's business (the embedded adapter yields in its commit), not this
 * service's, which must not know which store is behind it.
 */
@Injectable()
export class BulkService {
  private readonly logger = new Logger(BulkService.name);

  constructor(
    private readonly writer: ResourceWriter,
    private readonly settings: ScimSettings,
    private readonly registry: SchemaRegistry,
  ) {}

  /** `payloadBytes`: the size of the request body as received, checked against bulkMaxPayloadSize. */
  async run(ctx: ScimRequestContext, body: unknown, payloadBytes: number) {
    const parsed = parseBulkRequest(
      body,
      { maxOperations: this.settings.bulkMaxOperations, maxPayloadSize: this.settings.bulkMaxPayloadSize },
      payloadBytes,
      this.registry.allResourceTypes().map((t) => t.endpoint),
    );
    return runBulk(parsed, (operation) => this.execute(ctx, operation), {
      failOnErrors: parsed.failOnErrors,
      baseUrl: ctx.baseUrl,
      onUnexpectedError: (error) => this.logger.error(error),
    });
  }

  private async execute(
    ctx: ScimRequestContext,
    operation: ResolvedOperation,
  ): Promise<BulkOperationOutcome> {
    const type = this.registry.allResourceTypes().find((t) => t.endpoint === operation.endpoint);
    if (!type) throw ScimError.invalidPath(`Unknown endpoint ${operation.endpoint}`);
    const resourceType = type.name;
    switch (operation.method) {
      case 'POST': {
        const view = await this.writer.create(ctx, resourceType, operation.data);
        return { status: 201, location: view.location, version: view.version, id: String(view.body.id) };
      }
      case 'PUT': {
        const view = await this.writer.replace(
          ctx,
          resourceType,
          operation.id!,
          operation.data,
          operation.version,
        );
        return { status: 200, location: view.location, version: view.version };
      }
      case 'PATCH': {
        const view = await this.writer.patch(
          ctx,
          resourceType,
          operation.id!,
          operation.data,
          operation.version,
          'none',
        );
        return { status: 200, location: view.location, version: view.version };
      }
      case 'DELETE':
        await this.writer.delete(ctx, resourceType, operation.id!, operation.version);
        return { status: 204, location: `${ctx.baseUrl}${operation.endpoint}/${operation.id}` };
    }
  }
}
