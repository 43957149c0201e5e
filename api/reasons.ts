/**
 * The reasons a grievance's feedback may give: its closure's department's own list (config/policy.ts reasonsOffered,
 * misconduct always). The portal's feedback route refuses any other, as the link page and the WhatsApp list do.
 */
import type { FeedbackReason } from '../contracts/closure';
import { reasonsOffered } from '../config/policy';
import type { ClosureRepository } from '../db/repositories/closures';
import { ValidationError } from '../client';

/** The reasons of a grievance's closure (`cycle`, or its latest); undefined when we never recorded it. */
export type GrievanceReasons = (grievanceId: string, cycle?: number) => Promise<readonly FeedbackReason[] | undefined>;

/** Looks the reasons up in PostgreSQL. */
export function grievanceReasons(store: Pick<ClosureRepository, 'closureOfGrievance' | 'getDepartmentPolicy'>): GrievanceReasons {
  return async (grievanceId, cycle) => {
    const closure = await store.closureOfGrievance(grievanceId, cycle);
    return closure ? reasonsOffered(await store.getDepartmentPolicy(closure.department.code), closure.feedbackPolicy) : undefined;
  };
}

/** A reason the grievance's department does not offer is bad input, named like any other field. */
export async function refuseUnofferedReason(reasons: GrievanceReasons | undefined, grievanceId: string, cycle: number | undefined, reason: FeedbackReason | undefined): Promise<void> {
  const offered = reason && reasons ? await reasons(grievanceId, cycle) : undefined;
  if (offered && !offered.includes(reason!)) {
    throw new ValidationError([{ field: 'reason', message: `is not one of this department's reasons (${offered.join(', ')})` }]);
  }
}
