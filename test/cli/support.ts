/**
 * Plumbing for the ops CLI tests: captured output streams, polling, CSV files, and closures seeded
 * through the real store, outbox and webhook inbox (for report cases a live workflow cannot stage on demand).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { AtrClient } from '../../client';
import type { ClosureRequest, Rating } from '../../contracts/closure';
import { atrWorkflowId, type Outcome } from '../../contracts/workflow';
import { createClosureRepository } from '../../db/repositories/closures';
import { createEscalationRepository } from '../../db/repositories/escalations';
import { createOutboxMessenger } from '../../messaging/outbox';
import { storeWebhook } from '../../messaging/whatsapp/inbox';
import type { Writer } from '../../cli/output';
import { makeClosure, uniqueGrievanceId } from '../helpers/fixtures';
import { webhookEnvelope } from '../../tools/simulator/envelope';
import type { StatusUpdate } from '../../messaging/whatsapp/protocol';
import { OUR_NUMBER } from '../helpers/whatsapp';

/** A Writer that keeps what was written. */
export interface Captured extends Writer {
  text(): string;
}

/** Captures a command's output; `isTTY` pretends to be a terminal. */
export function capture(isTTY = false): Captured {
  let buffer = '';
  return {
    isTTY,
    write(chunk: string) {
      buffer += chunk;
      return true;
    },
    text: () => buffer,
  };
}

/** Polls until `check` returns a value (visibility and workflow state are eventually consistent). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Integration closures send at any hour: the dev server runs on the real clock. */
export const daytime = { feedbackPolicy: { quietHours: null } } as const;

/** A code no other test uses, so visibility queries and report rows see only this test's closures. */
export function uniqueCode(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/** Waits until the latest closure of a grievance reaches a stage; a timeout says where it was instead. */
export async function waitForStage(atr: AtrClient, grievanceId: string, stage: string, timeoutMs = 60_000): Promise<void> {
  let last = 'no answer yet';
  try {
    await eventually(async () => {
      const s = await atr.getStatus(grievanceId).catch((err: Error) => {
        last = `getStatus failed: ${err.message}`;
        return undefined;
      });
      if (s) last = `stage ${s.state?.stage ?? '(no state)'}, execution ${s.execution}`;
      return s?.state?.stage === stage ? true : undefined;
    }, timeoutMs);
  } catch {
    throw new Error(`grievance ${grievanceId} did not reach ${stage}: ${last}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// CSV files

/** A CSV row for `makeClosure`'s citizen, with a unique grievance id; override any column. */
export function csvRow(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    grievanceId: uniqueGrievanceId('B'),
    cycle: '1',
    atrNumber: '',
    registeredAt: '2026-11-02T10:15:00+05:30',
    disposedAt: '2026-11-27T16:40:00+05:30',
    departmentCode: 'LSG',
    departmentNameEn: 'Local Self Government',
    departmentNameHi: 'स्वायत्त शासन विभाग',
    districtCode: 'JPR',
    districtNameEn: 'Jaipur',
    districtNameHi: 'जयपुर',
    officerName: 'सुरेश मीणा',
    officerDesignation: 'अधिशासी अभियंता, नगर निगम',
    citizenName: 'श्री राम कुमार शर्मा',
    citizenPhone: '9876543210',
    citizenLanguage: 'hi',
    subject: 'सड़क पर जल भराव',
    actionTaken: 'नाली की सफ़ाई करवाई गई।',
    ...overrides,
  };
}

/** Writes rows as a CSV file (every cell quoted) in a fresh temporary folder; returns its path. */
export function writeCsv(rows: Record<string, string>[], opts: { bom?: boolean; crlf?: boolean; header?: string[] } = {}): string {
  const header = opts.header ?? Object.keys(rows[0] ?? csvRow());
  const nl = opts.crlf ? '\r\n' : '\n';
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sampark-cli-')), 'closures.csv');
  writeFileSync(file, `${opts.bom ? '\uFEFF' : ''}${lines.join(nl)}${nl}`, 'utf8');
  return file;
}

// ---------------------------------------------------------------------------------------------------
// Seeded closures (report)

/** One closure's history, written the way the store, the messengers and the webhook inbox write it. */
export interface SeedSpec {
  department: string;
  district: string;
  disposedAt?: string;
  /** The ATR message: through WhatsApp (accepted, or still "sending"/"failed") or the outbox. */
  atr?: { channel: 'whatsapp' | 'outbox'; state?: 'accepted' | 'sending' | 'failed'; statuses?: string[][] };
  /** A second ATR (resend), with its own statuses. */
  resend?: { statuses?: string[][] };
  /** Statuses of a reminder (not the ATR). */
  reminderStatuses?: string[][];
  feedback?: { rating: Rating; decisive: boolean; late?: boolean }[];
  escalated?: boolean;
  smsFallback?: boolean;
  outcome?: Outcome;
}

/** Writes a closure and its history; returns its workflow id. `statuses` are webhook deliveries, in arrival order. */
export async function seedClosure(pool: Pool, spec: SeedSpec): Promise<string> {
  const request: ClosureRequest = makeClosure({
    department: { code: spec.department, nameEn: 'Seeded Department' },
    district: { code: spec.district, nameEn: 'Seeded District' },
    ...(spec.disposedAt ? { disposedAt: spec.disposedAt, registeredAt: '2026-01-01T10:00:00+05:30' } : {}),
  });
  const closure = AtrClient.validateClosure(request);
  const workflowId = atrWorkflowId(closure.grievanceId, closure.cycle);
  const store = { ...createClosureRepository(pool), ...createEscalationRepository(pool) };
  await store.recordClosure(workflowId, closure);

  if (spec.atr) {
    const atrId = await sendAtr(pool, workflowId, `${workflowId}:atr`, spec.atr.channel, spec.atr.state ?? 'accepted');
    for (const batch of spec.atr.statuses ?? []) await deliverStatuses(pool, atrId, batch);
  }
  if (spec.resend) {
    const id = await sendAtr(pool, workflowId, `${workflowId}:atr:resend:1`, spec.atr?.channel ?? 'whatsapp', 'accepted');
    for (const batch of spec.resend.statuses ?? []) await deliverStatuses(pool, id, batch);
  }
  if (spec.reminderStatuses) {
    const id = `wamid.${randomUUID()}`;
    await pool.query(
      `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body, status)
       VALUES ($1, $2, $3, 'whatsapp', 'REMINDER', '+919876543210', 'hi', '{}', 'accepted')`,
      [`${workflowId}:reminder:1`, id, workflowId],
    );
    for (const batch of spec.reminderStatuses) await deliverStatuses(pool, id, batch);
  }
  for (const [i, f] of (spec.feedback ?? []).entries()) {
    await store.recordFeedback({
      workflowId,
      feedback: { messageId: `seed-${i}`, rating: f.rating, channel: 'helpline', receivedAt: new Date().toISOString() },
      decisive: f.decisive,
      late: f.late ?? false,
    });
  }
  if (spec.escalated) {
    await store.createEscalation({
      escalationId: `esc-${workflowId}`,
      workflowId,
      grievanceId: closure.grievanceId,
      cycle: 1,
      level: 1,
      departmentCode: spec.department,
      districtCode: spec.district,
      feedbackMessageId: 'seed-0',
    });
  }
  if (spec.smsFallback) {
    await store.createAtrLink({ tokenHash: randomUUID(), workflowId, expiresAt: new Date(Date.now() + 3_600_000) });
  }
  if (spec.outcome) await store.recordOutcome(workflowId, spec.outcome);
  return workflowId;
}

/** Records an ATR message as the outbox or the WhatsApp messenger would; returns its message id. */
async function sendAtr(pool: Pool, workflowId: string, key: string, channel: 'whatsapp' | 'outbox', state: string): Promise<string> {
  if (channel === 'outbox') {
    const { messageId } = await createOutboxMessenger(pool).send({
      idempotencyKey: key,
      workflowId,
      to: '+919876543210',
      language: 'hi',
      message: { kind: 'ATR', grievanceId: 'G', departmentName: 'D', atrId: 'A', fileName: 'ATR.pdf', pdf: new Uint8Array(8), linkToken: 'AAAAAAAAAAAAAAAAAAAAAA' },
    });
    return messageId;
  }
  const wamid = `wamid.${randomUUID()}`;
  await pool.query(
    `INSERT INTO outbound_messages (idempotency_key, message_id, workflow_id, channel, purpose, recipient, language, body, status)
     VALUES ($1, $2, $3, 'whatsapp', 'ATR', '+919876543210', 'hi', '{}', $4)`,
    [key, state === 'sending' ? null : wamid, workflowId, state],
  );
  return wamid;
}

/** One webhook from Meta carrying these statuses of one message, stored by the real inbox. */
export async function deliverStatuses(pool: Pool, wamid: string, statuses: string[]): Promise<void> {
  const payload = webhookEnvelope(OUR_NUMBER, {
    // Any status string, as Meta might send one we do not know.
    statuses: statuses.map((status, i) => ({ id: wamid, status: status as StatusUpdate['status'], timestamp: String(Math.floor(Date.now() / 1000) + i), recipient_id: '919876543210' })),
  });
  await storeWebhook(pool, Buffer.from(JSON.stringify(payload)));
}
