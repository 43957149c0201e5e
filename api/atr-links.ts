/**
 * The citizen's ATR link pages, /atr/:token: reached from the WhatsApp template's "View ATR" button, the SMS
 * fallback and the PDF. The token is a capability: these routes log no URLs, their answers are never cached, and
 * only its hash is stored or used as a rate-limit key. Each render of the form issues a single-use nonce, so one
 * link holder cannot post answers without end. A browser always gets a page (never JSON), in the citizen's
 * language: a bad link 400, an unknown one 404, an expired one 410, a form the run no longer takes 409.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { atrLinkHash } from '../activities';
import type { Store } from '../activities/ports';
import { FeedbackClosedError, type AtrClient } from '../client';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../contracts/api';
import { LANGUAGES, LinkFeedbackSchema, type FeedbackReason, type Language } from '../contracts/closure';
import { escalationStartLevel } from '../contracts/escalation';
import { stateQuery } from '../contracts/workflow';
import { reasonsOffered } from '../config/policy';
import type { AtrLinkNonceRepository } from '../db/repositories/atr-link-nonces';
import type { AtrLinkTarget } from '../db/repositories/closures';
import type { LinkGone } from '../messaging/wording';
import { answeredPage, atrPage, gonePage, thanksPage, type Answer, type FormState } from './atr-page';
import { limited, noStore } from './public-guards';

/** What the link pages need. */
export interface AtrLinkOptions {
  atr: AtrClient;
  store: Pick<Store, 'getAtrLink' | 'getAtr' | 'getDepartmentPolicy'> & { decisiveFeedback: (workflowId: string) => Promise<Pick<Answer, 'rating'> & { reason?: FeedbackReason } | null> };
  nonces: Pick<AtrLinkNonceRepository, 'issue' | 'consume'>;
}

/** A citizen may leave the page open for hours before answering; after that they open the link again. */
const NONCE_TTL_MS = 12 * 3_600_000;
/** How long the page waits for the workflow to say whether it was answered before asking PostgreSQL instead. */
const ANSWER_QUERY_TIMEOUT_MS = 3_000;

const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'is not an ATR link') });
/** ?lang=hi|en switches the page's language; anything else keeps the citizen's. */
const PageQuery = z.object({ lang: z.enum(LANGUAGES).optional().catch(undefined) });
/** The form as posted; its fields are checked by LinkFeedbackSchema (the API's rules), so a mistake comes back as the page. */
const PostedForm = z.object({ rating: z.string().optional(), reason: z.string().optional(), comment: z.string().optional(), nonce: z.string().optional() });

/** The pages' answers, for the OpenAPI document: pages in the citizen's language; a caller asking for JSON gets problems. */
const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });
const pageOrProblem = (description: string) => ({ description, content: { 'text/html': { schema: z.string() }, [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });
const GONE_PAGES = {
  400: pageOrProblem('Not an ATR link: a page, or `validation_failed` when the caller asks for JSON'),
  404: page('This link was never issued'),
  410: page('This link has expired: the feedback period is over'),
  429: pageOrProblem('Too many requests: a page, or `rate_limited` when the caller asks for JSON'),
  500: problem('`internal_error`'),
};
const PAGE_RESPONSES = { 200: page("The ATR's summary and a feedback form, or the answer already given"), ...GONE_PAGES };
const PDF_RESPONSES = { 200: { description: 'The ATR', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } }, ...GONE_PAGES };
const FEEDBACK_RESPONSES = {
  200: page('Recorded: what happens next, with the grievance number'),
  ...GONE_PAGES,
  400: pageOrProblem('The form again with its mistakes named, or `validation_failed` / `malformed_json` when the caller asks for JSON'),
  409: page('Already answered, a form used twice, or the feedback period is over'),
  413: problem('`body_too_large`'),
  415: problem('`unsupported_media_type`: a form post'),
};
const DOC = { tags: ['public'] };

const STATUS: Record<LinkGone, number> = { badLink: 400, unknown: 404, expired: 410, closed: 409, used: 409, busy: 429 };

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
const gone = (reply: FastifyReply, why: LinkGone, language?: Language) => html(reply, STATUS[why], gonePage(language, why));

/** A caller that asked for JSON (and not for a page) gets the API's JSON errors; browsers and plain clients get pages. */
function wantsJson(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Registers the link pages (a plugin: the form parser and the page-answering error handler stay inside it). */
export async function atrLinkRoutes(app: FastifyInstance, { atr, store, nonces }: AtrLinkOptions): Promise<void> {
  await app.register(formbody);
  app.addHook('onRequest', noStore);
  // A malformed or truncated link, or too many requests, answered as a page; anything else goes to the API's handler.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (wantsJson(req)) throw err;
    const language = (req.query as { lang?: string } | undefined)?.lang;
    const known = LANGUAGES.find((l) => l === language);
    if (err.validation) return gone(reply, 'badLink', known);
    if (err.statusCode === 429) return gone(reply, 'busy', known);
    throw err;
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  // One limiter for the page and its PDF: their loads count together.
  const pageLimit = limited(app, 'linkPage');
  const pageRoute = (summary: string, response: object) => ({ logLevel: 'warn' as const, schema: { ...DOC, summary, params: TokenParams, querystring: PageQuery, response }, onRequest: pageLimit });

  /** The link, or why it is gone. Unknown links are answered in both languages; expired ones in the citizen's. */
  const lookUp = async (token: string): Promise<{ found: AtrLinkTarget } | { gone: LinkGone; language?: Language }> => {
    const found = await store.getAtrLink(atrLinkHash(token));
    if (!found) return { gone: 'unknown' };
    if (found.expired) return { gone: 'expired', language: found.closure.citizen.language };
    return { found };
  };

  /** The decisive answer, if any: the workflow knows at once; PostgreSQL once it was recorded (no worker, run closed). */
  const answerOf = async ({ workflowId, closure }: AtrLinkTarget): Promise<Answer | undefined> => {
    const state = await Promise.race([
      atr.temporal.workflow.getHandle(workflowId).query(stateQuery),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ANSWER_QUERY_TIMEOUT_MS).unref()),
    ]).catch(() => undefined);
    const feedback = state?.feedback ?? (await store.decisiveFeedback(workflowId)) ?? undefined;
    if (!feedback) return undefined;
    const level = state?.escalation?.level ?? escalationStartLevel(closure.cycle, feedback.reason);
    return { rating: feedback.rating, ...(feedback.rating === 'NOT_SATISFIED' ? { level } : {}) };
  };

  const reasonsOf = async ({ closure }: AtrLinkTarget) => reasonsOffered(await store.getDepartmentPolicy(closure.department.code), closure.feedbackPolicy);

  api.get('/atr/:token', pageRoute("The citizen's ATR page: the ATR and its feedback form", PAGE_RESPONSES), async (req, reply) => {
    const link = await lookUp(req.params.token);
    if (!('found' in link)) return gone(reply, link.gone, req.query.lang ?? link.language);
    const language = req.query.lang ?? link.found.closure.citizen.language;
    const answer = await answerOf(link.found);
    if (answer) return html(reply, 200, answeredPage(language, link.found.closure.grievanceId, req.params.token, answer));
    const nonce = await nonces.issue(atrLinkHash(req.params.token), NONCE_TTL_MS);
    return html(reply, 200, atrPage(link.found.closure, req.params.token, nonce, language, await reasonsOf(link.found)));
  });

  api.get('/atr/:token/pdf', pageRoute('The ATR PDF behind an SMS link', PDF_RESPONSES), async (req, reply) => {
    const link = await lookUp(req.params.token);
    if (!('found' in link)) return gone(reply, link.gone, req.query.lang ?? link.language);
    const doc = link.found.atrId ? await store.getAtr(link.found.atrId) : null;
    if (!doc) return gone(reply, 'unknown', link.found.closure.citizen.language);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="ATR-${link.found.closure.grievanceId}.pdf"`)
      .send(Buffer.from(doc.bytes));
  });

  api.post(
    '/atr/:token/feedback',
    {
      logLevel: 'warn',
      schema: { ...DOC, summary: "The ATR page's feedback form", consumes: ['application/x-www-form-urlencoded'], params: TokenParams, querystring: PageQuery, body: PostedForm, response: FEEDBACK_RESPONSES },
      onRequest: limited(app, 'linkFeedback'),
    },
    async (req, reply) => {
      const { token } = req.params;
      const link = await lookUp(token);
      if (!('found' in link)) return gone(reply, link.gone, req.query.lang ?? link.language);
      const { closure } = link.found;
      const language = req.query.lang ?? closure.citizen.language;
      const earlier = await answerOf(link.found);
      if (earlier) return html(reply, 409, answeredPage(language, closure.grievanceId, token, earlier));
      const posted = { rating: blank(req.body.rating), reason: blank(req.body.reason), comment: blank(req.body.comment) };
      const reasons = await reasonsOf(link.found);
      const errors = formErrors(posted, reasons);
      // The form again, as filled in, with its nonce unspent: nothing is lost and nothing recorded.
      if (errors.length) return html(reply, 400, atrPage(closure, token, req.body.nonce ?? '', language, reasons, { ...posted, errors }));
      const feedback = LinkFeedbackSchema.parse(posted);
      // Used up before the signal: of two posts of one form, exactly one goes on. A reused, expired or invented nonce records nothing.
      if (!req.body.nonce || !(await nonces.consume(atrLinkHash(token), req.body.nonce))) return gone(reply, 'used', language);
      const sent = await atr
        .submitFeedback(closure.grievanceId, { ...feedback, channel: 'sms-link', messageId: `sms-link-${req.body.nonce}` }, closure.cycle)
        .then(() => true, (err) => (err instanceof FeedbackClosedError ? false : Promise.reject(err)));
      if (!sent) return gone(reply, 'closed', language);
      const level = escalationStartLevel(closure.cycle, feedback.reason);
      return html(reply, 200, thanksPage(language, closure.grievanceId, { rating: feedback.rating, ...(feedback.rating === 'NOT_SATISFIED' ? { level } : {}) }));
    },
  );
}

/** An empty or whitespace-only field is a field not filled in. */
function blank(value: string | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}

/** The form's mistakes, by field: the API's schema first, then the department's reasons. */
function formErrors(posted: { rating?: string; reason?: string; comment?: string }, reasons: readonly FeedbackReason[]): FormState['errors'] {
  const result = LinkFeedbackSchema.safeParse(posted);
  const errors: FormState['errors'] = [];
  const add = (e: FormState['errors'][number]) => !errors.some((x) => x.field === e.field) && errors.push(e);
  for (const issue of result.success ? [] : result.error.issues) {
    const field = issue.path[0];
    if (field === 'rating') add({ field, error: 'ratingRequired' });
    else if (field === 'reason') add({ field, error: posted.rating === 'SATISFIED' ? 'reasonWithSatisfied' : posted.reason ? 'reasonNotOffered' : 'reasonRequired' });
    else if (field === 'comment') add({ field, error: posted.comment ? 'commentInvalid' : 'commentRequired' });
  }
  if (posted.reason && posted.rating !== 'SATISFIED' && !(reasons as readonly string[]).includes(posted.reason)) add({ field: 'reason', error: 'reasonNotOffered' });
  return errors;
}
