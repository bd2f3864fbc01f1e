import { ConfigType, registerAs } from '@nestjs/config';
import { AppConfig } from './app-config';
import { loadConfig } from './load-config';
import { ConfigNamespace, SETTINGS } from './settings';

/**
 * `@nestjs/config` namespaces: one typed slice of AppConfig per area, injected with
 * `@Inject(throttlingConfig.KEY) config: ConfigType<typeof throttlingConfig>`. ConfigModule provides each slice
 * from the one validated AppConfig (so overrides and the one-message ConfigError apply); the factory itself
 * only runs when a namespace is used without ConfigModule.forRoot (e.g. `NestConfigModule.forFeature`).
 */
export function sliceOf<N extends ConfigNamespace>(
  config: AppConfig,
  namespace: N,
): Readonly<Record<string, unknown>> {
  const slice: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    if (setting.namespace === namespace) slice[setting.key] = config[setting.key];
  }
  return Object.freeze(slice);
}

type Keys<N extends ConfigNamespace> = Extract<(typeof SETTINGS)[number], { namespace: N }>['key'];
type Slice<N extends ConfigNamespace> = Readonly<Pick<AppConfig, Keys<N>>>;

function namespace<N extends ConfigNamespace>(name: N) {
  return registerAs(name, (): Slice<N> => sliceOf(loadConfig(), name) as Slice<N>);
}

export const httpConfig = namespace('http');
export const storeConfig = namespace('store');
export const authConfig = namespace('auth');
export const scimConfig = namespace('scim');
export const throttlingConfig = namespace('throttling');
export const journalConfig = namespace('journal');
export const streamingConfig = namespace('streaming');
export const CONFIG_NAMESPACES = {
  http: httpConfig,
  store: storeConfig,
  auth: authConfig,
  scim: scimConfig,
  throttling: throttlingConfig,
  journal: journalConfig,
  streaming: streamingConfig,
} satisfies Record<ConfigNamespace, { KEY: string | symbol }>;

export type HttpConfig = ConfigType<typeof httpConfig>;
export type StoreConfig = ConfigType<typeof storeConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type ScimConfig = ConfigType<typeof scimConfig>;
export type ThrottlingConfig = ConfigType<typeof throttlingConfig>;
export type JournalConfig = ConfigType<typeof journalConfig>;
export type StreamingConfig = ConfigType<typeof streamingConfig>;
