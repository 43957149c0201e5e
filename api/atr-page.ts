/**
 * The ATR page an SMS links to when WhatsApp cannot reach the citizen: the report in their language, the
 * PDF, and the same feedback as the WhatsApp buttons. Plain HTML forms, so it works on any phone browser.
 */
import { FEEDBACK_REASONS, type Closure, type Language } from '../contracts/closure';
import { WORDING, type LinkPageResult } from '../messaging/wording';
import { formatDate } from '../pdf/atr/render';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,'Noto Sans Devanagari',sans-serif;margin:0;padding:16px;max-width:600px;line-height:1.5}
header{background:#f2f2f2;padding:12px;border-radius:8px}h1{font-size:1.3rem;margin:4px 0}dt{font-weight:600;margin-top:8px}dd{margin:0}
.actions{display:flex;gap:12px;margin:16px 0}button{flex:1;font-size:1.1rem;padding:14px;border-radius:8px;border:0}
.ok{background:#1b5e20;color:#fff}.no{background:#b71c1c;color:#fff}select,textarea{width:100%;font-size:1rem;margin-top:6px}
a.pdf{display:inline-block;margin:12px 0;font-size:1.05rem}`;

function page(lang: string, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The report with the feedback form. */
export function atrPage(closure: Closure, token: string, nonce: string): string {
  const l = closure.citizen.language;
  const { names, document: atr, linkPage, ratings, reasons: reasonWording } = WORDING[l];
  const reasons = FEEDBACK_REASONS
    .map((code) => `<option value="${code}">${esc(reasonWording[code].title)}</option>`)
    .join('');
  return page(
    l,
    atr.heading.title,
    `<header><div>${names.government} · ${names.sampark}</div><h1>${atr.heading.title}</h1></header>
<dl><dt>${atr.labels.grievanceNumber}</dt><dd>${esc(closure.grievanceId)}</dd>
<dt>${atr.labels.disposedOn}</dt><dd>${formatDate(closure.disposedAt)}</dd>
<dt>${atr.labels.department}</dt><dd>${esc(l === 'hi' ? (closure.department.nameHi ?? closure.department.nameEn) : closure.department.nameEn)}</dd>
<dt>${atr.labels.subject}</dt><dd>${esc(closure.subject)}</dd>
<dt>${atr.labels.actionTaken}</dt><dd style="white-space:pre-wrap">${esc(closure.actionTaken)}</dd></dl>
<a class="pdf" href="/atr/${esc(token)}/pdf" data-testid="atr-pdf">${linkPage.openPdf}</a>
<form method="post" action="/atr/${esc(token)}/feedback"><h2>${atr.feedback.heading}</h2>
<input type="hidden" name="nonce" value="${esc(nonce)}">
<label>${linkPage.reasonLabel}<select name="reason"><option value=""></option>${reasons}</select></label>
<label>${linkPage.commentLabel}<textarea name="comment" maxlength="2000" rows="3"></textarea></label>
<div class="actions"><button class="ok" name="rating" value="SATISFIED" data-testid="satisfied">${ratings.SATISFIED}</button>
<button class="no" name="rating" value="NOT_SATISFIED" data-testid="not-satisfied">${ratings.NOT_SATISFIED}</button></div></form>`,
  );
}

/** After the form: recorded, or why not. */
export function resultPage(language: Language, outcome: LinkPageResult): string {
  const text = WORDING[language].linkPage.results[outcome];
  return page(language, text, `<header><h1>${esc(text)}</h1></header>`);
}
