import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { AppConfigValues, loadConfig } from './load-config';

/**
 * Provides AppConfig everywhere. forRoot() validates the configuration immediately, so a bad deployment
 * fails before Nest starts; tests pass overrides (or an already loaded AppConfig) instead of touching env.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(overrides: Partial<AppConfigValues> | AppConfig = {}): DynamicModule {
    const config = overrides instanceof AppConfig ? overrides : loadConfig(process.env, overrides);
    return {
      exports: [AppConfig],
      global: true,
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
    };
  }
}
