/**
 * The public transparency dashboard on the API's port, no login: GET /transparency (the page),
 * /transparency/data.csv and /transparency/data.json (open data), all for the same period query. Figures come
 * from the rollup (db/repositories/transparency.ts), never from closures; answers are cached briefly, as the
 * rollup itself moves only every TRANSPARENCY_REFRESH_EVERY, and rate-limited per IP like the other public routes.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TransparencyRepository } from '../../db/repositories/transparency';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../contracts/api';
import { problems } from '../openapi';
import { HttpProblem } from '../problems';
import { limited, type Limit } from '../public-guards';
import { publicFigures, type PublicFigures } from './figures';
import { toCsv, toJson } from './open-data';
import { badInputPage, transparencyPage } from './page';
import { TRANSPARENCY_WORDING, type InputProblem } from './wording';

const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const problemDoc = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });
const OPEN_JSON = { description: 'The period, when the rollup was refreshed, and a row per department and district; "<5" where suppressed', content: { 'application/json': { schema: z.looseObject({}) } } };
const CSV_DOC = { description: 'A header row, then a row per department and district; "<5" where suppressed', content: { 'text/csv': { schema: z.string() } } };
const TEXT_400 = { description: 'Each bad field on a line', content: { 'text/plain': { schema: z.string() } } };

/** What the routes need. */
export interface TransparencyOptions {
  rollup: Pick<TransparencyRepository, 'groupCounts' | 'dayCounts' | 'names' | 'watermark'>;
  /** How long an answer is reused (default a minute); 0 turns the cache off (the bench measures both). */
  cacheTtlMs?: number;
  /** Overrides the per-IP limit (the bench, which calls from one address). */
  limits?: readonly Limit[];
}

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;
/** Longest period one request may sum: a year and a day (a leap year). */
const MAX_DAYS = 366;
/** Answers kept at most; the oldest goes first. Enough for every period people actually ask for. */
const CACHE_ENTRIES = 500;

const istToday = () => new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const blank = (v: unknown) => (v === '' ? undefined : v);

/** The period query; each message is an InputProblem code, worded per language on the page. */
export const PeriodQuery = z
  .object({
    period: z.preprocess(blank, z.enum(['7', '30', '90'], { error: 'period' satisfies InputProblem }).optional()),
    from: z.preprocess(blank, z.iso.date({ error: 'date' satisfies InputProblem }).optional()),
    to: z.preprocess(blank, z.iso.date({ error: 'date' satisfies InputProblem }).optional()),
    lang: z.preprocess(blank, z.enum(['hi', 'en'], { error: 'lang' satisfies InputProblem }).optional()),
  })
  .superRefine((q, ctx) => {
    const problem = (path: 'from' | 'to', message: InputProblem) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!q.from !== !q.to) return problem(q.from ? 'to' : 'from', 'pair');
    // A field already refused for its own form gets no second complaint.
    if (!q.from || !q.to || !z.iso.date().safeParse(q.from).success || !z.iso.date().safeParse(q.to).success) return;
    if (q.to > addDays(istToday(), 1)) problem('to', 'future');
    if (q.from > q.to) problem('to', 'order');
    else if ((Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 > MAX_DAYS) problem('from', 'range');
  });
type PeriodQuery = z.infer<typeof PeriodQuery>;

/** The days a query asks for: its from..to, else the last `period` (default 30) IST days up to today. */
function resolvePeriod(q: PeriodQuery): { from: string; to: string; lastDays?: number } {
  if (q.from && q.to) return { from: q.from, to: q.to };
  const lastDays = Number(q.period ?? 30);
  const to = istToday();
  return { from: addDays(to, -(lastDays - 1)), to, lastDays };
}

export const transparencyRoutes: FastifyPluginAsync<TransparencyOptions> = async (app, { rollup, cacheTtlMs = 60_000, limits }) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const cache = new Map<string, { body: string; until: number }>();
  const cached = async (key: string, make: () => Promise<string>): Promise<string> => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.body;
    const body = await make();
    if (cacheTtlMs > 0) {
      cache.delete(key);
      cache.set(key, { body, until: Date.now() + cacheTtlMs });
      if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    return body;
  };
  const figures = async (from: string, to: string): Promise<PublicFigures> => {
    const [groups, days, names, mark] = await Promise.all([rollup.groupCounts(from, to), rollup.dayCounts(from, to), rollup.names(), rollup.watermark()]);
    return publicFigures({ from, to, refreshedAt: mark?.watermark ?? null, groups, days, names });
  };
  const onRequest = [limited(app, 'transparency', limits), publicCache(cacheTtlMs)];
  const route = (summary: string, ok: object, bad: object) => ({
    schema: { tags: ['public'], summary, querystring: PeriodQuery, response: { 200: ok, 400: bad, ...problems('rate_limited') } },
    onRequest,
  });

  app.setErrorHandler(badInput);

  api.get('/transparency', route('The public dashboard (Hindi first; ?lang=en)', page('Figures per department and district, with charts'), page('The page again, naming each bad field')), async (req, reply) => {
    const { from, to, lastDays } = resolvePeriod(req.query);
    const lang = req.query.lang ?? 'hi';
    const body = await cached(`page|${from}|${to}|${lang}|${lastDays}`, async () => transparencyPage({ figures: await figures(from, to), wording: TRANSPARENCY_WORDING[lang], ...(lastDays ? { lastDays } : {}) }));
    return reply.type('text/html; charset=utf-8').send(body);
  });

  api.get('/transparency/data.json', route('Open data as JSON: the same figures, with the columns documented', OPEN_JSON, problemDoc('`validation_failed`, with each bad field')), async (req, reply) => {
    const { from, to } = resolvePeriod(req.query);
    const body = await cached(`json|${from}|${to}`, async () => JSON.stringify(toJson(await figures(from, to))));
    return reply.type('application/json; charset=utf-8').header('content-disposition', `inline; filename="sampark-transparency-${from}-${to}.json"`).send(body);
  });

  api.get('/transparency/data.csv', route('Open data as CSV (UTF-8), one row per department and district', CSV_DOC, TEXT_400), async (req, reply) => {
    const { from, to } = resolvePeriod(req.query);
    const body = await cached(`csv|${from}|${to}`, async () => toCsv(await figures(from, to)));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="sampark-transparency-${from}-${to}.csv"`).send(body);
  });
};

/** onRequest hook: public aggregates may be kept by browsers and proxies as long as we keep them. */
function publicCache(ttlMs: number) {
  return async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('cache-control', `public, max-age=${Math.floor(ttlMs / 1000)}`);
  };
}

/** Bad query: a friendly page (or JSON, or text for the CSV) naming each field; anything else goes to the API's handler. */
function badInput(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (!hasZodFastifySchemaValidationErrors(err)) throw err;
  const lang = (req.query as { lang?: unknown }).lang === 'en' ? 'en' : 'hi';
  const fieldsIn = (l: 'hi' | 'en') =>
    err.validation.map((v) => {
      const field = v.instancePath.split('/').filter(Boolean).join('.') || 'query';
      return { field, message: TRANSPARENCY_WORDING[l].badInput.problems[v.message as InputProblem] ?? v.message ?? 'is invalid' };
    });
  reply.code(400).header('cache-control', 'no-store');
  // Open data's JSON answers bad input as the API does: a problem (api/problems.ts).
  if (req.url.startsWith('/transparency/data.json')) throw new HttpProblem(400, 'validation_failed', 'the request has invalid fields (querystring)', { fields: fieldsIn('en') });
  if (req.url.startsWith('/transparency/data.csv')) return reply.type('text/plain; charset=utf-8').send(fieldsIn('en').map((f) => `${f.field}: ${f.message}`).join('\n') + '\n');
  return reply.type('text/html; charset=utf-8').send(badInputPage(lang, fieldsIn(lang)));
}
