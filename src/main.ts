import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';
import { ConfigError, loadConfig } from './config/load-config';

/** Boot failures are printed as one JSON line, like every other log line, then the process exits 1. */
function fatal(message: string, error?: unknown): never {
  const line: Record<string, unknown> = { level: 'fatal', time: new Date().toISOString(), msg: message };
  if (error instanceof Error && !(error instanceof ConfigError))
    line.err = { type: error.name, message: error.message, stack: error.stack };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    fatal(error instanceof Error ? error.message : String(error), error);
  }
  const app = await createApp(config);
  // SIGTERM/SIGINT → app.close(): stop accepting, let in-flight requests finish (Fastify close), then
  // onApplicationShutdown hooks close the store.
  // useProcessExit: exit 0 after a clean shutdown (instead of re-raising the signal), once logs are flushed.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  const address = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  new Logger('Bootstrap').log(
    `scim-stream listening on ${address}; SCIM base ${config.baseUrl ?? address}/scim/v2; docs at ${address}/docs`,
  );
}

bootstrap().catch((error: unknown) =>
  fatal(`Startup failed: ${error instanceof Error ? error.message : String(error)}`, error),
);
