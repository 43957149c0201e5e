/**
 * The HTTP API's own shapes, for portal backends in any language: the answers to a closure and to feedback, a
 * grievance's status, and the one error shape of every 4xx and 5xx (RFC 9457 problem details). The OpenAPI
 * document (/openapi.json) is generated from these schemas, so what is documented is what is validated and sent.
 */
import { z } from 'zod';
import {
  ESCALATION_ACTIONS,
  ESCALATION_STATUSES,
  type EscalationCase,
  type EscalationState,
  type EscalationSummary,
} from './escalation';

/** The API's path prefix. Additive changes stay under it; a breaking change gets /v2 (README: API versioning). */
export const API_VERSION_PREFIX = '/v1';

/** Stable machine codes in a problem's `error` member: the portal branches on these, never on `detail`. */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'body_too_large',
  'unsupported_media_type',
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'feedback_closed',
  'closure_conflict',
  'idempotency_key_in_use',
  'idempotency_key_reused',
  'action_refused',
  'rate_limited',
  'internal_error',
] as const;
/** A problem's machine code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem's `type`: a tag URI (RFC 4151) per code, stable and never fetched; `error` carries the same code. */
export const problemType = (code: ErrorCode) => `tag:sampark-atr,2026:problem:${code}`;

/** One invalid field: a dotted path ("citizen.phone", "attachments.0.url", or a header's name) and what is wrong. */
export const FieldErrorSchema = z.object({
  field: z.string().describe('Dotted path of the field ("citizen.phone"), "(body)" for the body as a whole, or a header name'),
  message: z.string().describe('What is wrong, in English; never echoes the value (it may be personal data)'),
});

/** RFC 9457 problem details with this API's extension members. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI naming the problem type: tag:sampark-atr,2026:problem:<error>'),
    title: z.string().describe('Short summary of the problem type; the same for every occurrence of it'),
    status: z.number().int().min(400).max(599).describe('The HTTP status code, repeated for convenience'),
    detail: z.string().describe('This occurrence, in English. A 5xx hides its cause: the requestId finds it in our logs'),
    instance: z.string().optional().describe('The path of the request'),
    error: z.enum(ERROR_CODES).describe('Stable machine code: branch on this'),
    requestId: z.string().describe('Identifies the request in our logs; quote it when reporting a problem'),
    fields: z.array(FieldErrorSchema).optional().describe('validation_failed, malformed_json, closure_conflict, idempotency_key_reused: each field at fault'),
    workflowId: z.string().optional().describe('closure_conflict: the workflow of the closure first posted'),
    limitBytes: z.number().int().optional().describe('body_too_large: the largest body this route takes, in bytes'),
    retryAfterSeconds: z.number().int().optional().describe('rate_limited: when to try again (also the retry-after header)'),
  })
  .meta({
    id: 'Problem',
    title: 'Problem details (RFC 9457)',
    examples: [
      {
        type: 'tag:sampark-atr,2026:problem:validation_failed',
        title: 'The request has invalid fields',
        status: 400,
        detail: 'the request has invalid fields (body)',
        instance: '/v1/closures',
        error: 'validation_failed',
        requestId: 'req-1f',
        fields: [
          { field: 'citizen.phone', message: 'must be a mobile number: 10 digits, or E.164 such as +919876543210' },
          { field: 'disposedAt', message: 'must not be in the future (more than 5 minutes ahead of our clock)' },
        ],
      },
      {
        type: 'tag:sampark-atr,2026:problem:malformed_json',
        title: 'The body is not valid JSON',
        status: 400,
        detail: 'the body is not valid JSON: ValueExpected at line 3, column 12 (offset 41)',
        instance: '/v1/closures',
        error: 'malformed_json',
        requestId: 'req-2a',
        fields: [{ field: '(body)', message: 'is not valid JSON: ValueExpected at line 3, column 12 (offset 41)' }],
      },
    ],
  });
/** A problem as sent. */
export type Problem = z.infer<typeof ProblemSchema>;

/** Unknown members that were accepted and ignored (names only, dotted), so the portal sees what we did not use. */
const IgnoredFields = z
  .array(z.string())
  .describe('Unknown members of the request that were ignored (dotted paths; see the unknown-field policy). Empty when there were none');

/** 202 (started) or 200 (this very closure was taken before) to POST /v1/closures. */
export const ClosureAcceptedSchema = z
  .object({
    workflowId: z.string().describe('The closure\'s ATR workflow: atr-<grievanceId>-c<cycle>'),
    duplicate: z.boolean().describe('true: this grievance and cycle were posted before with the same content; nothing new started'),
    status: z.string().describe('Where to read the grievance\'s status'),
    ignoredFields: IgnoredFields,
  })
  .meta({ id: 'ClosureAccepted' });

/** 202 to POST /v1/grievances/{grievanceId}/feedback. */
export const FeedbackAcceptedSchema = z
  .object({
    workflowId: z.string(),
    messageId: z.string().describe('The feedback\'s id: the one sent, or one made up; a repeat of it is one feedback'),
    ignoredFields: IgnoredFields,
  })
  .meta({ id: 'FeedbackAccepted' });

/** GET /v1/grievances/{grievanceId}: the latest closure of a grievance. */
export const GrievanceStatusSchema = z
  .object({
    grievanceId: z.string(),
    cycle: z.number().int(),
    workflowId: z.string(),
    execution: z.string().describe("Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ..."),
    state: z.record(z.string(), z.unknown()).optional().describe("The workflow's live state (stage, delivery, reminders, feedback, escalation), when a worker answers"),
    result: z.record(z.string(), z.unknown()).optional().describe('How the closure ended, once it has'),
    summary: z
      .object({
        deliveryStatus: z.string().optional(),
        feedbackOutcome: z.string().optional(),
        outcome: z.string().optional(),
        escalationLevel: z.number().optional(),
      })
      .describe("From the workflow's search attributes: answers even when no worker does"),
  })
  .meta({ id: 'GrievanceStatus' });

/** The header that makes a POST safe to repeat, and the one that marks a replayed answer. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/*
 * Escalations, as the portal reads them and acts on them for an officer it has signed in. Each schema is checked
 * against its type in contracts/escalation.ts (`satisfies`), so the document cannot drift from what is sent.
 */
const Level = z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('1 department, 2 district, 3 state');
const Instant = z.string().describe('ISO 8601 date-time');

/** One escalation in a list. */
export const EscalationSummarySchema = z
  .object({
    escalationId: z.string(),
    escalationWorkflowId: z.string().nullable().describe('Its ladder workflow, esc-<grievanceId>-c<cycle>'),
    atrWorkflowId: z.string(),
    grievanceId: z.string(),
    cycle: z.number().int(),
    level: Level,
    status: z.enum(ESCALATION_STATUSES),
    departmentCode: z.string(),
    districtCode: z.string(),
    vigilance: z.boolean().describe('Misconduct: raised straight to the state and marked for vigilance'),
    reason: z.string().nullable(),
    slaDueAt: Instant.nullable().describe("When the current level's SLA passes"),
    raisedAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'EscalationSummary' }) satisfies z.ZodType<EscalationSummary>;

/** GET /v1/escalations. */
export const EscalationListSchema = z.object({ escalations: z.array(EscalationSummarySchema).describe('Most urgent SLA first') }).meta({ id: 'EscalationList' });

/** GET /v1/escalations/{escalationId}: the case with its history and questions. */
export const EscalationCaseSchema = EscalationSummarySchema.extend({
  comment: z.string().nullable().describe("The citizen's comment (personal data: the portal's own to keep)"),
  voiceMediaId: z.string().nullable(),
  raisedLevel: Level,
  acknowledgedAt: Instant.nullable(),
  resolvedAt: Instant.nullable(),
  breachedAt: Instant.nullable(),
  resolvedByWorkflowId: z.string().nullable(),
  history: z.array(
    z.object({
      action: z.enum(ESCALATION_ACTIONS),
      level: Level,
      officerId: z.string().nullable(),
      note: z.string().nullable(),
      at: Instant,
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  questions: z.array(
    z.object({ questionId: z.string(), officerId: z.string(), question: z.string(), askedAt: Instant, answer: z.string().nullable(), answeredAt: Instant.nullable() }),
  ),
}).meta({ id: 'EscalationCase' }) satisfies z.ZodType<EscalationCase>;

/** The ladder's live state after an action. */
const EscalationStateSchema = z.object({
  escalationId: z.string(),
  grievanceId: z.string(),
  cycle: z.number().int(),
  departmentCode: z.string(),
  districtCode: z.string(),
  level: Level,
  status: z.enum(ESCALATION_STATUSES),
  vigilance: z.boolean(),
  slaDueAt: Instant,
  slaReminderAt: Instant,
  history: z.array(z.object({ action: z.enum(ESCALATION_ACTIONS), at: Instant, level: Level, officerId: z.string().optional() })),
  resolvedBy: z.string().optional(),
}) satisfies z.ZodType<EscalationState>;

/** 200/201 to an escalation action: its live state after it (and the note's or question's id). */
export const EscalationActionResultSchema = z
  .object({
    escalationId: z.string(),
    state: EscalationStateSchema,
    noteId: z.string().optional().describe('For a note'),
    questionId: z.string().optional().describe('For a question'),
    ignoredFields: IgnoredFields,
  })
  .meta({ id: 'EscalationActionResult' });
