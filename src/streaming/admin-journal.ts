import { Injectable } from '@nestjs/common';
import { JournalEntryInput, ResourceRepository } from '../store/ports';
import { JournalNotifier } from './journal-notifier';

/** Admin actions the journal records (issue "Streaming": "admin actions are journaled too, as their own types"). */
export const ADMIN_ACTIONS = [
  'tenant.created',
  'tenant.updated',
  'token.created',
  'token.revoked',
  'token.rotated',
  'oauth-client.created',
  'oauth-client.secret-added',
  'oauth-client.secret-removed',
  'oauth-client.revoked',
  'subscription.created',
  'subscription.updated',
  'subscription.deleted',
  'subscription.replayed',
  'subscription.secret-rotated',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Who every admin action is attributed to: the admin API has one credential, ADMIN_TOKEN. */
export const ADMIN_ACTOR = { credentialId: 'admin', label: 'admin API' } as const;

/**
 * Writes an admin action to the tenant's journal (a unit with only a journal entry), so that it reaches the
 * change stream as an `admin.<action>` event, and wakes this replica's deliverers. Never carries a secret.
 */
@Injectable()
export class AdminJournal {
  constructor(
    private readonly resources: ResourceRepository,
    private readonly notifier: JournalNotifier,
  ) {}

  async record(
    tenantId: string,
    action: AdminAction,
    resourceType: 'Tenant' | 'Token' | 'OAuthClient' | 'Subscription',
    resourceId: string,
    changedAttributes: string[] = [],
  ): Promise<void> {
    const entry: JournalEntryInput = {
      time: new Date().toISOString(),
      actor: { ...ADMIN_ACTOR },
      operation: 'admin',
      adminAction: action,
      resourceType,
      resourceId,
      changedAttributes,
    };
    const { journalSeqs } = await this.resources.commit(tenantId, { journal: [entry] });
    if (journalSeqs.length > 0) {
      this.notifier.committed(tenantId, journalSeqs[journalSeqs.length - 1], journalSeqs.length);
    }
    if (resourceType === 'Subscription') this.notifier.subscriptionsChanged(tenantId);
  }
}
