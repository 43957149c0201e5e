/**
 * The portal's routes for escalations under /v1, behind the API key: read the list and a case, and act on a case for
 * an officer the portal has signed in (the actor in the body). Each hands over to EscalationClient, which checks the
 * actor's level and scope against the read model; the ladder workflow's update validators have the last word. The
 * officers' own pages (/officer) are their main interface; these keep a portal-side inbox in step.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EscalationClient } from '../client/escalations';
import { EscalationActionResultSchema, EscalationCaseSchema, EscalationListSchema } from '../contracts/api';
import { AcknowledgeRequestSchema, EscalationFilterSchema, NoteRequestSchema, QuestionRequestSchema, TransferRequestSchema } from '../contracts/escalation-actions';
import { IdempotencyHeaders } from './idempotency';
import { API_KEY_SECURITY, BODY_ERRORS, audio, json, problems } from './openapi';
import { HttpProblem } from './problems';
import { ignoredFieldsOf, noteIgnoredFields } from './unknown-fields';

/** What the routes need. */
export interface EscalationRouteOptions {
  escalations: EscalationClient;
  /** The citizens' voice notes, kept when they arrived (Meta's media ids expire after about 7 days). */
  voiceNotes: { getVoiceNote(key: { workflowId: string; mediaId: string }): Promise<{ audio: Uint8Array; mimeType: string } | undefined> };
  requireKey: onRequestAsyncHookHandler;
}

const Params = z.object({ escalationId: z.string().regex(/^esc-[A-Za-z0-9_-]{1,120}$/, 'must be an escalation id (esc-...)') });
const ACTION_ERRORS = [...BODY_ERRORS, 'unauthorized', 'not_found', 'action_refused', 'idempotency_key_in_use', 'idempotency_key_reused'] as const;

/** The four actions, each a validated update on the escalation's workflow. */
const ACTIONS = [
  { path: 'acknowledge', body: AcknowledgeRequestSchema, created: false, summary: 'Acknowledges the case: the officer has seen it (the SLA clock keeps running)', run: 'acknowledge' },
  { path: 'notes', body: NoteRequestSchema, created: true, summary: 'Adds a note to the case (kept in PostgreSQL; the workflow records its id)', run: 'addNote' },
  { path: 'questions', body: QuestionRequestSchema, created: true, summary: 'Asks the citizen a question on WhatsApp; the answer appears in the case', run: 'askCitizen' },
  { path: 'transfer', body: TransferRequestSchema, created: false, summary: 'Transfers the case to another department (and district); the SLA restarts at the same level', run: 'transfer' },
] as const;

/** Registers the routes (a plugin). */
export async function escalationRoutes(app: FastifyInstance, { escalations, voiceNotes, requireKey }: EscalationRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const guarded = { onRequest: requireKey };
  const read = { tags: ['escalations'], security: API_KEY_SECURITY };

  const listDoc = { ...read, summary: 'Lists escalations, most urgent SLA first', querystring: EscalationFilterSchema, response: { 200: json('The escalations that match', EscalationListSchema), ...problems('validation_failed', 'unauthorized') } };
  api.get('/v1/escalations', { schema: listDoc, ...guarded }, async (req) => ({ escalations: await escalations.list(null, req.query) }));

  const caseDoc = { ...read, summary: 'One case: the citizen\'s reason and comment, its history and questions', params: Params, response: { 200: json('The case', EscalationCaseSchema), ...problems('validation_failed', 'unauthorized', 'not_found') } };
  api.get('/v1/escalations/:escalationId', { schema: caseDoc, ...guarded }, async (req) => escalations.getCase(req.params.escalationId, null));

  const voiceDoc = {
    ...read,
    summary: "The citizen's voice note on the case, as they sent it",
    description: 'Kept from the moment it arrived, so it plays after Meta has expired its media id. 404 when the case has none.',
    params: Params,
    response: { 200: audio('The audio'), ...problems('validation_failed', 'unauthorized', 'not_found') },
  };
  api.get('/v1/escalations/:escalationId/voice', { schema: voiceDoc, ...guarded }, async (req, reply) => {
    const found = await escalations.getCase(req.params.escalationId, null);
    const note = found.voiceMediaId ? await voiceNotes.getVoiceNote({ workflowId: found.atrWorkflowId, mediaId: found.voiceMediaId }) : undefined;
    if (!note) throw new HttpProblem(404, 'not_found', `escalation ${found.escalationId} has no voice note kept`);
    return reply.type(note.mimeType).header('cache-control', 'private, no-store').send(Buffer.from(note.audio));
  });

  for (const action of ACTIONS) {
    const status = action.created ? 201 : 200;
    const doc = { ...read, summary: action.summary, headers: IdempotencyHeaders, params: Params, body: action.body, response: { [status]: json("The escalation's state after the action", EscalationActionResultSchema), ...problems(...ACTION_ERRORS) } };
    api.post(`/v1/escalations/:escalationId/${action.path}`, { schema: doc, ...guarded, preValidation: noteIgnoredFields(action.body) }, async (req, reply) =>
      reply.code(status).send({ ...(await escalations[action.run](req.params.escalationId, req.body)), ignoredFields: ignoredFieldsOf(req) }),
    );
  }
}
