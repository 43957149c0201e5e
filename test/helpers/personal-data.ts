/**
 * Closures full of personal data, written through the real repositories, messengers and webhook inbox into
 * every table that can hold it, each value unique to the closure (so a search of the shared test database finds
 * only this test's), and a search of every text, JSON and binary column of every table for those values.
 */
import { createCitizenReplyRepository } from '../../db/repositories/citizen-replies';
import { createVoiceNoteRepository } from '../../db/repositories/voice-notes';
import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { AtrClient } from '../../client';
import type { Rating } from '../../contracts/closure';
import { atrWorkflowId, type Outcome } from '../../contracts/workflow';
import { createClosureRepository } from '../../db/repositories/closures';
import { createEscalationRepository } from '../../db/repositories/escalations';
import { createOutboundMessageRepository } from '../../db/repositories/outbound-messages';
import { createWebhookInboxRepository } from '../../db/repositories/webhook-inbox';
import { createOutboxMessenger } from '../../messaging/outbox';
import { storeWebhook } from '../../messaging/whatsapp/inbox';
import { takenLongAgo } from './db';
import { makeClosure, uniqueGrievanceId } from './fixtures';
import { webhookEnvelope } from '../../tools/simulator/envelope';
import { OUR_NUMBER } from './whatsapp';

/** What a seeded closure holds that names or quotes its citizen. */
export interface PersonalValues {
  name: string;
  /** The 10-digit national number: a substring of every form we store (+91…, 91…). */
  phone: string;
  subject: string;
  actionTaken: string;
  officer: string;
  comment: string;
  detailsComment: string;
  voice: string;
  inboundText: string;
}

/** A seeded closure. */
export interface SeededPersonalClosure {
  workflowId: string;
  grievanceId: string;
  personal: PersonalValues;
  mediaId: string;
}

/** What to seed; every closure gets an ATR sent on WhatsApp (delivered and read) and an outbox reminder. */
export interface PersonalSeed {
  department: string;
  district: string;
  outcome?: Outcome;
  rating?: Rating;
  escalated?: boolean;
  smsFallback?: boolean;
  grievanceId?: string;
  cycle?: number;
}

/** Seeds one closure with personal data in every table; returns what it wrote. */
export async function seedPersonalClosure(pool: Pool, seed: PersonalSeed): Promise<SeededPersonalClosure> {
  const tag = randomUUID().slice(0, 8);
  const personal: PersonalValues = {
    name: `Nagrik ${tag} Sharma`,
    phone: `9${String(randomInt(100_000_000, 999_999_999))}`,
    subject: `Subject ${tag} waterlogging`,
    actionTaken: `Action ${tag} drain cleaned`,
    officer: `Officer ${tag} Meena`,
    comment: `Comment ${tag} still flooded`,
    detailsComment: `Details ${tag} nobody came`,
    voice: `voice-${tag}`,
    inboundText: `Reply ${tag} from the citizen`,
  };
  const closure = AtrClient.validateClosure(
    makeClosure({
      grievanceId: seed.grievanceId ?? uniqueGrievanceId('P'),
      cycle: seed.cycle ?? 1,
      department: { code: seed.department, nameEn: 'Seeded Department' },
      district: { code: seed.district, nameEn: 'Seeded District' },
      officer: { name: personal.officer, designation: 'Executive Engineer' },
      citizen: { name: personal.name, phone: personal.phone, language: 'hi' },
      subject: personal.subject,
      actionTaken: personal.actionTaken,
      attachments: [{ name: `Photo of ${personal.name}` }],
    }),
  );
  const workflowId = atrWorkflowId(closure.grievanceId, closure.cycle);
  const e164 = closure.citizen.phone;
  const closures = createClosureRepository(pool);
  const escalations = createEscalationRepository(pool);
  const messages = createOutboundMessageRepository(pool);
  const inbox = createWebhookInboxRepository(pool);

  await takenLongAgo(closure);
  await closures.recordClosure(workflowId, closure);
  const sha256 = `sha-${randomUUID()}`;
  await closures.saveAtr({ atrId: workflowId, workflowId, bytes: Buffer.from(`%PDF-1.7 ${personal.name} ${e164}`), sha256, pageCount: 1, contentDigest: 'd', sealKeyId: 't1' });
  const mediaId = `media-${tag}`;
  await messages.saveMedia(sha256, mediaId);

  // The ATR on WhatsApp, as the messenger records it, then its statuses and the citizen's reply from Meta.
  const wamid = `wamid.${randomUUID()}`;
  await messages.beginWhatsAppAttempt({ idempotencyKey: `${workflowId}:atr`, workflowId, purpose: 'ATR', recipient: e164, language: 'hi' });
  await messages.markAccepted(`${workflowId}:atr`, wamid, { to: e164, template: { name: 'atr', components: [{ text: personal.name }] } });
  await messages.reserveSlot(e164, 6_000);
  await createOutboxMessenger(pool).send({ idempotencyKey: `${workflowId}:reminder:1`, workflowId, to: e164, language: 'hi', message: { kind: 'REMINDER', grievanceId: closure.grievanceId, number: 1, linkToken: 'AAAAAAAAAAAAAAAAAAAAAA' } });
  const replyId = `wamid.${randomUUID()}`;
  await storeWebhook(pool, Buffer.from(JSON.stringify(webhook(personal.phone, wamid, replyId, personal.inboundText))));
  for (const status of ['sent', 'delivered', 'read']) await inbox.settleStatus(wamid, status, { state: 'delivered', workflowId });
  await inbox.settleMessage(replyId, { state: 'delivered', workflowId });
  await messages.awaitReply(e164, workflowId, 1);

  const rating = seed.rating ?? 'SATISFIED';
  const at = new Date().toISOString();
  await closures.recordFeedback({ workflowId, feedback: { messageId: replyId, rating, comment: personal.comment, voiceMediaId: personal.voice, channel: 'whatsapp', receivedAt: at }, decisive: true, late: false });
  await closures.recordDetails({ workflowId, details: { messageId: `d-${tag}`, comment: personal.detailsComment, voiceMediaId: `${personal.voice}-2`, receivedAt: at } });
  // The voice note's audio as the relay keeps it (the bytes quote the value, so a search of bytea finds them), and our answer to a later reply.
  await createVoiceNoteRepository(pool).saveVoiceNote({ mediaId: personal.voice, workflowId, messageId: replyId, mimeType: 'audio/ogg', sha256: '0'.repeat(64), audio: Buffer.from(`OggS ${personal.voice}`), receivedAt: new Date() });
  await createCitizenReplyRepository(pool).recordCitizenReply({ wamid: `reply-${tag}`, workflowId, kind: 'AFTER_CLOSE', messageType: 'text', receivedAt: new Date() });
  if (seed.escalated) {
    await escalations.createEscalation({
      escalationId: `esc-${workflowId}`, workflowId, grievanceId: closure.grievanceId, cycle: closure.cycle, level: 1,
      departmentCode: seed.department, districtCode: seed.district, feedbackMessageId: replyId, reason: 'NOT_RESOLVED', comment: personal.comment, voiceMediaId: personal.voice,
    });
  }
  if (seed.smsFallback) await closures.createAtrLink({ tokenHash: randomUUID(), workflowId, expiresAt: new Date(Date.now() + 3_600_000) });
  if (seed.outcome) await closures.recordOutcome(workflowId, seed.outcome);
  return { workflowId, grievanceId: closure.grievanceId, personal, mediaId };
}

/** One webhook as Meta sends it: the ATR's statuses and the citizen's text reply to it. */
function webhook(phone: string, wamid: string, replyId: string, text: string) {
  const waId = `91${phone}`;
  const ts = String(Math.floor(Date.now() / 1000));
  return webhookEnvelope(OUR_NUMBER, {
    contacts: [{ profile: { name: 'Citizen' }, wa_id: waId }],
    statuses: (['sent', 'delivered', 'read'] as const).map((status) => ({ id: wamid, status, timestamp: ts, recipient_id: waId })),
    messages: [{ from: waId, id: replyId, timestamp: ts, type: 'text', text: { body: text }, context: { from: '911412345678', id: wamid } }],
  });
}

/** Where a value was found: table.column and how many rows. */
export type Found = Record<string, number>;

/**
 * Searches every text, varchar, json, jsonb and bytea column of every table in the public schema for each
 * value; returns the places that hold any, as "value → table.column: rows".
 */
export async function findPersonalValues(pool: Pool, values: readonly string[]): Promise<Record<string, Found>> {
  const { rows: columns } = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')`,
  );
  const found: Record<string, Found> = {};
  for (const value of values) {
    for (const { table_name: table, column_name: column, data_type: type } of columns) {
      // Text as stored, and for JSON also with non-ASCII escaped as JSON may write it; bytea by its bytes.
      const match = type === 'bytea' ? `position(convert_to($1, 'UTF8') in "${column}") > 0` : `"${column}"::text LIKE '%' || $1 || '%'`;
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE ${match}`, [value]);
      if (rows[0]!.n) (found[value] ??= {})[`${table}.${column}`] = rows[0]!.n;
    }
  }
  return found;
}

/** The personal values of seeded closures, flat. */
export function personalValuesOf(seeded: readonly SeededPersonalClosure[]): string[] {
  return seeded.flatMap((s) => Object.values(s.personal));
}
