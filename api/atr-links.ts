/**
 * The SMS fallback's ATR pages, /atr/:token. The token is a capability: these routes log no URLs, their answers
 * are never cached, and only its hash is stored or used as a rate-limit key. Each render of the page issues a
 * single-use nonce for its form, so one link holder cannot post answers (each acknowledged on WhatsApp) without
 * end; a link whose closure's run no longer takes feedback answers "this link has expired" (410).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { atrLinkHash } from '../activities';
import type { Store } from '../activities/ports';
import { FeedbackClosedError, type AtrClient } from '../client';
import type { Language } from '../contracts/closure';
import type { AtrLinkNonceRepository } from '../db/repositories/atr-link-nonces';
import type { LinkPageResult } from '../messaging/wording';
import { atrPage, resultPage } from './atr-page';
import { limited, noStore } from './public-guards';

/** What the link pages need. */
export interface AtrLinkOptions {
  atr: AtrClient;
  store: Pick<Store, 'getAtrLink' | 'getAtr'>;
  nonces: Pick<AtrLinkNonceRepository, 'issue' | 'consume'>;
}

/** A citizen may leave the page open for hours before answering; after that they open the link again. */
const NONCE_TTL_MS = 12 * 3_600_000;

const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'is not an ATR link') });
const LinkFeedback = z.object({
  rating: z.enum(['SATISFIED', 'NOT_SATISFIED']),
  reason: z.string().optional(),
  comment: z.string().max(2000).optional(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

/** Why a link's page cannot be shown: never issued (404), or expired (410). */
const GONE = { unknown: 404, expired: 410 } as const;

function answer(reply: FastifyReply, status: number, language: Language, outcome: LinkPageResult) {
  return reply.code(status).type('text/html; charset=utf-8').send(resultPage(language, outcome));
}

/** Registers the link pages (a plugin: the form parser stays inside it). */
export async function atrLinkRoutes(app: FastifyInstance, { atr, store, nonces }: AtrLinkOptions): Promise<void> {
  await app.register(formbody);
  app.addHook('onRequest', noStore);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const page = { logLevel: 'warn' as const, schema: { params: TokenParams }, onRequest: limited(app, 'linkPage') };
  /** The link, or why it is gone. Unknown links are answered in Hindi, the state's default; expired ones in the citizen's language. */
  const lookUp = async (token: string) => {
    const found = await store.getAtrLink(atrLinkHash(token));
    if (!found) return { gone: 'unknown' as const, language: 'hi' as const };
    if (found.expired) return { gone: 'expired' as const, language: found.closure.citizen.language };
    return { found };
  };

  api.get('/atr/:token', page, async (req, reply) => {
    const link = await lookUp(req.params.token);
    if (!link.found) return answer(reply, GONE[link.gone], link.language, 'expired');
    const nonce = await nonces.issue(atrLinkHash(req.params.token), NONCE_TTL_MS);
    return reply.type('text/html; charset=utf-8').send(atrPage(link.found.closure, req.params.token, nonce));
  });

  api.get('/atr/:token/pdf', page, async (req, reply) => {
    const link = await lookUp(req.params.token);
    if (!link.found) return answer(reply, GONE[link.gone], link.language, 'expired');
    const doc = link.found.atrId ? await store.getAtr(link.found.atrId) : null;
    if (!doc) return answer(reply, 404, link.found.closure.citizen.language, 'expired');
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="ATR-${link.found.closure.grievanceId}.pdf"`)
      .send(Buffer.from(doc.bytes));
  });

  api.post(
    '/atr/:token/feedback',
    { logLevel: 'warn', schema: { params: TokenParams, body: LinkFeedback }, onRequest: limited(app, 'linkFeedback') },
    async (req, reply) => {
      const link = await lookUp(req.params.token);
      if (!link.found) return answer(reply, GONE[link.gone], link.language, 'expired');
      const { grievanceId, cycle, citizen } = link.found.closure;
      const { rating, reason, comment, nonce } = req.body;
      // Used up before the signal: of two posts of one form, exactly one goes on. A reused, expired or invented
      // nonce records nothing.
      if (!(await nonces.consume(atrLinkHash(req.params.token), nonce))) return answer(reply, 409, citizen.language, 'used');
      const outcome = await atr
        .submitFeedback(grievanceId, { rating, channel: 'sms-link', messageId: `sms-link-${nonce}`, ...(reason ? { reason } : {}), ...(comment?.trim() ? { comment } : {}) }, cycle)
        .then(() => 'recorded' as const, (err) => (err instanceof FeedbackClosedError ? ('closed' as const) : Promise.reject(err)));
      return answer(reply, outcome === 'recorded' ? 200 : 409, citizen.language, outcome);
    },
  );
}
