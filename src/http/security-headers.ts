import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * CSP of every API response (JSON, never rendered): nothing may load, nothing may frame it (OWASP REST
 * Security Cheat Sheet, "Security headers").
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * CSP of Swagger UI under /docs: its scripts and stylesheet come from the same origin, it has inline <style>
 * blocks and data: images. No `upgrade-insecure-requests` (helmet's default), which breaks /docs over plain
 * http on a developer's machine.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Response headers for an API (registered before the routes, so that they are on every response, errors and
 * 404s included):
 * - helmet's defaults minus CSP and HSTS: X-Content-Type-Options nosniff, Referrer-Policy no-referrer,
 *   Cross-Origin-Opener/Resource-Policy same-origin, X-DNS-Prefetch-Control off, X-Download-Options noopen,
 *   X-Permitted-Cross-Domain-Policies none, X-XSS-Protection 0, Origin-Agent-Cluster; X-Frame-Options DENY;
 * - Content-Security-Policy: API_CSP, or DOCS_CSP under /docs;
 * - Cache-Control: no-store everywhere but /docs: SCIM and admin responses carry personal data and tokens
 *   (RFC 9111 §5.2.2.5), and ETag revalidation is explicit in SCIM (RFC 7644 §3.14), not cache-driven;
 * - Strict-Transport-Security only on requests that arrived over https (directly or per X-Forwarded-Proto
 *   from the ingress): RFC 6797 §7.2 forbids it over plain http, where it would be ignored anyway.
 * Neither Fastify nor Nest sends X-Powered-By or a Server header, and none is added.
 */
/**
 * The essential API headers, for the few responses no hook sees: errors Fastify's router answers before the
 * onRequest hooks run (malformed URL, over-long path parameter; app.factory.ts frameworkErrors).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': API_CSP,
  'Cache-Control': 'no-store',
};

export function setApiSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) reply.header(name, value);
}

/**
 * The headers helmet 8 sets with the options this server used (its defaults minus CSP and HSTS, frameguard
 * DENY, Referrer-Policy no-referrer), as one precomputed object: helmet ran a chain of eleven middlewares per
 * request to set these same constants. test/e2e/security-headers.e2e-spec.ts checks every one.
 */
const HELMET_DEFAULTS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const API_HEADERS = { ...HELMET_DEFAULTS, 'content-security-policy': API_CSP, 'cache-control': 'no-store' };
const DOCS_HEADERS = { ...HELMET_DEFAULTS, 'content-security-policy': DOCS_CSP };

export function registerSecurityHeaders(fastify: FastifyInstance, docsPaths: string[]): void {
  const isDocs = (url: string) =>
    docsPaths.some(
      (docs) =>
        url.startsWith(docs) &&
        (url.length === docs.length || url[docs.length] === '/' || url[docs.length] === '?'),
    );
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(isDocs(request.url) ? DOCS_HEADERS : API_HEADERS);
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', HSTS);
    done();
  });
}
