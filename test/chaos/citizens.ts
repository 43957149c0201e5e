/**
 * Simulated citizens for chaos runs: each one answers the ATR as planned — satisfied, not satisfied (then a
 * reason and a comment), or not at all — on WhatsApp, or through the SMS link page when WhatsApp could not
 * reach them. Every reply is remembered, so the run can check that each one reached its workflow.
 */
import type { Simulator } from '../../tools/simulator/server';
import { TEMPLATES } from '../../messaging/whatsapp/protocol';

/** What a citizen will do. */
export type Plan = 'satisfied' | 'not_satisfied' | 'silent';

/** A reply a citizen sent. */
export interface Reply {
  phone: string;
  kind: 'tap' | 'reason' | 'comment' | 'sms-feedback';
  wamid?: string;
}

interface CitizenState {
  plan: Plan;
  tapped?: boolean;
  reasoned?: boolean;
  commented?: boolean;
  smsAnswered?: boolean;
}

type Sent = { wamid?: string; request: { type?: string; template?: { name: string }; interactive?: { type: string; action?: { sections?: { rows: { id: string; title: string }[] }[] } }; text?: { body: string } } };

/** Drives every citizen of a run until stopped. */
export class Citizens {
  readonly replies: Reply[] = [];
  readonly failures: string[] = [];
  private readonly people = new Map<string, CitizenState>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly sim: Simulator,
    private readonly simUrl: string,
    private readonly apiUrl: string,
  ) {}

  /** A citizen's action on the simulated phone (the simulator turns it into a signed webhook). */
  private async inbound(action: Record<string, unknown>): Promise<{ wamid: string }> {
    const res = await fetch(`${this.simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) });
    if (!res.ok) throw new Error(`simulator refused the reply: ${res.status} ${await res.text()}`);
    return (await res.json()) as { wamid: string };
  }

  add(phone: string, plan: Plan): void {
    this.people.set(phone, { plan });
  }

  start(everyMs = 300): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.step().finally(() => (this.busy = false));
    }, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async step(): Promise<void> {
    for (const [phone, who] of this.people) {
      if (who.plan === 'silent') continue;
      try {
        await this.act(phone, who);
      } catch (err) {
        this.failures.push(`${phone}: ${(err as Error).message}`);
      }
    }
  }

  private async act(phone: string, who: CitizenState): Promise<void> {
    const messages = this.sim.state.messagesFor(phone) as unknown as Sent[];
    const atr = messages.find((m) => m.wamid && m.request.template?.name === TEMPLATES.atrDisposed.name);
    if (atr && !who.tapped) {
      const { wamid } = await this.inbound({ from: phone, type: 'button', contextWamid: atr.wamid, index: who.plan === 'satisfied' ? 0 : 1 });
      who.tapped = true;
      this.replies.push({ phone, kind: 'tap', wamid });
      return;
    }
    if (who.plan === 'not_satisfied' && who.tapped) {
      const list = messages.find((m) => m.wamid && m.request.interactive?.type === 'list');
      if (list && !who.reasoned) {
        const row = list.request.interactive!.action!.sections![0]!.rows.find((r) => r.id.endsWith('|NOT_RESOLVED'))!;
        const { wamid } = await this.inbound({ from: phone, type: 'list_reply', contextWamid: list.wamid, id: row.id, title: row.title });
        who.reasoned = true;
        this.replies.push({ phone, kind: 'reason', wamid });
        return;
      }
      const prompt = messages.find((m) => m.wamid && m.request.type === 'text' && /comment|टिप्पणी/.test(m.request.text?.body ?? ''));
      if (prompt && who.reasoned && !who.commented) {
        const { wamid } = await this.inbound({ from: phone, type: 'text', text: 'अभी तक समस्या का समाधान नहीं हुआ' });
        who.commented = true;
        this.replies.push({ phone, kind: 'comment', wamid });
      }
      return;
    }
    if (!atr && !who.smsAnswered) {
      const sms = this.sim.state.smsFor(phone)[0];
      const token = sms ? /\/atr\/([A-Za-z0-9_-]{22})/.exec(sms.text)?.[1] : undefined;
      if (!token) return;
      const page = await fetch(`${this.apiUrl}/atr/${token}`);
      if (page.status !== 200) return; // the API may be restarting: try again next round
      const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())![1]!;
      const form = new URLSearchParams({ rating: who.plan === 'satisfied' ? 'SATISFIED' : 'NOT_SATISFIED', nonce, ...(who.plan === 'not_satisfied' ? { reason: 'NOT_RESOLVED', comment: 'SMS से: समाधान नहीं हुआ' } : {}) });
      const res = await fetch(`${this.apiUrl}/atr/${token}/feedback`, { method: 'POST', body: form });
      if (res.status === 200) {
        who.smsAnswered = true;
        this.replies.push({ phone, kind: 'sms-feedback' });
      }
    }
  }
}
