/**
 * The officers' directory: who answers for each level of each department and district, and the WhatsApp number
 * they are told on. Ops load it from CSV (`sampark-atr officers import`); each row is checked with this schema.
 */
import { z } from 'zod';
import { CODE_PATTERN, PhoneSchema } from './closure';
import { OFFICER_ROLES } from './escalation';

const Code = z.string().trim().regex(CODE_PATTERN, 'must be 1-32 letters, digits, - or _');
/** An empty CSV cell means "none". */
const optionalCode = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), Code.nullable().default(null));

/** One officer, as a CSV row or an API body carries it. */
export const OfficerSchema = z
  .object({
    officerId: z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits, ., _, @ or -'),
    name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
    role: z.enum(OFFICER_ROLES, 'must be L1, L2 or L3'),
    departmentCode: optionalCode,
    districtCode: optionalCode,
    whatsappPhone: PhoneSchema,
    active: z.preprocess(
      (v) => (typeof v === 'string' ? { '': true, true: true, yes: true, '1': true, false: false, no: false, '0': false }[v.trim().toLowerCase()] ?? v : v),
      z.boolean('must be true or false').default(true),
    ),
  })
  .superRefine((o, ctx) => {
    // The role fixes the scope: L1 a department in a district, L2 a district, L3 the state.
    const needs = { L1: [true, true], L2: [false, true], L3: [false, false] }[o.role];
    if (needs[0] !== (o.departmentCode !== null)) {
      ctx.addIssue({ code: 'custom', path: ['departmentCode'], message: needs[0] ? `is required for ${o.role}` : `must be empty for ${o.role}` });
    }
    if (needs[1] !== (o.districtCode !== null)) {
      ctx.addIssue({ code: 'custom', path: ['districtCode'], message: needs[1] ? `is required for ${o.role}` : `must be empty for ${o.role}` });
    }
  });
/** An officer of the directory. */
export type Officer = z.output<typeof OfficerSchema>;
