import type { AppConfig } from '../../config/app-config';

/**
 * The issuer of this server's SETs (RFC 8417 §2.2 `iss`) and its SSF `issuer`: SET_ISSUER, else BASE_URL.
 * A SET is made after the request that caused it, so it cannot derive the issuer from a Host header: without
 * either setting there is none, and push or poll subscriptions are refused (400).
 */
export function setIssuer(config: Pick<AppConfig, 'setIssuer' | 'baseUrl'>): string | undefined {
  return config.setIssuer ?? config.baseUrl;
}

/** The JWKS of the SET signing keys, relative to the issuer's origin (advertised as SSF `jwks_uri`). */
export const JWKS_PATH = '.well-known/jwks.json';
export const SSF_CONFIGURATION_PATH = '.well-known/ssf-configuration';

/** An absolute URL on the issuer: `<issuer>/<path>`. */
export function issuerUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
