/**
 * The inbox's case routes, every one behind the session and the officer's scope: the list, a case, its ATR PDF and
 * voice note, the phone reveal (audited) and the actions (each a Temporal update through the escalation client, then
 * a redirect back to the case: post, redirect, get). A case outside the scope answers 404, as one that does not exist.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ESCALATION_STATUSES } from '../../contracts/escalation';
import type { InboxNotice } from '../../messaging/wording/officer';
import { casePage, fullPhone, listPage } from './pages';
import { ActionRefusedError, type InboxCase, type InboxDeps } from './ports';
import { languageOf } from './session';

/** What the case routes need: the ports and the session guard. */
export interface CaseRouteOptions extends InboxDeps {
  signedInOnly: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** An empty form field means "any". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const code = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a code of letters, digits, - or _');

const ListQuery = z.object({
  level: optional(z.coerce.number().int().min(1).max(3)),
  status: optional(z.enum(ESCALATION_STATUSES)),
  sla: optional(z.enum(['overdue', 'due24h'])),
  department: optional(code),
  district: optional(code),
});
const CaseParams = z.object({ escalationId: z.string().regex(/^[A-Za-z0-9_.:-]{1,160}$/) });
const CaseQuery = z.object({ done: z.enum(['acknowledged', 'noted', 'asked', 'transferred', 'refused']).optional(), why: z.string().max(300).optional() });
const CsrfOnly = z.object({ _csrf: z.string().optional() });
const NoteBody = CsrfOnly.extend({ text: z.string().trim().min(1).max(2000) });
const AskBody = CsrfOnly.extend({ question: z.string().trim().min(1).max(500) });
const TransferBody = CsrfOnly.extend({ department: code, district: optional(code), text: optional(z.string().trim().max(2000)) });

const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
const notFound = () => Object.assign(new Error('no such case in scope'), { statusCode: 404 });

/** Registers the case routes. */
export async function caseRoutes(app: FastifyInstance, opts: CaseRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: opts.signedInOnly };
  const write = { preHandler: [opts.signedInOnly, app.csrfProtection] };
  const csrfOf = (req: FastifyRequest, reply: FastifyReply) => reply.generateCsrf({ userInfo: req.signedIn!.sessionHash });
  /** The case, if it is in the signed-in officer's scope; otherwise a 404 that says nothing about whether it exists. */
  const inScope = async (req: FastifyRequest, escalationId: string): Promise<InboxCase> =>
    (await opts.escalations.getCase(req.signedIn!.actor, escalationId)) ?? Promise.reject(notFound());

  api.get('/officer', { ...read, schema: { querystring: ListQuery } }, async (req, reply) => {
    const q = req.query;
    const filters = { ...(q.level ? { level: q.level as 1 | 2 | 3 } : {}), ...(q.status ? { status: q.status } : {}), ...(q.sla ? { sla: q.sla } : {}), ...(q.department ? { departmentCode: q.department } : {}), ...(q.district ? { districtCode: q.district } : {}) };
    const now = new Date();
    const rows = await opts.escalations.list(req.signedIn!.actor, filters, now);
    return html(reply, listPage(languageOf(req), req.signedIn!, csrfOf(req, reply), rows, filters, now, req.url));
  });

  api.get('/officer/cases/:escalationId', { ...read, schema: { params: CaseParams, querystring: CaseQuery } }, async (req, reply) => {
    const found = await inScope(req, req.params.escalationId);
    const notice = req.query.done ? { notice: { kind: req.query.done as InboxNotice, ...(req.query.why ? { reason: req.query.why } : {}) } } : {};
    return html(reply, casePage(languageOf(req), req.signedIn!, csrfOf(req, reply), found, new Date(), notice));
  });

  api.get('/officer/cases/:escalationId/atr', { ...read, schema: { params: CaseParams } }, async (req, reply) => {
    const found = await inScope(req, req.params.escalationId);
    const doc = found.atrId ? await opts.atrs.getAtr(found.atrId) : null;
    if (!doc) throw notFound();
    return reply.type('application/pdf').header('content-disposition', `inline; filename="ATR-${found.grievanceId}-c${found.cycle}.pdf"`).send(Buffer.from(doc.bytes));
  });

  api.get('/officer/cases/:escalationId/voice', { ...read, schema: { params: CaseParams } }, async (req, reply) => {
    const found = await inScope(req, req.params.escalationId);
    const note = found.voiceNoteId ? await opts.voiceNotes.getVoiceNote({ workflowId: found.atrWorkflowId, mediaId: found.voiceNoteId }) : undefined;
    if (!note) throw notFound();
    return sendRange(req, reply, Buffer.from(note.audio), note.mimeType);
  });

  // A POST because it is audited: who saw the number of which case, when (never the number itself).
  api.post('/officer/cases/:escalationId/phone', { ...write, schema: { params: CaseParams, body: CsrfOnly } }, async (req, reply) => {
    const found = await inScope(req, req.params.escalationId);
    if (found.citizenPhone) await opts.accounts.audit(req.signedIn!.officer.officerId, 'PHONE_REVEALED', found.escalationId);
    const revealed = found.citizenPhone ? { revealedPhone: fullPhone(found.citizenPhone) } : {};
    return html(reply, casePage(languageOf(req), req.signedIn!, csrfOf(req, reply), found, new Date(), revealed));
  });

  const act = (name: string, done: InboxNotice, audit: 'ACKNOWLEDGE' | 'ADD_NOTE' | 'ASK_CITIZEN' | 'TRANSFER', run: (req: FastifyRequest, c: InboxCase) => Promise<void>) => {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const found = await inScope(req, (req.params as z.infer<typeof CaseParams>).escalationId);
      const base = `/officer/cases/${encodeURIComponent(found.escalationId)}`;
      try {
        await run(req, found);
      } catch (err) {
        if (!(err instanceof ActionRefusedError)) throw err;
        return reply.redirect(`${base}?done=refused&why=${encodeURIComponent(err.message.slice(0, 300))}`, 303);
      }
      await opts.accounts.audit(req.signedIn!.officer.officerId, audit, found.escalationId);
      req.log.info({ escalationId: found.escalationId, action: name }, 'officer acted');
      return reply.redirect(`${base}?done=${done}`, 303);
    };
  };

  api.post('/officer/cases/:escalationId/acknowledge', { ...write, schema: { params: CaseParams, body: CsrfOnly } }, act('acknowledge', 'acknowledged', 'ACKNOWLEDGE', (req, c) => opts.actions.acknowledge(c.escalationId, req.signedIn!.actor)));
  api.post('/officer/cases/:escalationId/note', { ...write, schema: { params: CaseParams, body: NoteBody } }, act('addNote', 'noted', 'ADD_NOTE', (req, c) => opts.actions.addNote(c.escalationId, req.signedIn!.actor, (req.body as z.infer<typeof NoteBody>).text)));
  api.post('/officer/cases/:escalationId/ask', { ...write, schema: { params: CaseParams, body: AskBody } }, act('askCitizen', 'asked', 'ASK_CITIZEN', (req, c) => opts.actions.askCitizen(c.escalationId, req.signedIn!.actor, (req.body as z.infer<typeof AskBody>).question)));
  api.post('/officer/cases/:escalationId/transfer', { ...write, schema: { params: CaseParams, body: TransferBody } }, act('transfer', 'transferred', 'TRANSFER', (req, c) => {
    const body = req.body as z.infer<typeof TransferBody>;
    return opts.actions.transfer(c.escalationId, req.signedIn!.actor, { departmentCode: body.department, ...(body.district ? { districtCode: body.district } : {}), ...(body.text ? { note: body.text } : {}) });
  }));
}

/**
 * Sends bytes with HTTP range support: browsers fetch the end of an Ogg file to learn a voice note's duration, and
 * seek by ranges.
 */
function sendRange(req: FastifyRequest, reply: FastifyReply, bytes: Buffer, mimeType: string) {
  reply.type(mimeType).header('accept-ranges', 'bytes');
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m || (!m[1] && !m[2])) return reply.send(bytes);
  const start = m[1] ? Number(m[1]) : Math.max(bytes.length - Number(m[2]), 0);
  const end = m[1] && m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
  if (start >= bytes.length || start > end) return reply.code(416).header('content-range', `bytes */${bytes.length}`).send();
  return reply.code(206).header('content-range', `bytes ${start}-${end}/${bytes.length}`).send(bytes.subarray(start, end + 1));
}
