/**
 * The ATR page an SMS links to when WhatsApp cannot reach the citizen: the report in their language, the
 * PDF, and the same feedback as the WhatsApp buttons. Plain HTML forms, so it works on any phone browser.
 */
import { FEEDBACK_REASONS, type Closure } from '../contracts/closure';
import { REASON_TITLES } from '../messaging/texts';
import { formatDate } from '../pdf/atr/render';
import { FEEDBACK, HEADING, LABELS } from '../pdf/atr/text';

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
  const t = (b: { hi: string; en: string }) => b[l];
  const reasons = (Object.keys(FEEDBACK_REASONS) as (keyof typeof FEEDBACK_REASONS)[])
    .map((code) => `<option value="${code}">${esc(REASON_TITLES[code][l])}</option>`)
    .join('');
  return page(
    l,
    t(HEADING.title),
    `<header><div>${t(HEADING.government)} · ${t({ hi: 'राजस्थान सम्पर्क', en: 'Rajasthan Sampark' })}</div><h1>${t(HEADING.title)}</h1></header>
<dl><dt>${t(LABELS.grievanceNumber)}</dt><dd>${esc(closure.grievanceId)}</dd>
<dt>${t(LABELS.disposedOn)}</dt><dd>${formatDate(closure.disposedAt)}</dd>
<dt>${t(LABELS.department)}</dt><dd>${esc(l === 'hi' ? (closure.department.nameHi ?? closure.department.nameEn) : closure.department.nameEn)}</dd>
<dt>${t(LABELS.subject)}</dt><dd>${esc(closure.subject)}</dd>
<dt>${t(LABELS.actionTaken)}</dt><dd style="white-space:pre-wrap">${esc(closure.actionTaken)}</dd></dl>
<a class="pdf" href="/atr/${esc(token)}/pdf" data-testid="atr-pdf">${t({ hi: 'कार्यवाही रिपोर्ट (PDF) देखें', en: 'Open the Action Taken Report (PDF)' })}</a>
<form method="post" action="/atr/${esc(token)}/feedback"><h2>${t(FEEDBACK.heading)}</h2>
<input type="hidden" name="nonce" value="${esc(nonce)}">
<label>${t({ hi: 'असंतुष्ट होने पर कारण', en: 'If not satisfied, why' })}<select name="reason"><option value=""></option>${reasons}</select></label>
<label>${t({ hi: 'टिप्पणी (वैकल्पिक)', en: 'Comment (optional)' })}<textarea name="comment" maxlength="2000" rows="3"></textarea></label>
<div class="actions"><button class="ok" name="rating" value="SATISFIED" data-testid="satisfied">${t({ hi: 'संतुष्ट', en: 'Satisfied' })}</button>
<button class="no" name="rating" value="NOT_SATISFIED" data-testid="not-satisfied">${t({ hi: 'असंतुष्ट', en: 'Not satisfied' })}</button></div></form>`,
  );
}

/** After the form: recorded, or why not. */
export function resultPage(language: 'hi' | 'en', outcome: 'recorded' | 'closed' | 'expired'): string {
  const text = {
    recorded: { hi: 'धन्यवाद। आपकी प्रतिक्रिया दर्ज कर ली गई है।', en: 'Thank you. Your feedback has been recorded.' },
    closed: { hi: 'इस शिकायत पर प्रतिक्रिया की अवधि समाप्त हो चुकी है। सहायता हेतु 181 पर कॉल करें।', en: 'The feedback period for this grievance has ended. Call 181 for help.' },
    expired: { hi: 'यह लिंक अमान्य है या इसकी अवधि समाप्त हो चुकी है। सहायता हेतु 181 पर कॉल करें।', en: 'This link is not valid or has expired. Call 181 for help.' },
  }[outcome][language];
  return page(language, text, `<header><h1>${esc(text)}</h1></header>`);
}
