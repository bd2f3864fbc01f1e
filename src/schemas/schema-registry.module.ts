import { Module } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { DocumentModel } from '../scim/document/document-model';
import { createRegistry } from '../scim/schema/core-schemas';
import { parseExtensionConfig } from '../scim/schema/extension-config';
import { SchemaRegistry } from '../scim/schema/schema.registry';

/** Custom schema extensions are declared in this file of CONFIG_DIR and need no code (issue 3). */
export const SCHEMA_EXTENSIONS_FILE = 'schema-extensions.json';

/** The core schemas plus CONFIG_DIR/schema-extensions.json; a bad file stops the boot naming the file. */
export function loadRegistry(config: Pick<AppConfig, 'configDir'>): SchemaRegistry {
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
 * The schema registry and the document model derived from it (docs/architecture.md §3), one instance for the
 * whole application: the resource services validate and present with the registry, and both stores index and
 * enforce the unique attributes of the same model, extensions included. Imported by StoreModule and
 * ResourcesModule; a module of its own because neither may import the other.
 */
@Module({
  providers: [
    { provide: SchemaRegistry, inject: [AppConfig], useFactory: loadRegistry },
    {
      provide: DocumentModel,
      inject: [SchemaRegistry],
      useFactory: (registry: SchemaRegistry) => new DocumentModel(registry),
    },
  ],
  exports: [SchemaRegistry, DocumentModel],
})
export class SchemaRegistryModule {}
