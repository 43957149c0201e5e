/**
 * The portal's routes under /v1, behind the API key: post a closure, read a grievance's status, pass on feedback.
 * Every POST takes an Idempotency-Key (api/idempotency.ts) and reports the unknown members it ignored.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AtrClient } from '../client';
import { ClosureAcceptedSchema, FeedbackAcceptedSchema, GrievanceStatusSchema } from '../contracts/api';
import { ClosureSchema, FeedbackRequestSchema, GrievanceIdSchema } from '../contracts/closure';
import { IdempotencyHeaders } from './idempotency';
import { API_KEY_SECURITY, BODY_ERRORS, json, problems } from './openapi';
import { ignoredFieldsOf, noteIgnoredFields } from './unknown-fields';
import { refuseUnofferedReason, type GrievanceReasons } from './reasons';

/** What the routes need. */
export interface PortalRouteOptions {
  atr: AtrClient;
  requireKey: onRequestAsyncHookHandler;
  /** The reasons each grievance's department offers; a feedback giving another is refused (400, field reason). */
  reasons?: GrievanceReasons;
}

const GrievanceParams = z.object({ grievanceId: GrievanceIdSchema });
const CycleQuery = z.object({ cycle: z.coerce.number().int().min(1).max(99).optional().describe('One closure of the grievance; by default the latest') }).strict();
const POST_ERRORS = [...BODY_ERRORS, 'unauthorized', 'idempotency_key_in_use', 'idempotency_key_reused'] as const;

/** Registers the routes (a plugin). */
export async function portalRoutes(app: FastifyInstance, { atr, requireKey, reasons }: PortalRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const guarded = { onRequest: requireKey };

  const closureDoc = {
    tags: ['closures'],
    summary: 'Posts a closure: starts its ATR workflow',
    description: 'Idempotent by grievance and cycle: the same closure again answers 200 with the same workflow id. A changed closure of the same cycle is refused (409); a new disposal takes the next cycle.',
    security: API_KEY_SECURITY,
    headers: IdempotencyHeaders,
    body: ClosureSchema,
    response: {
      200: json('This very closure was taken before: nothing new started', ClosureAcceptedSchema),
      202: json('Taken: its workflow starts now. GET the status link right away', ClosureAcceptedSchema),
      ...problems(...POST_ERRORS, 'closure_conflict'),
    },
  };
  api.post('/v1/closures', { schema: closureDoc, ...guarded, preValidation: noteIgnoredFields(ClosureSchema) }, async (req, reply) => {
    const { workflowId, duplicate } = await atr.startClosure(req.body);
    // 200: this very closure was taken before (nothing new started); 202: its workflow starts now.
    return reply.code(duplicate ? 200 : 202).send({ workflowId, duplicate, status: `/v1/grievances/${req.body.grievanceId}`, ignoredFields: ignoredFieldsOf(req) });
  });

  const statusDoc = {
    tags: ['grievances'],
    summary: "The latest closure of a grievance: its workflow's state",
    description: 'Found from PostgreSQL, where the closure is recorded before the 202: answers right after the POST.',
    security: API_KEY_SECURITY,
    params: GrievanceParams,
    response: { 200: json('The latest closure', GrievanceStatusSchema), ...problems('validation_failed', 'unauthorized', 'not_found') },
  };
  api.get('/v1/grievances/:grievanceId', { schema: statusDoc, ...guarded }, async (req) => atr.getStatus(req.params.grievanceId));

  const feedbackDoc = {
    tags: ['grievances'],
    summary: 'Passes on feedback from the helpline, the portal or another channel',
    description: 'A repeated messageId is one feedback. Without cycle, the latest closure.',
    security: API_KEY_SECURITY,
    headers: IdempotencyHeaders,
    params: GrievanceParams,
    querystring: CycleQuery,
    body: FeedbackRequestSchema,
    response: { 202: json('Passed to the workflow', FeedbackAcceptedSchema), ...problems(...POST_ERRORS, 'not_found', 'feedback_closed') },
  };
  api.post('/v1/grievances/:grievanceId/feedback', { schema: feedbackDoc, ...guarded, preValidation: noteIgnoredFields(FeedbackRequestSchema) }, async (req, reply) => {
    await refuseUnofferedReason(reasons, req.params.grievanceId, req.query.cycle, req.body.reason);
    const accepted = await atr.submitFeedback(req.params.grievanceId, req.body, req.query.cycle);
    return reply.code(202).send({ ...accepted, ignoredFields: ignoredFieldsOf(req) });
  });
}
