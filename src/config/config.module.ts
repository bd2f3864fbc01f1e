import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { AppConfigValues, loadConfig } from './load-config';
import { CONFIG_NAMESPACES, sliceOf } from './namespaces';

/**
 * Provides AppConfig everywhere, and each `registerAs` namespace (src/config/namespaces.ts) as a slice of it.
 * forRoot() validates the configuration immediately, so a bad deployment fails before Nest starts; tests pass
 * overrides (or an already loaded AppConfig) instead of touching env.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(overrides: Partial<AppConfigValues> | AppConfig = {}): DynamicModule {
    const config = overrides instanceof AppConfig ? overrides : loadConfig(process.env, overrides);
    const slices = Object.entries(CONFIG_NAMESPACES).map(([name, namespace]) => ({
      provide: namespace.KEY,
      useValue: sliceOf(config, name as keyof typeof CONFIG_NAMESPACES),
    }));
    return {
      exports: [AppConfig, ...slices.map((slice) => slice.provide)],
      global: true,
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, ...slices],
    };
  }
}
