/**
 * The officers' inbox at /officer on the API's port, as a Fastify plugin: login and logout, the signed session cookie
 * and its CSRF tokens (@fastify/cookie, @fastify/csrf-protection, bound to the session), per-IP limits on login with a
 * per-account lockout, and the pages (cases.ts). Its own error handler answers in HTML, hides 5xx details, and gives
 * 404 for a case outside the officer's scope exactly as for one that does not exist.
 */
import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../../lib/passwords';
import { fill } from '../../messaging/wording';
import { limited, noStore } from '../public-guards';
import { caseRoutes } from './cases';
import { errorPage, INBOX_CSP, loginPage, wordsFor } from './layout';
import type { InboxDeps } from './ports';
import { closeSession, cookieSessionHash, INBOX_PATH, LANGUAGE_COOKIE, languageOf, openSession, resolveOfficer } from './session';

/** What the inbox needs besides its ports. */
export interface OfficerInboxOptions extends InboxDeps {
  /** Signs the session and CSRF cookies (OFFICER_COOKIE_SECRET). */
  cookieSecret: string;
  /** The public URL is https: cookies are Secure. */
  secure: boolean;
  sessionHours: number;
  /** Production serves no account that `npm start` seeded. */
  production: boolean;
}

/** Five wrong passwords in a row lock the account for 15 minutes: guessing stays hopeless, a typo costs nothing. */
export const LOCKOUT = { maxAttempts: 5, lockMs: 15 * 60_000 } as const;
/** What a login form's token is bound to (the CSRF library refuses an empty one). */
const NO_SESSION = 'no-session';
/** A page left open over a long meeting can still be sent; a day-old form cannot. */
const CSRF_VALIDITY_MS = 12 * 3_600_000;

const LoginBody = z.object({ officerId: z.string().trim().min(1).max(64), password: z.string().min(1).max(256), _csrf: z.string().optional() });
const LoginQuery = z.object({ notice: z.enum(['loggedOut', 'expired']).optional() });
const LanguageParams = z.object({ lang: z.enum(['hi', 'en']) });
const LanguageQuery = z.object({ back: z.string().max(500).optional() });

/** Registers the inbox. */
export async function officerInbox(app: FastifyInstance, opts: OfficerInboxOptions): Promise<void> {
  // Pages for officers behind a login, not the portal's contract: left out of /openapi.json (api/openapi.ts).
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  await app.register(cookie, { secret: opts.cookieSecret });
  await app.register(formbody);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'sampark_officer_csrf',
    cookieOpts: { path: INBOX_PATH, httpOnly: true, sameSite: 'lax', secure: opts.secure, signed: true },
    // A token is good only for the session it was made in (and the login form only without one).
    getUserInfo: (req) => req.signedIn?.sessionHash ?? NO_SESSION,
    csrfOpts: { hmacKey: createHash('sha256').update(`csrf:${opts.cookieSecret}`).digest(), validity: CSRF_VALIDITY_MS },
  });
  app.addHook('onRequest', noStore);
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('content-security-policy', INBOX_CSP);
  });
  app.setErrorHandler(inboxErrorHandler);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const session = { ttlHours: opts.sessionHours, secure: opts.secure };

  api.get('/officer/login', { schema: { querystring: LoginQuery } }, async (req, reply) => {
    const lang = languageOf(req);
    const notice = req.query.notice ? { text: wordsFor(lang).notices[req.query.notice], kind: 'notice' as const } : undefined;
    return reply.type('text/html; charset=utf-8').send(loginPage(lang, reply.generateCsrf({ userInfo: NO_SESSION }), notice));
  });

  api.post('/officer/login', { schema: { body: LoginBody }, onRequest: limited(app, 'officerLogin'), preHandler: app.csrfProtection }, async (req, reply) => {
    const ok = await checkPassword(opts, req.body.officerId, req.body.password);
    if (!ok) return reply.code(401).type('text/html; charset=utf-8').send(loginPage(languageOf(req), reply.generateCsrf({ userInfo: NO_SESSION }), { text: wordsFor(languageOf(req)).notices.loginFailed, kind: 'error' }));
    await openSession(req, reply, opts, req.body.officerId, session);
    await opts.accounts.audit(req.body.officerId, 'LOGIN');
    return reply.redirect('/officer', 303);
  });

  api.post('/officer/logout', { preHandler: [signedInOnly(opts), app.csrfProtection] }, async (req, reply) => {
    await closeSession(req, reply, opts, opts.secure);
    await opts.accounts.audit(req.signedIn!.officer.officerId, 'LOGOUT');
    return reply.redirect('/officer/login?notice=loggedOut', 303);
  });

  api.get('/officer/language/:lang', { schema: { params: LanguageParams, querystring: LanguageQuery } }, async (req, reply) => {
    reply.setCookie(LANGUAGE_COOKIE, req.params.lang, { path: INBOX_PATH, httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: 365 * 86_400 });
    // Back to an inbox page only, never elsewhere (no open redirect).
    const back = req.query.back && /^\/officer(\/[\w./-]*)?(\?[\w=&%.-]*)?$/.test(req.query.back) ? req.query.back : '/officer';
    return reply.redirect(back, 303);
  });

  await app.register(caseRoutes, { ...opts, signedInOnly: signedInOnly(opts) });
}

/**
 * Whether the password is this officer's, counting failures towards the lockout. An unknown id, a locked account and,
 * in production, an account `npm start` seeded all fail the same way, after the same argon2 work.
 */
async function checkPassword(opts: OfficerInboxOptions, officerId: string, password: string): Promise<boolean> {
  const account = await opts.accounts.getAccount(officerId);
  if (!account) {
    await verifyPassword(await decoyHash(), password);
    return false;
  }
  const locked = account.lockedUntil !== null && account.lockedUntil.getTime() > Date.now();
  const usable = !locked && !(opts.production && account.origin === 'seeded') && (await opts.directory.getOfficer(officerId)) !== null;
  if (usable && (await verifyPassword(account.passwordHash, password))) return true;
  await opts.accounts.audit(officerId, 'LOGIN_FAILED');
  if (!locked && (await opts.accounts.recordFailure(officerId, LOCKOUT.maxAttempts, LOCKOUT.lockMs)).locked) await opts.accounts.audit(officerId, 'LOCKED');
  return false;
}

/** preHandler: the request's officer, or a redirect to the login page (saying the session ended, if it had one). */
export function signedInOnly(deps: Pick<InboxDeps, 'accounts' | 'directory'>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const signedIn = await resolveOfficer(req, deps);
    if (signedIn) {
      req.signedIn = signedIn;
      return;
    }
    return reply.redirect(cookieSessionHash(req) ? '/officer/login?notice=expired' : '/officer/login', 303);
  };
}

function inboxErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const lang = languageOf(req);
  const w = wordsFor(lang).errors;
  const html = (status: number, text: string) => reply.code(status).type('text/html; charset=utf-8').send(errorPage(lang, text));
  if (hasZodFastifySchemaValidationErrors(err)) {
    return html(400, fill(w.invalid, { fields: err.validation.map((v) => v.instancePath.replace(/^\//, '') || v.params?.missingProperty || 'form').join(', ') }));
  }
  if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') return html(403, w.csrf);
  if (err.statusCode === 429) return html(429, w.tooMany);
  if (err.statusCode === 404) return html(404, w.notFound);
  if (err.statusCode && err.statusCode < 500) return html(err.statusCode, fill(w.invalid, { fields: err.message }));
  req.log.error({ err }, 'officer inbox request failed');
  return html(500, fill(w.server, { requestId: req.id }));
}
