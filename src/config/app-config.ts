import type { SettingValues } from './settings';

export type { LogLevel } from './settings';

/**
 * Typed configuration, validated once at boot by loadConfig() (src/config/load-config.ts) and injected as
 * the AppConfig provider; its fields, their types and their documentation are the declarations of
 * src/config/settings.ts. Nothing outside src/config reads process.env. Code that needs one area only can
 * inject its slice instead (src/config/namespaces.ts).
 */
// The class is the DI token (and what `instanceof` recognises); the interface merged into it gives it the
// declared fields, so the table stays the only list of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class AppConfig {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AppConfig extends Readonly<SettingValues> {}
