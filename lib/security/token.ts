import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The shared-secret check. REST clients send `Authorization: Bearer <token>`; WebSocket clients
 * may send the same header, or `?token=<token>` because browsers cannot set headers on a
 * WebSocket. Both sides are hashed with SHA-256 and compared with `timingSafeEqual`, so the time
 * taken says nothing about how much of a guess was right, nor about the token's length.
 */

/** Checks one request; `url` is the request URL parsed against any base. */
export type TokenCheck = (req: { headers: IncomingHttpHeaders }, url: URL) => boolean;

export interface TokenCheckOptions {
  /** Also accept `?token=` (WebSocket upgrades only: query strings end up in logs). Default false. */
  acceptQueryParam?: boolean;
}

const BEARER = /^Bearer +(\S+) *$/i;
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * The token a request presents: the Bearer credential, else (when allowed) the `token` query
 * parameter, else undefined.
 *
 * @example
 * presentedToken({ headers: { authorization: 'Bearer abc' } }, new URL('http://x/'), false); // 'abc'
 * presentedToken({ headers: {} }, new URL('http://x/ws/stats?token=abc'), true);             // 'abc'
 */
export function presentedToken(req: { headers: IncomingHttpHeaders }, url: URL, acceptQueryParam: boolean): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = BEARER.exec(auth);
    if (m) return m[1];
  }
  if (acceptQueryParam) return url.searchParams.get('token') ?? undefined;
  return undefined;
}

/**
 * Builds the token check. With no token configured every request passes (loopback-only mode).
 *
 * @example
 * const rest = createTokenCheck(process.env.WIDGETS_TOKEN);
 * const ws = createTokenCheck(process.env.WIDGETS_TOKEN, { acceptQueryParam: true });
 * rest(req, new URL(req.url ?? '/', 'http://localhost')); // true only with the right Bearer header
 */
export function createTokenCheck(token: string | undefined, options: TokenCheckOptions = {}): TokenCheck {
  if (token === undefined) return () => true;
  if (token === '') throw new Error('token is empty: pass undefined for no token');
  const expected = digest(token);
  const acceptQueryParam = options.acceptQueryParam ?? false;
  return (req, url) => {
    const given = presentedToken(req, url, acceptQueryParam);
    // Hash even when nothing was sent so that both paths cost the same.
    const ok = timingSafeEqual(digest(given ?? ''), expected);
    return ok && given !== undefined;
  };
}
