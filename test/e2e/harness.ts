import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import type { AppConfigValues } from '../../src/config/load-config';

/** The SCIM_TOKEN of every test app (unless overridden). */
export const TEST_TOKEN = 'e2e-test-token-0123456789abcdef';

/** Log lines written by the app under test, parsed. */
export class LogCapture {
  private readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  /** Every line as JSON (pino writes one object per line). */
  lines(): Record<string, unknown>[] {
    return this.raw
      .flatMap((chunk) => chunk.split('\n').filter((l) => l.trim() !== ''))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  text(): string {
    return this.raw.join('');
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  /** `Authorization: Bearer <TEST_TOKEN>` (or of the overridden scimToken), for app.inject({ headers }). */
  authHeader: { authorization: string };
  dataDir: string;
  logs: LogCapture;
  /** Closes the app and deletes the temporary DATA_DIR (unless the test passed its own dataDir). */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra modules, e.g. a test-only controller. */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

/**
 * An initialised application (through the real createApp) on a fresh temporary DATA_DIR, using the
 * embedded store whatever MONGODB_URI says, with SCIM_TOKEN = TEST_TOKEN. Use `app.inject()`.
 * Pass `{ scimToken: undefined }` to boot without a token.
 */
export async function createTestApp(
  overrides: Partial<AppConfigValues> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const ownDataDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'scim-e2e-'));
  const logs = new LogCapture();
  const config: Partial<AppConfigValues> = {
    mongodbUri: undefined,
    // In memory unless a test asks for Redis: a REDIS_URL of the environment must not leak into every app.
    redisUrl: undefined,
    scimToken: TEST_TOKEN,
    baseUrl: undefined,
    logLevel: 'info',
    ...overrides,
    dataDir,
  };
  let app: NestFastifyApplication;
  try {
    app = await createApp(config, { imports: options.imports, logSink: logs });
  } catch (error) {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    authHeader: { authorization: `Bearer ${config.scimToken ?? ''}` },
    dataDir,
    logs,
    async close() {
      await app.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
