/**
 * The portal's events this run sees itself: delivery receipts, blocks, a channel that cannot reach the citizen, the
 * SMS link. (Feedback, the escalation and the outcome are written by the activities that record them.) Each is
 * appended to the outbox by an activity, one after the other in the order they happened, so a grievance's events
 * keep their order; steps that record events of their own wait for these first (recorded()).
 */
import { log } from '@temporalio/workflow';
import { portalEventId, type NewPortalEvent, type PortalEventDataMap, type PortalEventType } from '../../contracts/events';
import { store } from './options';
import { iso } from './schedule';

/** The run's queue of events for the outbox. */
export class RunEvents {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly workflowId: string,
    private readonly grievanceId: string,
    private readonly cycle: number,
  ) {}

  /**
   * Queues an event; its id is the workflow's, the type's and the discriminator's, so a retried activity (or this
   * run replayed) appends nothing new. Safe to call from a signal handler: it only schedules an activity.
   */
  publish<T extends PortalEventType>(type: T, data: PortalEventDataMap[T], opts: { discriminator?: string; occurredAt?: string } = {}): void {
    const event = {
      id: portalEventId(this.workflowId, type, opts.discriminator),
      type,
      grievanceId: this.grievanceId,
      cycle: this.cycle,
      occurredAt: opts.occurredAt ?? iso(Date.now()),
      data,
    } as NewPortalEvent;
    this.chain = this.chain
      .then(() => store.recordPortalEvent({ event }))
      .then(
        () => undefined,
        (err: unknown) => log.error('portal event not recorded', { workflowId: this.workflowId, type, error: err instanceof Error ? err.message : String(err) }),
      );
  }

  /** Resolves once every event queued so far is in the outbox. */
  recorded(): Promise<void> {
    return this.chain;
  }
}
