/**
 * The relay: takes pending inbound messages and statuses from the inbox and signals the workflow they
 * belong to. Routing is never a guess: a status goes to the workflow that sent that wamid; a reply goes by
 * our button payload or list-row id (which carry the workflow id), else by `context.id` (the wamid it
 * replied to), else — for a comment typed without quoting — to the one workflow that asked this number
 * for a comment. Replies from a number that is not the grievance's citizen are ignored. While Temporal is
 * unreachable rows stay pending and are retried with backoff; several relays can run (SKIP LOCKED leases).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { FEEDBACK_REASONS, type Closure, type FeedbackReason } from '../../contracts/closure';
import {
  atrMessageKey,
  deliveryStatusSignal,
  feedbackDetailsSignal,
  feedbackSignal,
  type DeliveryStatusSignal,
  type FeedbackDetailsSignal,
  type FeedbackSignal,
} from '../../contracts/workflow';
import type { Logger } from '../../lib/log';
import { TEMPLATE_TEXT, errorHandling, parsePayload, sameNumber, type InboundMessage, type WebhookError } from './protocol';

type RelayState = 'delivered' | 'ignored' | 'unroutable' | 'closed';
type Outcome = { state: RelayState; note?: string; workflowId?: string };

/** Relay settings. */
export interface RelayOptions {
  pool: Pool;
  temporal: Client;
  log: Logger;
  batchSize?: number;
  /** How often to look for work when nothing wakes the relay. */
  pollMs?: number;
  /** A claimed row is retried after this lease if its relay died. */
  leaseSeconds?: number;
  metrics?: {
    relayed: { inc(labels: { kind: string; state: string }): void };
    statuses: { inc(labels: { status: string; purpose: string }): void };
  };
}

/** A status whose send is still in doubt waits this many relay attempts (about 25 minutes of backoff) for the send's record. */
const MAX_IN_DOUBT_ATTEMPTS = 12;

/** How long to wait before retrying a row whose workflow could not be signalled (Temporal down). */
function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.min(attempts, 8));
}

const SATISFIED_TEXTS = new Set(Object.values(TEMPLATE_TEXT).flatMap((t) => [t.hi.buttons[0], t.en.buttons[0]]));
const NOT_SATISFIED_TEXTS = new Set(Object.values(TEMPLATE_TEXT).flatMap((t) => [t.hi.buttons[1], t.en.buttons[1]]));

/** The relay loop. */
export class WebhookRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;

  constructor(private readonly opts: RelayOptions) {
    this.batchSize = opts.batchSize ?? 100;
    this.pollMs = opts.pollMs ?? 1_000;
    this.leaseSeconds = opts.leaseSeconds ?? 60;
  }

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops polling and waits for the current pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs a pass now (a webhook just arrived), or right after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.again ? 0 : this.pollMs);
      this.again = false;
    });
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayOnce()) === this.batchSize) {
        // a full batch: more may be waiting
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'relay pass failed; will retry');
    }
  }

  /** One pass over pending rows; returns how many it handled. */
  async relayOnce(): Promise<number> {
    const messages = await this.claim('inbound_messages', 'sent_at');
    for (const row of messages) {
      const outcome = await this.safely(() => this.routeMessage(row));
      await this.finish('inbound_messages', 'wamid = $1', [row.wamid], outcome, row.attempts);
      this.opts.metrics?.relayed.inc({ kind: 'message', state: outcome?.state ?? 'retry' });
    }
    const statuses = await this.claim('message_statuses', 'status_at');
    for (const row of statuses) {
      const outcome = await this.safely(() => this.routeStatus(row));
      await this.finish('message_statuses', 'wamid = $1 AND status = $2', [row.wamid, row.status], outcome, row.attempts);
      this.opts.metrics?.relayed.inc({ kind: 'status', state: outcome?.state ?? 'retry' });
    }
    return messages.length + statuses.length;
  }

  private async claim(table: 'inbound_messages' | 'message_statuses', order: string): Promise<ClaimedRow[]> {
    const key = table === 'inbound_messages' ? 'wamid' : 'wamid, status';
    const { rows } = await this.opts.pool.query<ClaimedRow>(
      `UPDATE ${table} SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE relay_state = 'pending' AND next_attempt_at <= now()
                            ORDER BY ${order} LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [this.batchSize, this.leaseSeconds],
    );
    return rows.sort((a, b) => (a.sent_at ?? a.status_at!).getTime() - (b.sent_at ?? b.status_at!).getTime());
  }

  /** Routes, treating "Temporal unreachable" as "try again later" (undefined). */
  private async safely(route: () => Promise<Outcome | undefined>): Promise<Outcome | undefined> {
    try {
      return await route();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { state: 'closed', note: 'the workflow has ended' };
      this.opts.log.warn({ err: (err as Error).message }, 'relay could not signal; will retry');
      return undefined;
    }
  }

  private async finish(table: string, where: string, key: unknown[], outcome: Outcome | undefined, attempts: number): Promise<void> {
    const n = key.length;
    if (!outcome) {
      await this.opts.pool.query(`UPDATE ${table} SET next_attempt_at = now() + make_interval(secs => $${n + 1}) WHERE ${where}`, [
        ...key,
        backoffSeconds(attempts),
      ]);
      return;
    }
    await this.opts.pool.query(
      `UPDATE ${table} SET relay_state = $${n + 1}, relay_note = $${n + 2}, workflow_id = $${n + 3}, relayed_at = now() WHERE ${where}`,
      [...key, outcome.state, outcome.note ?? null, outcome.workflowId ?? null],
    );
  }

  private async workflowOfWamid(wamid: string | null | undefined): Promise<string | undefined> {
    return (await this.ourMessage(wamid))?.workflowId;
  }

  private async ourMessage(wamid: string | null | undefined): Promise<{ workflowId: string; purpose: string; key: string } | undefined> {
    if (!wamid) return undefined;
    const { rows } = await this.opts.pool.query<{ workflow_id: string; purpose: string; idempotency_key: string }>(
      'SELECT workflow_id, purpose, idempotency_key FROM outbound_messages WHERE message_id = $1',
      [wamid],
    );
    return rows[0] ? { workflowId: rows[0].workflow_id, purpose: rows[0].purpose, key: rows[0].idempotency_key } : undefined;
  }

  /** Whether a send with this key is recorded but its wamid not yet (a worker died between Meta's answer and our record). */
  private async sendInDoubt(callbackData: string | null | undefined): Promise<boolean> {
    if (!callbackData) return false;
    const { rows } = await this.opts.pool.query("SELECT 1 FROM outbound_messages WHERE idempotency_key = $1 AND status IN ('sending', 'retry')", [callbackData]);
    return rows.length > 0;
  }

  /** Undefined: try again later. */
  private async routeStatus(row: ClaimedRow): Promise<Outcome | undefined> {
    const ours = await this.ourMessage(row.wamid);
    if (!ours) {
      // The retried send will record this wamid from the status's callback data: wait for it rather than drop the status.
      if (row.attempts < MAX_IN_DOUBT_ATTEMPTS && (await this.sendInDoubt(row.callback_data))) return undefined;
      return { state: 'unroutable', note: 'status of a message we have no record of' };
    }
    const { workflowId, purpose, key } = ours;
    this.opts.metrics?.statuses.inc({ status: row.status!, purpose });
    const status = row.status!.toUpperCase();
    if (!['SENT', 'DELIVERED', 'READ', 'FAILED'].includes(status)) return { state: 'ignored', note: `status ${row.status} is not tracked`, workflowId };
    // Each signal is a billed Temporal action: send only what changes the workflow (the ATR's own progress).
    if (key !== atrMessageKey(workflowId)) return { state: 'ignored', note: `status of a ${purpose} message: kept here, not signalled`, workflowId };
    if (status === 'SENT') return { state: 'ignored', note: 'the workflow marks the ATR sent when Meta accepts it', workflowId };
    const error = (row.errors as WebhookError[] | null)?.[0];
    const signal: DeliveryStatusSignal = {
      messageId: row.wamid,
      status: status as DeliveryStatusSignal['status'],
      at: row.status_at!.toISOString(),
      ...(error ? { errorCode: error.code, errorTitle: error.title ?? error.message ?? `error ${error.code}`, permanent: errorHandling(error.code) === 'undeliverable' } : {}),
    };
    await this.opts.temporal.workflow.getHandle(workflowId).signal(deliveryStatusSignal, signal);
    return { state: 'delivered', workflowId };
  }

  private async routeMessage(row: ClaimedRow): Promise<Outcome> {
    const m = row.message as InboundMessage;
    const interactive = m.type === 'interactive' ? (m as Extract<InboundMessage, { type: 'interactive' }>).interactive : undefined;
    const payloadText =
      m.type === 'button'
        ? (m as Extract<InboundMessage, { type: 'button' }>).button.payload
        : interactive?.type === 'button_reply'
          ? interactive.button_reply.id
          : interactive?.type === 'list_reply'
            ? interactive.list_reply.id
            : undefined;
    const payload = payloadText ? parsePayload(payloadText) : undefined;
    const workflowId = payload?.workflowId ?? (await this.workflowOfWamid(row.context_wamid)) ?? (await this.awaitedReply(row.from_wa_id, m.type));
    if (!workflowId) return { state: 'unroutable', note: 'no payload, context or awaited reply ties this message to a grievance' };

    const { rows } = await this.opts.pool.query<{ closure: Closure }>('SELECT closure FROM closures WHERE workflow_id = $1', [workflowId]);
    const phone = rows[0]?.closure.citizen.phone;
    if (!phone) return { state: 'unroutable', note: 'no closure recorded for the workflow', workflowId };
    if (!sameNumber(row.from_wa_id, phone)) return { state: 'ignored', note: 'reply from a number that is not the grievance citizen', workflowId };

    const handle = this.opts.temporal.workflow.getHandle(workflowId);
    const receivedAt = row.sent_at!.toISOString();
    const rating = m.type === 'button' ? ratingOf(payload, (m as Extract<InboundMessage, { type: 'button' }>).button.text) : payload?.kind === 'FB' ? ratingOf(payload) : undefined;
    if (rating) {
      const feedback: FeedbackSignal = { messageId: m.id, rating, channel: 'whatsapp', receivedAt };
      await handle.signal(feedbackSignal, feedback);
      return { state: 'delivered', workflowId };
    }
    const details = detailsOf(m, payload, receivedAt);
    if (!details) return { state: 'ignored', note: `a ${m.type} message carries no feedback`, workflowId };
    await handle.signal(feedbackDetailsSignal, details);
    return { state: 'delivered', workflowId };
  }

  /** The one workflow that asked this number for a comment, if exactly one is waiting (text and voice only). */
  private async awaitedReply(from: string, type: string): Promise<string | undefined> {
    if (type !== 'text' && type !== 'audio') return undefined;
    const { rows } = await this.opts.pool.query<{ workflow_id: string }>(
      `SELECT workflow_id FROM awaited_replies WHERE regexp_replace(recipient, '\\D', '', 'g') = regexp_replace($1, '\\D', '', 'g') AND expires_at > now()`,
      [from],
    );
    return rows.length === 1 ? rows[0]!.workflow_id : undefined;
  }
}

function ratingOf(payload: ReturnType<typeof parsePayload>, buttonText?: string): FeedbackSignal['rating'] | undefined {
  if (payload?.kind === 'FB' && (payload.value === 'SATISFIED' || payload.value === 'NOT_SATISFIED')) return payload.value;
  // Meta's reference shows button.payload equal to the label; accept our labels too.
  if (buttonText && SATISFIED_TEXTS.has(buttonText)) return 'SATISFIED';
  if (buttonText && NOT_SATISFIED_TEXTS.has(buttonText)) return 'NOT_SATISFIED';
  return undefined;
}

function detailsOf(m: InboundMessage, payload: ReturnType<typeof parsePayload>, receivedAt: string): FeedbackDetailsSignal | undefined {
  if (payload?.kind === 'REASON' && payload.value in FEEDBACK_REASONS) return { messageId: m.id, reason: payload.value as FeedbackReason, receivedAt };
  if (m.type === 'text') return { messageId: m.id, comment: (m as Extract<InboundMessage, { type: 'text' }>).text.body.slice(0, 2000), receivedAt };
  if (m.type === 'audio') return { messageId: m.id, voiceMediaId: (m as Extract<InboundMessage, { type: 'audio' }>).audio.id, receivedAt };
  return undefined;
}

interface ClaimedRow {
  wamid: string;
  status?: string;
  from_wa_id: string;
  type: string;
  context_wamid: string | null;
  message: unknown;
  errors?: unknown;
  sent_at?: Date;
  status_at?: Date;
  callback_data?: string | null;
  attempts: number;
}
