/** The shapes a run of the ATR workflow keeps: feedback waiting to be handled, its window, and what a run hands on. */
import type { AtrState, FeedbackDetailsSignal, FeedbackSignal } from '../../contracts/workflow';

/** A feedback not yet handled, with the moment it arrived (which decides whether it came late). */
export interface ArrivedFeedback {
  feedback: FeedbackSignal;
  arrivedAt: number;
}

/** The feedback window, in epoch ms: from delivery to its end, then open for late feedback until closesAt. */
export interface FeedbackWindow {
  opensAt: number;
  endsAt: number;
  closesAt: number;
}

/** A reminder as the state lists it. */
export type Reminder = AtrState['reminders'][number];

/** What a run hands to the run that continues it (continue-as-new during a long hold; see delivery.ts). */
export interface CarriedRun {
  state: AtrState;
  seenMessageIds: string[];
  pendingFeedback: ArrivedFeedback[];
  pendingDetails: FeedbackDetailsSignal[];
  firstAttemptAt?: number;
  window?: FeedbackWindow;
  atrFailedOnOurSide: boolean;
  smsFailure?: string;
}
