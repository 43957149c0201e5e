/**
 * What guards the routes anyone may call without the API key: rate limits per client IP and per ATR link
 * (@fastify/rate-limit's counters, answered in our error shape with retry-after), the security headers of the
 * citizen pages (@fastify/helmet) and no-store for capability URLs. The API-key routes are not limited here:
 * the portal is one authenticated client, and its bulk posts must never meet a limit meant for the public.
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atrLinkHash } from '../activities';
import { HttpProblem } from './problems';

/** A limit: at most `max` requests per `windowMs` from one client IP, or on one ATR link. */
export interface Limit {
  max: number;
  windowMs: number;
  by: 'ip' | 'link';
}

const MINUTE = 60_000;

/** The public routes' limits, per route group. */
export const LIMITS = {
  /** A QR scan is a request or two; 60 a minute still lets an office check a pile of ATRs, and stops scraping. */
  verify: [{ max: 60, windowMs: MINUTE, by: 'ip' }],
  /**
   * The link page and its PDF. Per IP generous, as thousands of phones share a carrier's NAT address; per link, a
   * citizen opens page and PDF a few times, and each render issues a nonce, so this also bounds one holder's nonces.
   */
  linkPage: [
    { max: 300, windowMs: MINUTE, by: 'ip' },
    { max: 20, windowMs: MINUTE, by: 'link' },
  ],
  /** One answer, a change of mind or a double tap; every recorded answer sends the citizen a WhatsApp acknowledgement. */
  linkFeedback: [
    { max: 60, windowMs: MINUTE, by: 'ip' },
    { max: 5, windowMs: 10 * MINUTE, by: 'link' },
  ],
  /**
   * Officers' logins: a district office shares one address, so per IP generous for a shift change, and far too few
   * for spraying passwords; each account also locks after five wrong ones (api/officer/index.ts LOCKOUT).
   */
  officerLogin: [{ max: 30, windowMs: 10 * MINUTE, by: 'ip' }],
  /**
   * The transparency page and its open data: a reader clicks through periods and languages, a script downloads a
   * year month by month; answers are cached, so this only stops a flood from one address.
   */
  transparency: [{ max: 120, windowMs: MINUTE, by: 'ip' }],
  /** Probes poll every few seconds (start-up scripts every 100 ms); each check calls Temporal and PostgreSQL. */
  health: [{ max: 600, windowMs: MINUTE, by: 'ip' }],
  // The WhatsApp webhook has none, on purpose: Meta delivers from a few shared addresses in bursts and retries what
  // we refuse, so a limit would only delay citizens' answers; an unsigned request is refused before any write.
} as const satisfies Record<string, readonly Limit[]>;

/** The security headers of every answer (for @fastify/helmet); the citizen pages are what they are for. */
export function securityHeaders({ hsts }: { hsts: boolean }): FastifyHelmetOptions {
  return {
    // Server-rendered pages without scripts: nothing may run, load or frame them; their own inline styles only.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // The link URL is a capability: it must not leak to whatever the page links to.
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // Only meaningful over TLS (PUBLIC_BASE_URL is https); over plain HTTP browsers ignore it anyway.
    strictTransportSecurity: hsts ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  };
}

/** onRequest hook: a capability URL's answer is never stored by a browser or a proxy. */
export async function noStore(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store');
}

/** The link a request is about, by its token's hash (never the token, which is the capability). */
function linkOf(req: FastifyRequest): string {
  const token = (req.params as { token?: unknown }).token;
  return typeof token === 'string' ? atrLinkHash(token) : 'none';
}

/**
 * onRequest hook enforcing `limits` on one route group: the first one exceeded answers 429 (error `rate_limited`)
 * with retry-after in seconds. `group` keeps each group's counters apart.
 */
export function limited(app: Pick<FastifyInstance, 'createRateLimit'>, group: keyof typeof LIMITS, limits: readonly Limit[] = LIMITS[group]) {
  const checks = limits.map((limit) =>
    app.createRateLimit({
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (req) => `${group}:${limit.by}:${limit.by === 'ip' ? normalizeIP(req.ip) : linkOf(req)}`,
    }),
  );
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    for (const check of checks) {
      const result = await check(req);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', String(result.ttlInSeconds));
        throw new HttpProblem(429, 'rate_limited', `too many requests; retry in ${result.ttlInSeconds} s`, { retryAfterSeconds: result.ttlInSeconds });
      }
    }
  };
}
