/**
 * The inbox's two pages: the list of cases in the officer's scope, with filters and an SLA clock per row, and one
 * case with the ATR, the citizen's reason, comment and voice note, the masked phone, the history and the actions.
 * Everything is computed here on the server (the SLA clock included), in words from messaging/wording/officer.
 */
import { ESCALATION_STATUSES, FINAL_ESCALATION_STATUSES, type EscalationStatus } from '../../contracts/escalation';
import { FEEDBACK_REASONS, type FeedbackReason } from '../../contracts/closure';
import { fill, WORDING } from '../../messaging/wording';
import type { InboxNotice, OfficerWording } from '../../messaging/wording/officer';
import { esc, noticeBox, page, wordsFor, type InboxLanguage } from './layout';
import type { InboxCase, InboxFilters, InboxRow } from './ports';
import type { SignedIn } from './session';

/** The SLA clock in words: time left, overdue by, or closed. Hours and minutes under a day, days and hours above. */
export function slaClock(w: OfficerWording, row: Pick<InboxRow, 'slaDueAt' | 'status'>, now: Date): { text: string; overdue: boolean } {
  if (!row.slaDueAt || FINAL_ESCALATION_STATUSES.includes(row.status)) return { text: w.clock.ended, overdue: row.status === 'BREACHED' };
  const ms = row.slaDueAt.getTime() - now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  const parts = d > 0 ? [fill(w.clock.days, { n: String(d) }), fill(w.clock.hours, { n: String(h) })] : [fill(w.clock.hours, { n: String(h) }), fill(w.clock.minutes, { n: String(m) })];
  return ms >= 0 ? { text: fill(w.clock.left, { time: parts.join(' ') }), overdue: false } : { text: fill(w.clock.overdue, { time: parts.join(' ') }), overdue: true };
}

/** "+91 98xxxxxx10": the country code, the first two and last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const national = digits.length > 10 ? digits.slice(-10) : digits;
  const country = digits.length > 10 ? digits.slice(0, -10) : '91';
  return `+${country} ${national.slice(0, 2)}${'x'.repeat(Math.max(national.length - 4, 0))}${national.slice(-2)}`;
}

/** The phone in full, in the same shape. */
export function fullPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length > 10 ? `+${digits.slice(0, -10)} ${digits.slice(-10)}` : `+91 ${digits}`;
}

const reasonTitle = (lang: InboxLanguage, reason: string | null) =>
  reason && (FEEDBACK_REASONS as readonly string[]).includes(reason) ? WORDING[lang].reasons[reason as FeedbackReason].title : (reason ?? '—');

function select(name: string, label: string, options: [string, string][], chosen: string | undefined, any: string): string {
  const opts = [['', any] as [string, string], ...options].map(([v, t]) => `<option value="${esc(v)}"${v === (chosen ?? '') ? ' selected' : ''}>${esc(t)}</option>`).join('');
  return `<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${opts}</select></div>`;
}

/** The list page. */
export function listPage(lang: InboxLanguage, who: SignedIn, csrf: string, rows: InboxRow[], filters: InboxFilters, now: Date, here: string): string {
  const w = wordsFor(lang);
  const l = w.list;
  const codes = (pick: (r: InboxRow) => string) => [...new Set(rows.map(pick))].sort().map((c) => `<option value="${esc(c)}">`).join('');
  const form = `<form method="get" action="/officer" class="filters" aria-label="${l.filters}">
${select('level', l.level, (['1', '2', '3'] as const).map((v) => [v, w.levels[v]]), filters.level ? String(filters.level) : undefined, l.any)}
${select('status', l.status, ESCALATION_STATUSES.map((s) => [s, w.statuses[s]]), filters.status, l.any)}
${select('sla', l.sla, [['overdue', l.overdue], ['due24h', l.due24h]], filters.sla, l.any)}
<div><label for="f-department">${l.department}</label><input id="f-department" name="department" list="departments" size="8" maxlength="32" value="${esc(filters.departmentCode ?? '')}"><datalist id="departments">${codes((r) => r.departmentCode)}</datalist></div>
<div><label for="f-district">${l.district}</label><input id="f-district" name="district" list="districts" size="8" maxlength="32" value="${esc(filters.districtCode ?? '')}"><datalist id="districts">${codes((r) => r.districtCode)}</datalist></div>
<div><button class="primary" type="submit">${l.apply}</button></div></form>`;
  const body = rows.length
    ? `<table><caption>${esc(fill(l.count, { n: String(rows.length) }))}</caption><thead><tr><th scope="col">${l.grievance}</th><th scope="col">${l.level}</th><th scope="col">${l.status}</th><th scope="col">${l.department}</th><th scope="col">${l.district}</th><th scope="col">${l.reason}</th><th scope="col">${l.slaClock}</th></tr></thead><tbody>
${rows.map((r) => row(lang, w, r, now)).join('\n')}</tbody></table>`
    : `<p>${l.empty}</p>`;
  return page(lang, { title: l.heading, here, signedIn: who, csrf, body: `<h1>${l.heading}</h1>${form}${body}` });
}

function row(lang: InboxLanguage, w: OfficerWording, r: InboxRow, now: Date): string {
  const clock = slaClock(w, r, now);
  const vigilance = r.vigilance ? ` <span class="vigilance">${w.list.vigilance}</span>` : '';
  return `<tr data-testid="case-row"><td><a href="/officer/cases/${encodeURIComponent(r.escalationId)}">${esc(r.grievanceId)}</a> (${r.cycle})${vigilance}</td>
<td>${w.levels[String(r.level) as '1' | '2' | '3']}</td><td>${w.statuses[r.status]}</td><td>${esc(r.departmentCode)}</td><td>${esc(r.districtCode)}</td>
<td>${esc(reasonTitle(lang, r.reason))}</td><td${clock.overdue ? ' class="overdue"' : ''} data-testid="sla-clock">${esc(clock.text)}</td></tr>`;
}

/** What the case page shows besides the case: a notice after an action, and the number if the officer asked for it. */
export interface CaseView {
  notice?: { kind: InboxNotice; reason?: string };
  revealedPhone?: string;
}

/** The case page. */
export function casePage(lang: InboxLanguage, who: SignedIn, csrf: string, c: InboxCase, now: Date, view: CaseView = {}): string {
  const w = wordsFor(lang);
  const cw = w.case;
  const base = `/officer/cases/${encodeURIComponent(c.escalationId)}`;
  const clock = slaClock(w, c, now);
  const token = `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
  const notice = view.notice ? noticeBox(fill(w.notices[view.notice.kind], { reason: view.notice.reason ?? '' }), view.notice.kind === 'refused' ? 'error' : 'notice') : '';
  const phone = c.citizenPhone
    ? view.revealedPhone
      ? `<span data-testid="phone">${esc(view.revealedPhone)}</span>`
      : `<span data-testid="phone">${esc(maskPhone(c.citizenPhone))}</span> <form method="post" action="${base}/phone" style="display:inline">${token}<button type="submit" data-testid="show-number">${cw.showNumber}</button></form>`
    : cw.none;
  const open = !FINAL_ESCALATION_STATUSES.includes(c.status);
  const body = `<p><a href="/officer">${w.common.backToList}</a></p>${notice}
<h1>${esc(fill(cw.heading, { id: c.grievanceId, cycle: String(c.cycle) }))}</h1>
${c.vigilance ? `<p><span class="vigilance">${cw.vigilance}</span></p>` : ''}
<dl><dt>${w.list.level}</dt><dd>${w.levels[String(c.level) as '1' | '2' | '3']}</dd><dt>${w.list.status}</dt><dd data-testid="status">${w.statuses[c.status]}</dd>
<dt>${w.list.slaClock}</dt><dd${clock.overdue ? ' class="overdue"' : ''}>${esc(clock.text)}</dd>
<dt>${w.list.department}</dt><dd>${esc(c.departmentCode)}</dd><dt>${w.list.district}</dt><dd>${esc(c.districtCode)}</dd></dl>
<h2>${cw.atr}</h2><p>${c.atrId ? `<a href="${base}/atr" data-testid="atr-link">${cw.openAtr}</a>` : cw.noAtr}</p>
<dl><dt>${cw.reason}</dt><dd>${esc(reasonTitle(lang, c.reason))}</dd>
<dt>${cw.comment}</dt><dd style="white-space:pre-wrap">${c.comment ? esc(c.comment) : cw.none}</dd>
<dt>${cw.voice}</dt><dd>${c.voiceNoteId ? `<audio controls preload="metadata" src="${base}/voice" data-testid="voice" aria-label="${cw.voice}"></audio>` : cw.none}</dd>
<dt>${cw.phone}</dt><dd>${phone}</dd></dl>
${open ? actions(w, base, token) : ''}
<h2>${cw.history}</h2><ol data-testid="history">${c.history
    .map((h) => `<li><time datetime="${h.at.toISOString()}">${esc(istTime(h.at))}</time> · ${w.levels[String(h.level) as '1' | '2' | '3']} · ${w.actions[h.action]}${h.officerId ? ` · ${esc(fill(cw.byOfficer, { officer: h.officerId }))}` : ''}${h.text ? `<br><span style="white-space:pre-wrap">${esc(h.text)}</span>` : ''}</li>`)
    .join('')}</ol>`;
  return page(lang, { title: fill(cw.heading, { id: c.grievanceId, cycle: String(c.cycle) }), here: base, signedIn: who, csrf, body });
}

function actions(w: OfficerWording, base: string, token: string): string {
  const cw = w.case;
  return `<h2>${cw.act}</h2>
<form method="post" action="${base}/acknowledge">${token}<button class="primary" type="submit" data-testid="acknowledge">${cw.acknowledge}</button></form>
<form method="post" action="${base}/note"><fieldset><legend>${cw.addNote}</legend>${token}<label for="note">${cw.note}</label><textarea id="note" name="text" rows="3" maxlength="2000" required></textarea><button class="primary" type="submit">${cw.addNote}</button></fieldset></form>
<form method="post" action="${base}/ask"><fieldset><legend>${cw.askCitizen}</legend>${token}<label for="question">${cw.question}</label><textarea id="question" name="question" rows="2" maxlength="500" required></textarea><button class="primary" type="submit">${cw.askCitizen}</button></fieldset></form>
<form method="post" action="${base}/transfer"><fieldset><legend>${cw.transfer}</legend>${token}<label for="to-department">${cw.transferTo}</label><input id="to-department" name="department" required maxlength="32" pattern="[A-Za-z0-9_-]+">
<label for="to-district">${cw.toDistrict}</label><input id="to-district" name="district" maxlength="32" pattern="[A-Za-z0-9_-]*"><label for="transfer-note">${cw.note}</label><textarea id="transfer-note" name="text" rows="2" maxlength="2000"></textarea><button class="primary" type="submit">${cw.transfer}</button></fieldset></form>`;
}

/** DD-MM-YYYY HH:MM in India Standard Time, as officers read dates. */
function istTime(d: Date): string {
  const t = new Date(d.getTime() + 330 * 60_000).toISOString();
  return `${t.slice(8, 10)}-${t.slice(5, 7)}-${t.slice(0, 4)} ${t.slice(11, 16)} IST`;
}

/** A list filter's status, checked. */
export const isStatus = (s: string): s is EscalationStatus => (ESCALATION_STATUSES as readonly string[]).includes(s);
