/**
 * What an officer sends to act on an escalation (the HTTP API's bodies, the inbox's forms, the client's input),
 * checked here once. The officer's words (note, question) stay in PostgreSQL; Temporal carries only their ids.
 * Bodies follow the API's unknown-field policy: unknown members are ignored (and reported), not refused; the
 * list filter is strict, as a mistyped filter must not quietly widen the list.
 */
import { z } from 'zod';
import { CODE_PATTERN } from './closure';
import { ESCALATION_STATUSES, OFFICER_ROLES } from './escalation';

const Code = z.string().trim().regex(CODE_PATTERN, 'must be 1-32 letters, digits, - or _');
const words = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Who acts: the inbox takes it from the officer's session, the portal from its own login. */
export const EscalationActorSchema = z
  .object({
    officerId: z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits, ., _, @ or -'),
    role: z.enum(OFFICER_ROLES, 'must be L1, L2 or L3'),
    departmentCode: Code.nullable().default(null),
    districtCode: Code.nullable().default(null),
  });

/** Acknowledge: the officer has seen the case. */
export const AcknowledgeRequestSchema = z.object({ actor: EscalationActorSchema });
/** A note on the case. */
export const NoteRequestSchema = z.object({ actor: EscalationActorSchema, note: words(2000) });
/** A question to the citizen, sent by WhatsApp; short, as it goes inside a template. */
export const QuestionRequestSchema = z.object({ actor: EscalationActorSchema, question: words(500) });
/** Wrong jurisdiction: move the case to another department (and district); a note says why. */
export const TransferRequestSchema = z
  .object({ actor: EscalationActorSchema, toDepartmentCode: Code, toDistrictCode: Code.optional(), note: words(2000).optional() });

/** The inbox's and CLI's list filters, as query strings carry them. */
export const EscalationFilterSchema = z
  .object({
    level: z.coerce.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3').optional(),
    status: z.enum(ESCALATION_STATUSES).optional(),
    // Read as an instant and passed on in UTC: an offset PostgreSQL does not take (beyond ±15:59) is not a 500.
    slaDueBefore: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time', abort: true })
      .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 date-time')
      .transform((s) => new Date(s).toISOString())
      .optional(),
    departmentCode: Code.optional(),
    districtCode: Code.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

/** The actor as a caller may send it. */
export type EscalationActorInput = z.input<typeof EscalationActorSchema>;
/** A note request. */
export type NoteRequest = z.output<typeof NoteRequestSchema>;
/** A question request. */
export type QuestionRequest = z.output<typeof QuestionRequestSchema>;
/** A transfer request. */
export type TransferRequest = z.output<typeof TransferRequestSchema>;
