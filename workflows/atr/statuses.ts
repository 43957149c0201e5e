/**
 * Channel statuses of our messages: they arrive late, twice, out of order, and before the send that made the
 * message has returned. Statuses only move forward (DELIVERY_RANK): a late `failed` never undoes `delivered` or
 * `read`. A `failed` before delivery counts by whose fault it was (its faultClass, from the same table as a
 * synchronous error): the citizen cannot be reached (UNDELIVERABLE on WhatsApp), a fault on our side (the ATR is
 * held and sent again once the fault clears), or a transient fault (like no receipt: the delivery deadline decides).
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { DELIVERY_RANK, SA, type AtrState, type DeliveryBlock, type DeliveryStatusSignal } from '../../contracts/workflow';
import { iso } from './schedule';

/** Statuses kept while their message is not known yet (the send has not returned): a few messages, each perhaps twice. */
const UNMATCHED_STATUS_LIMIT = 16;

/** A status reported for a resend, as the resend update reports it. */
export type ResendStatus = DeliveryStatusSignal['status'];

/** A change of the ATR's delivery the portal hears of (workflows/atr/events.ts). */
export type DeliveryChange =
  | { kind: 'delivered'; messageId: string; at: string }
  | { kind: 'undeliverable'; errorCode?: number }
  | { kind: 'blocked'; block: DeliveryBlock };

/** The statuses of the ATR message and of its resends. */
export class DeliveryStatuses {
  /** Statuses that beat their send (the webhook won the race), oldest dropped first. */
  private readonly unmatched: DeliveryStatusSignal[] = [];
  /** The furthest status of each resend, by message id. */
  private readonly resends = new Map<string, DeliveryStatusSignal | undefined>();

  constructor(
    private readonly state: AtrState,
    /** The ATR message failed on our side after it was accepted: it must be sent again once the fault clears. */
    public atrFailedOnOurSide: boolean,
    private readonly onChange: (change: DeliveryChange) => void = () => undefined,
  ) {}

  /** Applies a channel status to the message it names, or keeps it until that message is known. */
  apply(report: DeliveryStatusSignal): void {
    if (report.messageId === this.state.delivery.messageId) this.applyToAtr(report);
    else if (this.resends.has(report.messageId)) this.applyToResend(report);
    else if (this.unmatched.push(report) > UNMATCHED_STATUS_LIMIT) this.unmatched.shift();
  }

  /** The channel accepted the ATR (first send, or sent again after a fault on our side): a new message starts at SENT. */
  markSent(messageId: string): void {
    const { errorCode: _errorCode, reason: _reason, ...delivery } = this.state.delivery;
    this.state.delivery = { ...delivery, status: 'SENT', messageId, sentAt: iso(Date.now()) };
    this.atrFailedOnOurSide = false;
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: 'SENT' }]);
    for (const report of this.takeUnmatched(messageId)) this.applyToAtr(report);
  }

  /** Starts following a resend's statuses (those that came early apply now). */
  followResend(messageId: string): void {
    this.resends.set(messageId, undefined);
    for (const report of this.takeUnmatched(messageId)) this.applyToResend(report);
  }

  /** The furthest status reported for a resend, if any came. */
  resendStatus(messageId: string): DeliveryStatusSignal | undefined {
    return this.resends.get(messageId);
  }

  /** The channel has reported nothing about the ATR that settles it (neither delivered, read nor undeliverable). */
  get awaitingDeliveryReport(): boolean {
    const { status } = this.state.delivery;
    return status === 'PENDING' || status === 'SENT' || status === 'FAILED';
  }

  private applyToAtr(report: DeliveryStatusSignal): void {
    const { delivery } = this.state;
    if (report.status === 'FAILED') {
      // Once delivered, the citizen has the ATR: a late failure changes nothing (nor after UNDELIVERABLE).
      if (DELIVERY_RANK[delivery.status] >= DELIVERY_RANK.DELIVERED) return;
      const faultClass = report.faultClass ?? (report.permanent ? 'CITIZEN_UNREACHABLE' : 'TRANSIENT');
      const reason = report.errorTitle ?? `channel error ${report.errorCode ?? 'unknown'}`;
      const status = faultClass === 'CITIZEN_UNREACHABLE' ? 'UNDELIVERABLE' : 'FAILED';
      this.state.delivery = { ...delivery, status, updatedAt: report.at, reason, ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}) };
      upsertSearchAttributes([{ key: SA.deliveryStatus, value: status }]);
      if (status === 'UNDELIVERABLE') this.onChange({ kind: 'undeliverable', ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}) });
      if (faultClass === 'OUR_SIDE') {
        this.atrFailedOnOurSide = true;
        const code = `whatsapp:${report.errorCode ?? 'unknown'}`;
        this.state.delivery.blocked = { channel: 'whatsapp', code, reason, since: report.at };
        upsertSearchAttributes([{ key: SA.deliveryBlocked, value: code }]);
        this.onChange({ kind: 'blocked', block: this.state.delivery.blocked });
      }
      return;
    }
    if (DELIVERY_RANK[report.status] <= DELIVERY_RANK[delivery.status]) return;
    this.state.delivery = { ...delivery, status: report.status, updatedAt: report.at };
    upsertSearchAttributes([{ key: SA.deliveryStatus, value: report.status }]);
    // READ implies delivered: the portal hears once, at the first report that the citizen has the ATR.
    if (DELIVERY_RANK[report.status] >= DELIVERY_RANK.DELIVERED && DELIVERY_RANK[delivery.status] < DELIVERY_RANK.DELIVERED) {
      this.onChange({ kind: 'delivered', messageId: report.messageId, at: report.at });
    }
  }

  private applyToResend(report: DeliveryStatusSignal): void {
    const current = this.resends.get(report.messageId);
    const rank = (s: DeliveryStatusSignal | undefined) => (s ? DELIVERY_RANK[s.status] : -1);
    if (rank(report) > rank(current)) this.resends.set(report.messageId, report);
  }

  private takeUnmatched(messageId: string): DeliveryStatusSignal[] {
    const mine = this.unmatched.filter((r) => r.messageId === messageId);
    for (const report of mine) this.unmatched.splice(this.unmatched.indexOf(report), 1);
    return mine;
  }
}
