import { Global, Logger, Module } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { CursorCodec } from '../scim/paging/cursor.codec';
import { createRegistry } from '../scim/schema/core-schemas';
import { parseExtensionConfig } from '../scim/schema/extension-config';
import { SchemaRegistry } from '../scim/schema/schema.registry';
import { ResourceService } from './resource.service';
import { ScimContextFactory } from './scim-context.factory';
import { ScimSettings } from './scim-settings';

/** Custom schema extensions are declared in this file of CONFIG_DIR and need no code (issue 3). */
export const SCHEMA_EXTENSIONS_FILE = 'schema-extensions.json';
const CURSOR_KEY_FILE = 'cursor.key';

function loadRegistry(config: AppConfig): SchemaRegistry {
  const file = join(config.configDir, SCHEMA_EXTENSIONS_FILE);
  if (!existsSync(file)) return createRegistry();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Invalid configuration: ${file} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  try {
    return createRegistry(parseExtensionConfig(json));
  } catch (error) {
    const detail = (error as { detail?: string }).detail ?? (error as Error).message;
    throw new Error(`Invalid configuration: ${file}: ${detail}`, { cause: error });
  }
}

/**
 * RFC 9865 cursors are sealed with a key that survives restarts (so cursors handed out stay valid) and that every
 * replica shares: kept in DATA_DIR, generated on first boot.
 */
function loadCursorKey(config: AppConfig): Buffer {
  const file = join(config.dataDir, CURSOR_KEY_FILE);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64url'), { mode: 0o600 });
  new Logger('ResourcesModule').log(`generated the cursor signing key in ${file}`);
  return key;
}

/** The SCIM engine wired for Nest: registry, settings, cursor codec and the resource service. */
@Global()
@Module({
  providers: [
    { provide: SchemaRegistry, inject: [AppConfig], useFactory: loadRegistry },
    {
      provide: ScimSettings,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ScimSettings => config,
    },
    {
      provide: CursorCodec,
      inject: [AppConfig, ScimSettings],
      useFactory: (config: AppConfig, settings: ScimSettings) =>
        new CursorCodec(loadCursorKey(config), settings.cursorTimeoutSeconds),
    },
    ResourceService,
    ScimContextFactory,
  ],
  exports: [SchemaRegistry, ScimSettings, CursorCodec, ResourceService, ScimContextFactory],
})
export class ResourcesModule {}
