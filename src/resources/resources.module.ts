import { StreamingCoreModule } from '../streaming/streaming-core.module';
import { TenantsModule } from '../tenants/tenants.module';
import { Logger, Module } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { CursorCodec, MIN_KEY_BYTES } from '../scim/paging/cursor.codec';
import { SchemaRegistryModule } from '../schemas/schema-registry.module';
import { ServerSecretRepository } from '../store/ports';
import { GroupMembershipReader } from './group-membership.reader';
import { MembershipPlanner } from './membership.planner';
import { ResourceQueryService } from './resource-query.service';
import { ResourceWriter } from './resource-writer.service';
import { ResourcePresenter } from './resource.presenter';
import { ScimContextFactory } from './scim-context.factory';
import { ScimSettings } from './scim-settings';

/** Where releases before the key moved into the store kept it; imported once, then no longer read. */
export const LEGACY_CURSOR_KEY_FILE = 'cursor.key';
/** Name of the cursor key among the server secrets of the store. */
export const CURSOR_KEY_SECRET = 'cursor-key';

/**
 * RFC 9865 cursors are sealed with a key that survives restarts (so cursors handed out stay valid) and that every
 * replica shares (a cursor from one replica is accepted by the next): kept in the store, generated on first boot.
 * A key file of an earlier release (DATA_DIR/cursor.key) is imported when the store has none yet, so its cursors
 * stay valid too.
 */
export async function loadCursorKey(
  config: Pick<AppConfig, 'dataDir'>,
  secrets: ServerSecretRepository,
): Promise<Buffer> {
  const legacy = join(config.dataDir, LEGACY_CURSOR_KEY_FILE);
  let created: { value: string; imported: boolean } | undefined;
  const value = await secrets.getOrCreate(CURSOR_KEY_SECRET, () => {
    created = existsSync(legacy)
      ? { value: readLegacyCursorKey(legacy), imported: true }
      : { value: randomBytes(32).toString('base64url'), imported: false };
    return created.value;
  });
  if (created?.value === value) {
    new Logger('ResourcesModule').log(
      created.imported
        ? `imported the cursor signing key of ${legacy} into the store; the file is no longer used`
        : 'generated the cursor signing key (kept in the store, shared by every replica)',
    );
  }
  return Buffer.from(value, 'base64url');
}

/** Checked before it is imported: a damaged file must not become the key of every replica. */
function readLegacyCursorKey(file: string): string {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]+$/.test(text) || Buffer.from(text, 'base64url').length < MIN_KEY_BYTES) {
    throw new Error(
      `Invalid configuration: ${file} does not hold a usable cursor key (base64url, at least ${MIN_KEY_BYTES} bytes); ` +
        'delete it to generate a new one (cursors handed out so far become invalid)',
    );
  }
  return text;
}

/**
 * The SCIM engine wired for Nest: settings, cursor codec, and the resource services: ResourceWriter
 * (every write), ResourceQueryService (every read), ResourcePresenter (stored document → SCIM).
 */
@Module({
  imports: [SchemaRegistryModule, StreamingCoreModule, TenantsModule],
  providers: [
    {
      provide: ScimSettings,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ScimSettings => config,
    },
    {
      provide: CursorCodec,
      inject: [AppConfig, ScimSettings, ServerSecretRepository],
      useFactory: async (config: AppConfig, settings: ScimSettings, secrets: ServerSecretRepository) =>
        new CursorCodec(await loadCursorKey(config, secrets), settings.cursorTimeoutSeconds),
    },
    GroupMembershipReader,
    MembershipPlanner,
    ResourcePresenter,
    ResourceQueryService,
    ResourceWriter,
    ScimContextFactory,
  ],
  exports: [
    SchemaRegistryModule,
    ScimSettings,
    CursorCodec,
    ResourcePresenter,
    ResourceQueryService,
    ResourceWriter,
    ScimContextFactory,
  ],
})
export class ResourcesModule {}
