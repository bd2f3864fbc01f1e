import { OAuthError } from './oauth-error';

/** How the client authenticated (RFC 7591 §2 token_endpoint_auth_method names). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_basic+post';

export interface PresentedClientCredentials {
  clientId: string;
  clientSecret: string;
  method: ClientAuthMethod;
}

/** Token request parameters: strings only (a form body always is; a JSON body is checked). */
export type TokenRequestParams = Readonly<Record<string, string>>;

/**
 * Reads the client credentials of a token request: HTTP Basic (client_secret_basic, RFC 6749 §2.3.1), form
 * fields client_id + client_secret (client_secret_post), or both at once — Entra's "How credentials are sent"
 * offers Header, Body and Both (docs/entra.md §9.1). Both must then name the same client and secret, otherwise the
 * request is ambiguous: invalid_request. Missing or unreadable credentials are invalid_client.
 */
export function presentedClientCredentials(
  authorization: string | undefined,
  params: TokenRequestParams,
): PresentedClientCredentials {
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) {
    throw OAuthError.invalidClient(
      'Client assertions (RFC 7523) are not supported; authenticate with client_secret_basic or client_secret_post',
    );
  }
  const basic = basicCredentials(authorization);
  const postId = params.client_id;
  const postSecret = params.client_secret;

  if (basic) {
    if (postId !== undefined && postId !== basic.clientId) {
      throw OAuthError.invalidRequest(
        'client_id in the body differs from the client of the Authorization header',
      );
    }
    if (postSecret !== undefined && postSecret !== basic.clientSecret) {
      throw OAuthError.invalidRequest(
        'client_secret in the body differs from the secret of the Authorization header',
      );
    }
    return {
      ...basic,
      method: postSecret !== undefined ? 'client_secret_basic+post' : 'client_secret_basic',
    };
  }
  if (postId === undefined || postId === '' || postSecret === undefined) {
    throw OAuthError.invalidClient(
      'Client authentication required: send HTTP Basic credentials (client_secret_basic) or client_id and client_secret (client_secret_post)',
    );
  }
  return { clientId: postId, clientSecret: postSecret, method: 'client_secret_post' };
}

/** null when the request carries no Basic credentials; other schemes are none of the token endpoint's business. */
function basicCredentials(
  authorization: string | undefined,
): Omit<PresentedClientCredentials, 'method'> | null {
  if (authorization === undefined) return null;
  const match = /^Basic(?:\s+(.*))?$/is.exec(authorization.trim());
  if (!match) return null;
  const encoded = (match[1] ?? '').trim();
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded)
    ? Buffer.from(encoded, 'base64').toString('utf8')
    : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw OAuthError.invalidClient(
      'Malformed Basic credentials: expected base64 of "client_id:client_secret" (RFC 7617 §2)',
    );
  }
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined; the ids and secrets this server
  // hands out contain nothing that encoding changes, so decoding is a no-op for them and helps strict clients.
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
