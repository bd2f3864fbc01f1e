import type { FastifyRequest } from 'fastify';
import { isIPv4, isIPv6 } from 'node:net';
import { ScimError } from '../scim/errors';

/** A DNS name (RFC 1123 labels, at most 253 characters), an IPv4 address or a bracketed IPv6 address. */
function isValidHostname(name: string): boolean {
  if (name.startsWith('[') && name.endsWith(']')) return isIPv6(name.slice(1, -1));
  if (isIPv4(name)) return true;
  if (name.length === 0 || name.length > 253) return false;
  return name
    .replace(/\.$/, '')
    .split('.')
    .every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** `hostname` or `hostname:port` with a port between 1 and 65535 (the authority of RFC 9110 §7.2, no userinfo). */
export function isValidHost(host: string): boolean {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return false;
  if (match[2] !== undefined) {
    const port = Number(match[2]);
    if (port < 1 || port > 65535) return false;
  }
  return isValidHostname(match[1]);
}

/**
 * The origin (`scheme://host[:port]`) the client addressed, for `meta.location`, `Location` and `$ref` when
 * BASE_URL is not set. X-Forwarded-Proto and X-Forwarded-Host count only from a trusted proxy (TRUST_PROXY; Fastify
 * applies it to `request.protocol` / `request.host`), and only when they are well-formed: a forwarded scheme other
 * than http/https, or a forwarded host that is not `hostname[:port 1-65535]`, is ignored and the connection's own
 * scheme and Host header are used. A Host header that is not well-formed is answered 400 (RFC 9112 §3.2).
 */
export function requestOrigin(request: FastifyRequest): string {
  const ownProtocol = (request.raw.socket as { encrypted?: boolean } | undefined)?.encrypted
    ? 'https'
    : 'http';
  const protocol =
    request.protocol === 'http' || request.protocol === 'https' ? request.protocol : ownProtocol;
  if (isValidHost(request.host)) return `${protocol}://${request.host}`;
  const hostHeader = request.headers.host ?? '';
  if (isValidHost(hostHeader)) return `${protocol}://${hostHeader}`;
  throw ScimError.invalidSyntax(
    'The Host header must be a host name or address with an optional port (1-65535)',
  );
}
