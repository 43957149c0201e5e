/**
 * The closure and feedback payloads, as the portal sends them. One zod schema gives the
 * runtime validation (client and HTTP API), the field-level errors and the TypeScript types.
 * Node-free: the workflow bundle imports these types (type-only) and the constants.
 */
import { z } from 'zod';

/** Languages an ATR and its messages can lead with. */
export const LANGUAGES = ['hi', 'en'] as const;
/** A citizen's preferred language. */
export type Language = (typeof LANGUAGES)[number];

/**
 * Reasons a citizen can give for "not satisfied" (the WhatsApp list offers these, at most 10; their words are in
 * messaging/wording). NO_ACTION: disposed of without any action; WRONG_JURISDICTION: sent to the wrong department or
 * area; MISCONDUCT: an officer asked for money or behaved badly (goes straight to the state level, for vigilance).
 */
export const FEEDBACK_REASONS = [
  'NOT_RESOLVED',
  'PARTIALLY_RESOLVED',
  'NO_ACTION',
  'NO_CONTACT',
  'WRONG_REPORT',
  'WRONG_JURISDICTION',
  'DELAY',
  'MISCONDUCT',
  'OTHER',
] as const;
/** A reason code for "not satisfied". */
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

/**
 * The reasons one closure offers (WhatsApp list, link page, API), in FEEDBACK_REASONS order: its department's
 * configured list (the `reasons` of its policy), or all of them; MISCONDUCT always, so a citizen can always
 * report a bribe or misbehaviour.
 */
export function offeredReasons(configured?: readonly FeedbackReason[]): FeedbackReason[] {
  return FEEDBACK_REASONS.filter((r) => !configured || configured.includes(r) || r === 'MISCONDUCT');
}

/** A reason that says nothing by itself: the citizen's comment is the reason. */
export function reasonNeedsComment(reason?: FeedbackReason): boolean {
  return reason === 'OTHER';
}

/** The citizen's verdict on the action taken. */
export const RATINGS = ['SATISFIED', 'NOT_SATISFIED'] as const;
/** A rating. */
export type Rating = (typeof RATINGS)[number];

/** Where feedback came from: WhatsApp, the 181 helpline, the SMS fallback page, or the portal. */
export const FEEDBACK_CHANNELS = ['whatsapp', 'helpline', 'sms-link', 'portal'] as const;
/** A feedback channel. */
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

/** Ids become part of workflow ids, URLs and search attributes: keep them to a safe alphabet. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Department and district codes: search attribute values and query literals, so a safe alphabet. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** Control characters other than tab and newlines make a PDF or a WhatsApp message unreadable. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Characters that hide or reorder text: bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) make a PDF, a message or an ops screen show something other than what was stored (an
 * officer's name rendered backwards, a phone number reordered); U+200B, U+2060 and U+FEFF are invisible and
 * make two equal-looking names differ. None has a use in a name or a report.
 */
const HIDDEN_OR_REORDERING = /[\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/u;
/**
 * ZWNJ and ZWJ (U+200C, U+200D) are part of written Hindi: after a Devanagari letter or virama they choose a
 * half form or prevent a conjunct (ka, virama, ZWJ, ssa); a ZWJ also joins emoji in a citizen's comment.
 * Anywhere else (at the start, after a space or a Latin letter, doubled) they only hide something: refused.
 */
const STRAY_JOINER = /(?<![\p{Script=Devanagari}])\u200C|(?<![\p{Script=Devanagari}\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200D/u;

/** The first character a name or text must not hold, as U+XXXX, if any. */
function hiddenCharacter(s: string): string | undefined {
  const c = (HIDDEN_OR_REORDERING.exec(s) ?? STRAY_JOINER.exec(s))?.[0];
  return c && `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters')
    .refine((s) => !hiddenCharacter(s), {
      error: (issue) => `must not contain ${hiddenCharacter(String(issue.input))} (an invisible or text-direction control character)`,
    });

/** Grievance ids as the portal issues them (digits, letters, - and _). */
export const GrievanceIdSchema = z
  .string()
  .trim()
  .regex(ID_PATTERN, 'must be 1-64 letters, digits, - or _, starting with a letter or digit');

/**
 * Normalises an Indian mobile number to E.164. The portal stores 10-digit mobiles; WhatsApp needs
 * the country code with a leading + (without it Meta prepends the business number's own code).
 */
export function normalizePhone(raw: string): string {
  const compact = raw.replace(/[\s()-]/g, '');
  if (/^[6-9]\d{9}$/.test(compact)) return `+91${compact}`;
  if (/^0[6-9]\d{9}$/.test(compact)) return `+91${compact.slice(1)}`;
  if (/^91[6-9]\d{9}$/.test(compact)) return `+${compact}`;
  return compact;
}

/** A mobile number, normalised to E.164 (+91 for a bare Indian number). */
export const PhoneSchema = z
  .string()
  .transform(normalizePhone)
  .pipe(z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be a mobile number: 10 digits, or E.164 such as +919876543210'));

/** A custom message for a field, keeping "is required" when the field is missing altogether. */
const says = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message) });

const IsoDateTime = z.iso.datetime({ offset: true, ...says('must be an ISO 8601 date-time, e.g. 2026-11-28T10:30:00+05:30') });

/**
 * How far ahead of our clock a past event's date may be: synchronised clocks differ by seconds, an unsynchronised
 * server by a minute or two. Beyond that the date is a mistake (a wrong year, or India's local time sent as UTC,
 * 5 h 30 min ahead), and an ATR must not say a grievance was disposed of tomorrow.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** A date-time of something that has happened: not after now, give or take MAX_CLOCK_SKEW_MS. */
const PastDateTime = IsoDateTime.refine((s) => !(Date.parse(s) > Date.now() + MAX_CLOCK_SKEW_MS), 'must not be in the future (more than 5 minutes ahead of our clock)');

/** Unknown members are ignored (not personal data, see the unknown-field policy in README). */
const NamedCode = z.object({
  code: z.string().trim().regex(CODE_PATTERN, 'must be 1-32 letters, digits, - or _'),
  nameEn: text(200),
  nameHi: text(200).optional(),
});

/** A wall-clock time, HH:MM on the 24-hour clock (quiet hours, in IST). */
export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const slaHours = z.number().min(1 / 60, 'must be at least 1 minute (0.0167 hours)').max(24 * 60, 'must be at most 1440 hours');

/** Per-closure overrides of the feedback policy; unset fields fall back to the department, then the defaults. */
export const FeedbackPolicyOverrideSchema = z
  .object({
    reminderOffsetsHours: z
      .array(z.number().positive('must be more than 0').max(24 * 30, 'must be at most 720 hours'))
      .max(5, 'at most 5 reminders')
      .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), 'must be in increasing order'),
    // Minutes-long windows are for drills and tests; the state default is seven days.
    feedbackWindowHours: z.number().min(1 / 60, 'must be at least 1 minute (0.0167 hours)').max(24 * 30, 'must be at most 720 hours'),
    quietHours: z
      .object({
        start: z.string().regex(HH_MM, 'must be HH:MM (24 h, IST)'),
        end: z.string().regex(HH_MM, 'must be HH:MM (24 h, IST)'),
      })
      .nullable(),
    lateFeedbackGraceHours: z.number().min(0).max(24 * 90, 'must be at most 2160 hours'),
    detailsWaitMinutes: z.number().min(0).max(24 * 60, 'must be at most 1440 minutes'),
    // Minutes for drills; a day by default: Meta's receipts usually come in seconds, a phone may be off overnight.
    deliveryDeadlineHours: z.number().min(1 / 60, 'must be at least 1 minute (0.0167 hours)').max(24 * 30, 'must be at most 720 hours'),
    // A department's own list of reasons for "not satisfied" (see offeredReasons: MISCONDUCT is always offered).
    reasons: z
      .array(z.enum(FEEDBACK_REASONS, says(`must be one of ${FEEDBACK_REASONS.join(', ')}`)))
      .min(1, 'must list at least one reason')
      .refine((a) => new Set(a).size === a.length, 'must not repeat a reason'),
    // Per escalation level (1 department, 2 district, 3 state); minutes-long SLAs are for drills and the demo.
    escalationSlaHours: z
      .object({ 1: slaHours, 2: slaHours, 3: slaHours })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/**
 * A closure (disposal) of a grievance, as posted by the portal: everything the ATR shows. Unknown-field policy (so
 * the portal can add fields before we use them): unknown members at the top level, in department, district and
 * attachments are stripped (ignored, reported by name: unknownFields below). Unknown members of citizen and officer
 * are refused: they hold personal data, and a new member there (a second phone, an email) is most likely something
 * the portal expects us to act on, which must not be dropped unseen. feedbackPolicy is refused too: a misspelt
 * override would silently fall back to the default.
 */
export const ClosureSchema = z
  .object({
    grievanceId: GrievanceIdSchema,
    cycle: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(99).default(1),
    atrNumber: z.string().trim().regex(/^[A-Za-z0-9/_-]{1,40}$/, 'must be 1-40 letters, digits, /, - or _').optional(),
    registeredAt: PastDateTime,
    disposedAt: PastDateTime,
    department: NamedCode,
    district: NamedCode,
    officer: z.object({ name: text(120), designation: text(120) }).strict(),
    citizen: z
      .object({
        name: text(120),
        phone: PhoneSchema,
        language: z.enum(LANGUAGES, says("must be 'hi' or 'en'")).default('hi'),
      })
      .strict(),
    subject: text(500),
    actionTaken: text(20_000),
    attachments: z
      .array(z.object({ name: text(200), url: z.url({ protocol: /^https?$/ }).optional() }))
      .max(20, 'at most 20 attachments')
      .default([]),
    feedbackPolicy: FeedbackPolicyOverrideSchema.optional(),
  })
  // Only compares two valid dates; an invalid one already has its own error.
  .refine((c) => !(Date.parse(c.disposedAt) < Date.parse(c.registeredAt)), {
    path: ['disposedAt'],
    message: 'must not be before registeredAt',
  });

/** A closure before validation fills in defaults (what a caller may send). */
export type ClosureRequest = z.input<typeof ClosureSchema>;
/** A validated closure: the workflow's input. */
export type Closure = z.output<typeof ClosureSchema>;
/** Policy overrides on one closure. */
export type FeedbackPolicyOverride = z.output<typeof FeedbackPolicyOverrideSchema>;

/**
 * What every feedback (helpline, portal, link page) must say consistently: a reason belongs to "not satisfied"
 * only, and "Other reason" says nothing without the comment that gives it. The issues name their field.
 */
function feedbackRules(f: { rating: Rating; reason?: FeedbackReason; comment?: string }, ctx: z.RefinementCtx): void {
  if (f.rating === 'SATISFIED' && f.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: "must be empty when rating is 'SATISFIED'" });
  if (reasonNeedsComment(f.reason) && !f.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: "is required when reason is 'OTHER'" });
}

const FeedbackFields = z
  .object({
    rating: z.enum(RATINGS, says("must be 'SATISFIED' or 'NOT_SATISFIED'")),
    reason: z.enum(FEEDBACK_REASONS, says(`must be one of ${FEEDBACK_REASONS.join(', ')}`)).optional(),
    comment: text(2000).optional(),
    channel: z.enum(FEEDBACK_CHANNELS).default('helpline'),
    /** The caller's idempotency key: the same messageId twice is one feedback. */
    messageId: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 letters, digits, ., _, : or -').optional(),
    receivedAt: PastDateTime.optional(),
  });

/** Feedback from any channel other than a WhatsApp webhook (helpline, portal, SMS link page). Unknown members are ignored. */
export const FeedbackRequestSchema = FeedbackFields.superRefine(feedbackRules);

/**
 * The link page's form: the same fields and rules, and "not satisfied" needs its reason there (on WhatsApp the list
 * asks for it afterwards; on the page it is on the form).
 */
export const LinkFeedbackSchema = FeedbackFields.pick({ rating: true, reason: true, comment: true }).superRefine((f, ctx) => {
  feedbackRules(f, ctx);
  if (f.rating === 'NOT_SATISFIED' && !f.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: "is required when rating is 'NOT_SATISFIED'" });
});

/** Feedback as a caller may send it. */
export type FeedbackRequest = z.input<typeof FeedbackRequestSchema>;

/** One invalid field: a dotted path and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Turns zod issues into field errors with dotted paths ("citizen.phone"). */
export function toFieldErrors(error: { issues: readonly { path: readonly PropertyKey[]; code: string; message: string }[] }): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    // zod's own wording for a missing field is "expected string, received undefined".
    message: issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message,
  }));
}

/** A zod schema's definition, as far as unknownFields walks it. */
type Walked = { _zod: { def: { type: string; shape?: Record<string, Walked>; catchall?: Walked; innerType?: Walked; in?: Walked; element?: Walked } } };

/**
 * The members of `input` that `schema` ignores: unknown keys of objects that strip them (strict objects refuse them
 * instead, with a field error), as dotted paths. For telling the caller what we did not use; never their values.
 */
export function unknownFields(schema: unknown, input: unknown, at: string[] = []): string[] {
  const def = (schema as Walked)._zod.def;
  const inner = def.innerType ?? def.in;
  if (inner) return unknownFields(inner, input, at);
  if (def.type === 'array' && def.element && Array.isArray(input)) return input.flatMap((item, i) => unknownFields(def.element, item, [...at, String(i)]));
  if (def.type !== 'object' || !def.shape || input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const { shape } = def;
  return Object.entries(input).flatMap(([key, value]) => {
    if (Object.hasOwn(shape, key)) return unknownFields(shape[key], value, [...at, key]);
    return def.catchall ? [] : [[...at, key].join('.')];
  });
}
