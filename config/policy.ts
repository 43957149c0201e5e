/**
 * The state-wide default feedback policy from the environment (reminders, window, quiet hours, grace, details
 * wait), checked with the same schema as a department's or a closure's override.
 */
import { z } from 'zod';
import { FeedbackPolicyOverrideSchema, HH_MM, offeredReasons, type FeedbackPolicyOverride, type FeedbackReason } from '../contracts/closure';
import type { FeedbackPolicy } from '../contracts/workflow';

/** The state-wide default feedback policy; departments and closures may override it. */
export const PolicyEnvSchema = z.object({
  REMINDER_OFFSETS_HOURS: z
    .string()
    .default('24,72')
    // "none" switches reminders off (an empty variable means "unset", like every other variable here).
    .transform((s) => (s.trim() === 'none' ? [] : s.split(',').map((v) => Number(v.trim())))),
  FEEDBACK_WINDOW_HOURS: z.coerce.number().default(168),
  QUIET_HOURS: z
    .string()
    .default('21:00-09:00')
    .refine((s) => s === 'off' || s.split('-').every((t) => HH_MM.test(t)) && s.split('-').length === 2, "must be HH:MM-HH:MM (IST) or 'off'")
    .transform((s) => (s === 'off' ? null : { start: s.split('-')[0]!, end: s.split('-')[1]! })),
  LATE_FEEDBACK_GRACE_HOURS: z.coerce.number().default(168),
  DETAILS_WAIT_MINUTES: z.coerce.number().default(30),
  DELIVERY_DEADLINE_HOURS: z.coerce.number().default(24),
});

const POLICY_VARS: Record<Exclude<keyof FeedbackPolicy, 'reasons' | 'escalationSlaHours'>, string> = {
  reminderOffsetsHours: 'REMINDER_OFFSETS_HOURS',
  feedbackWindowHours: 'FEEDBACK_WINDOW_HOURS',
  quietHours: 'QUIET_HOURS',
  lateFeedbackGraceHours: 'LATE_FEEDBACK_GRACE_HOURS',
  detailsWaitMinutes: 'DETAILS_WAIT_MINUTES',
  deliveryDeadlineHours: 'DELIVERY_DEADLINE_HOURS',
};

export function parsePolicy(env: Record<string, string>): { policy?: FeedbackPolicy; problems: string[] } {
  const raw = PolicyEnvSchema.safeParse(env);
  if (!raw.success) return { problems: raw.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = raw.data;
  const checked = FeedbackPolicyOverrideSchema.omit({ reasons: true, escalationSlaHours: true }).required().safeParse({
    reminderOffsetsHours: e.REMINDER_OFFSETS_HOURS,
    feedbackWindowHours: e.FEEDBACK_WINDOW_HOURS,
    quietHours: e.QUIET_HOURS,
    lateFeedbackGraceHours: e.LATE_FEEDBACK_GRACE_HOURS,
    detailsWaitMinutes: e.DETAILS_WAIT_MINUTES,
    deliveryDeadlineHours: e.DELIVERY_DEADLINE_HOURS,
  });
  if (!checked.success) {
    return { problems: checked.error.issues.map((i) => `${POLICY_VARS[i.path[0] as keyof typeof POLICY_VARS] ?? i.path.join('.')}: ${i.message}`) };
  }
  const policy = checked.data as FeedbackPolicy;
  if (policy.reminderOffsetsHours.some((h) => h >= policy.feedbackWindowHours)) {
    return { problems: ['REMINDER_OFFSETS_HOURS: every reminder must fall inside FEEDBACK_WINDOW_HOURS'] };
  }
  return { policy, problems: [] };
}

/**
 * A closure's effective feedback policy: the state-wide defaults, then its department's row (stored data,
 * so checked here; an invalid row is ignored and reported), then the closure's own `feedbackPolicy`.
 */
export function effectivePolicy(
  defaults: FeedbackPolicy,
  departmentRow: unknown,
  closurePolicy: FeedbackPolicyOverride | undefined,
): { policy: FeedbackPolicy; departmentValid: boolean } {
  const department = FeedbackPolicyOverrideSchema.safeParse(departmentRow ?? {});
  const fromDepartment = department.success ? department.data : {};
  // Per level: a closure's drill SLA for one level keeps the department's SLA for the others.
  const escalationSlaHours = { ...defaults.escalationSlaHours, ...fromDepartment.escalationSlaHours, ...closurePolicy?.escalationSlaHours };
  return {
    policy: { ...defaults, ...fromDepartment, ...closurePolicy, ...(Object.keys(escalationSlaHours).length ? { escalationSlaHours } : {}) },
    departmentValid: department.success,
  };
}

/**
 * The reasons a closure offers: the closure's own list, else its department's (stored data, so checked here; an
 * invalid row offers them all), MISCONDUCT always.
 */
export function reasonsOffered(departmentRow: unknown, closurePolicy: FeedbackPolicyOverride | undefined): FeedbackReason[] {
  const department = FeedbackPolicyOverrideSchema.safeParse(departmentRow ?? {});
  return offeredReasons(closurePolicy?.reasons ?? (department.success ? department.data.reasons : undefined));
}
