import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../admin/admin-api.decorator';
import { ADMIN_BASE_PATH } from '../admin/tenants.controller';
import { ScimError } from '../scim/errors';
import { JournalEntry, JournalRepository, TenantRepository } from '../store/ports';
import { JOURNAL_DEFAULT_LIMIT, JournalQueryDto } from './journal-query.dto';

export interface JournalPage {
  tenantId: string;
  /** Ascending by seq. */
  entries: JournalEntry[];
  /**
   * Pass as `since` to read on: the seq of the last entry returned, or the `since` asked for when there is
   * none (yet). Entries older than JOURNAL_RETENTION_DAYS are pruned: a first entry whose seq is above
   * since + 1 means the ones in between have expired.
   */
  nextSince: number;
}

const EXAMPLE: JournalPage = {
  tenantId: 'contoso',
  entries: [
    {
      tenantId: 'contoso',
      seq: 42,
      time: '2026-01-31T09:00:00.000Z',
      actor: { credentialId: '3f1c2a9e-5d1b-4c1e-9a53-0e8f3f6b2c11', label: 'Entra provisioning' },
      requestId: '7f0a3a52-0b8e-4bb4-9a0e-5a1d9c3c2f10',
      operation: 'deactivate',
      resourceType: 'User',
      resourceId: '2819c223-7f76-453a-919d-413861904646',
      version: 'W/"3-2819c223"',
      changedAttributes: ['active'],
      externalId: 'bjensen',
      location: 'https://scim.example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
      // As GET returned it right after the change: never password, nor a user's computed groups.
      snapshot: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        id: '2819c223-7f76-453a-919d-413861904646',
        externalId: 'bjensen',
        userName: 'bjensen@example.com',
        active: false,
        meta: {
          resourceType: 'User',
          created: '2026-01-02T08:00:00.000Z',
          lastModified: '2026-01-31T09:00:00.000Z',
          version: 'W/"3-2819c223"',
          location: 'https://scim.example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
        },
      },
    },
  ],
  nextSince: 42,
};

/**
 * The change journal of a tenant (issue "Many tenants, one server"): every change a SCIM request made, in
 * commit order, written in the same store transaction as the change itself. Admin API (ADMIN_TOKEN).
 */
@ApiTags('Admin: journal')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/tenants/:tenantId/journal`)
export class JournalController {
  constructor(
    private readonly journal: JournalRepository,
    private readonly tenants: TenantRepository,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Read the change journal of a tenant, in order',
    description:
      'Entries with seq > since, ascending, at most limit. Sequence numbers start at 1 per tenant and have ' +
      'no gaps; entries older than JOURNAL_RETENTION_DAYS are deleted. Poll with since = nextSince. Each entry ' +
      'carries the resource as of the change: externalId, location, version, a snapshot as GET returned it ' +
      "(never password; without a user's groups and a group's members; absent on delete), for a Group the " +
      'member delta that took effect ({added, removed}), and for a delete the groups it left (memberOf).',
  })
  @ApiOkResponse({ schema: { example: EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant' })
  async read(@Param('tenantId') tenantId: string, @Query() query: JournalQueryDto): Promise<JournalPage> {
    if (!(await this.tenants.findTenant(tenantId))) {
      throw ScimError.notFound(`Tenant ${JSON.stringify(tenantId)} not found`);
    }
    const since = query.since ?? 0;
    const entries = await this.journal.read(tenantId, since, query.limit ?? JOURNAL_DEFAULT_LIMIT);
    return { tenantId, entries, nextSince: entries.length > 0 ? entries[entries.length - 1].seq : since };
  }
}
