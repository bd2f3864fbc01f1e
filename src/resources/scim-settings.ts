import { AppConfig } from '../config/app-config';

/**
 * The protocol limits and switches the SCIM layer reads, in one place so that ServiceProviderConfig tells the
 * truth (RFC 7644 §4) and the code enforces exactly what it advertises. Each is documented (and validated) on
 * AppConfig, which provides them; this narrower view keeps the SCIM layer from depending on the rest.
 */
export type ScimSettingsValues = Pick<
  AppConfig,
  | 'defaultPageSize'
  | 'maxPageSize'
  | 'maxListResponseBytes'
  | 'cursorTimeoutSeconds'
  | 'bulkMaxOperations'
  | 'bulkMaxPayloadSize'
  | 'patchMaxOperations'
  | 'patchMaxValuesPerOperation'
  | 'maxValuesPerAttribute'
  | 'filterMaxLength'
  | 'filterMaxDepth'
  | 'strictExtensions'
  | 'attributeMaxLength'
>;

/**
 * DI token of the settings (ResourcesModule binds it to AppConfig), merged with the interface that types it:
 * the class declares no members of its own, so the merge is safe.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class ScimSettings {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ScimSettings extends ScimSettingsValues {}
