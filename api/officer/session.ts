/**
 * Who is asking: the officer's session, from a signed HttpOnly cookie that carries a random token whose SHA-256 is the
 * session row's key in PostgreSQL (officer_sessions). A session ends at logout, after OFFICER_SESSION_HOURS, or after
 * an idle hour; a new login always makes a new token (no fixation). Scope comes from the officers' directory on every
 * request, so a directory change (a transfer, a new role) takes effect at once.
 *
 * OIDC seam: `resolveOfficer` is the one place that turns a request into an InboxOfficer. An OpenID Connect login
 * (the state's SSO) would add a callback route that checks the ID token, maps its subject to a directory officer id,
 * and calls `openSession` exactly as the password login does; everything after (scope, CSRF, audit) stays as it is.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EscalationActor } from '../../contracts/escalation';
import type { InboxDeps, InboxOfficer } from './ports';

/** The session cookie: its name and path (the inbox only). */
export const SESSION_COOKIE = 'sampark_officer';
export const INBOX_PATH = '/officer';

/** The officer's chosen language (Hindi unless they switch). */
export const LANGUAGE_COOKIE = 'officer_lang';
export const languageOf = (req: FastifyRequest): 'hi' | 'en' => (req.cookies?.[LANGUAGE_COOKIE] === 'en' ? 'en' : 'hi');

/** A session unused for this long ends: an unattended office PC should not stay signed in all day. */
export const IDLE_MS = 60 * 60_000;

/** An officer's request, once the session is found. */
export interface SignedIn {
  officer: InboxOfficer;
  actor: EscalationActor;
  sessionHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    signedIn?: SignedIn;
  }
}

/** The cookie's attributes: HttpOnly always, Secure over https; Lax so a link from the officer's WhatsApp alert opens signed in. */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return { path: INBOX_PATH, httpOnly: true, sameSite: 'lax' as const, secure, signed: true, ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) };
}

/** What a session token is stored as. */
export const sessionHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The scope an officer acts in, as the escalation updates carry it. */
export function actorOf(officer: InboxOfficer): EscalationActor {
  return {
    officerId: officer.officerId,
    role: officer.role,
    departmentCode: officer.role === 'L1' ? officer.departmentCode : null,
    districtCode: officer.role === 'L3' ? null : officer.districtCode,
  };
}

/** The session hash behind the request's cookie, if the cookie is present and its signature holds. */
export function cookieSessionHash(req: FastifyRequest): string | undefined {
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const { valid, value } = req.unsignCookie(raw);
  return valid && value ? sessionHash(value) : undefined;
}

/** The signed-in officer behind a request, or null (no cookie, a forged one, an ended or expired session, or an officer no longer in the directory). */
export async function resolveOfficer(req: FastifyRequest, deps: Pick<InboxDeps, 'accounts' | 'directory'>): Promise<SignedIn | null> {
  const hash = cookieSessionHash(req);
  if (!hash) return null;
  const session = await deps.accounts.liveSession(hash, IDLE_MS);
  const officer = session ? await deps.directory.getOfficer(session.officerId) : null;
  return officer ? { officer, actor: actorOf(officer), sessionHash: hash } : null;
}

/** Starts a session for an officer whose identity is proven (password now; OIDC later), replacing any session of this browser. */
export async function openSession(req: FastifyRequest, reply: FastifyReply, deps: Pick<InboxDeps, 'accounts'>, officerId: string, opts: { ttlHours: number; secure: boolean }): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await deps.accounts.startSession(officerId, sessionHash(token), opts.ttlHours * 3_600_000, cookieSessionHash(req));
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(opts.secure, opts.ttlHours * 3600));
}

/** Ends the request's session, if any, and clears its cookie. */
export async function closeSession(req: FastifyRequest, reply: FastifyReply, deps: Pick<InboxDeps, 'accounts'>, secure: boolean): Promise<void> {
  const hash = cookieSessionHash(req);
  if (hash) await deps.accounts.endSession(hash);
  reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}
