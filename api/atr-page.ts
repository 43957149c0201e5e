/**
 * The citizen's link page (/atr/:token): the ATR in their language with the feedback form, and every page the form
 * and the link can answer with. Plain server-rendered HTML (no script), small enough for a cheap phone on a slow
 * network, usable with a screen reader (one main landmark, fieldsets with legends, labelled fields, errors tied to
 * their fields) and at 200 % zoom. The two answers sit at the top, above the fold of a 360×640 screen. Every word
 * comes from messaging/wording.
 */
import { LANGUAGES, type Closure, type FeedbackReason, type Language, type Rating } from '../contracts/closure';
import { DEFAULT_ESCALATION_SLA_HOURS } from '../contracts/escalation';
import type { EscalationLevel } from '../contracts/workflow';
import { WORDING, fill, type LinkFormError, type LinkGone } from '../messaging/wording';
import { formatDate } from '../pdf/atr/render';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:1rem/1.5 system-ui,'Noto Sans Devanagari',sans-serif;margin:0;color:#1a1a1a}
main{max-width:36rem;margin:0 auto;padding:.75rem 1rem 2rem;overflow-wrap:break-word}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem;font-size:.9rem;color:#444}
h1{font-size:1.35rem;margin:.25rem 0}h2{font-size:1.1rem;margin:1rem 0 .25rem}p{margin:.25rem 0}
fieldset{border:0;padding:0;margin:.75rem 0}legend{font-weight:600;font-size:1.1rem;padding:0}
.answer{display:flex;flex-wrap:wrap;gap:.75rem;margin:.5rem 0}
button{flex:1 1 8rem;min-height:3rem;font:inherit;font-size:1.1rem;font-weight:600;padding:.6rem;border-radius:.5rem;border:0;color:#fff}
.ok{background:#1b5e20}.no{background:#b71c1c}button:focus,a:focus,input:focus,textarea:focus{outline:3px solid #0b57d0;outline-offset:2px}
label.r{display:block;padding:.5rem 0;border-bottom:1px solid #ddd}input[type=radio]{width:1.25rem;height:1.25rem;vertical-align:middle;margin:0 .5rem 0 0}
textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;margin:.25rem 0}
.err{border:2px solid #b71c1c;border-radius:.5rem;padding:.5rem .75rem;margin:.5rem 0}.fe{color:#b71c1c;font-weight:600}
.hint{font-size:.95rem;color:#444}a{color:#0b57d0}dt{font-weight:600;margin-top:.5rem}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}`;

function page(lang: Language, title: string, main: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${main}</main></body></html>`;
}

/** What the citizen answered, as the page remembers it. */
export interface Answer {
  rating: Rating;
  /** Where a "not satisfied" went. */
  level?: EscalationLevel;
}

/** The form as the citizen filled it, and what was wrong with it: shown again, nothing lost. */
export interface FormState {
  rating?: string;
  reason?: string;
  comment?: string;
  errors: { field: 'rating' | 'reason' | 'comment'; error: LinkFormError }[];
}

/** The page's address for the other language. */
const other = (l: Language): Language => LANGUAGES.find((x) => x !== l)!;

/** The report with the feedback form (again with the citizen's input and errors after a refused post). */
export function atrPage(closure: Closure, token: string, nonce: string, language: Language, reasons: readonly FeedbackReason[], form?: FormState): string {
  const l = language;
  const { names, document: atr, linkPage: w, ratings, reasons: reasonWording } = WORDING[l];
  const errorOf = (field: string) => form?.errors.find((e) => e.field === field);
  const fieldError = (field: string) => {
    const e = errorOf(field);
    return e ? `<p class="fe" id="${field}-error">${esc(w.errors[e.error])}</p>` : '';
  };
  const describedBy = (field: string, ...more: string[]) => {
    const ids = [...more, ...(errorOf(field) ? [`${field}-error`] : [])];
    return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
  };
  const base = `/atr/${esc(token)}`;
  const summary = form?.errors.length
    ? `<div class="err" role="alert"><h2>${esc(w.errorsHeading)}</h2><ul>${form.errors
        .map((e) => `<li><a href="#${e.field === 'reason' ? 'reason' : e.field === 'comment' ? 'comment' : 'answer'}">${esc(w.errors[e.error])}</a></li>`)
        .join('')}</ul></div>`
    : '';
  const radios = reasons
    .map((code) => `<label class="r"><input type="radio" name="reason" value="${code}"${form?.reason === code ? ' checked' : ''}>${esc(reasonWording[code].title)}</label>`)
    .join('');
  const department = l === 'hi' ? (closure.department.nameHi ?? closure.department.nameEn) : closure.department.nameEn;
  return page(
    l,
    `${atr.heading.title} ${closure.grievanceId}`,
    `<div class="top"><span>${names.government} · ${names.sampark}</span><a href="${base}?lang=${other(l)}" lang="${other(l)}" hreflang="${other(l)}">${w.otherLanguage}</a></div>
<h1>${atr.heading.title}</h1><p>${esc(fill(w.grievance, { id: closure.grievanceId }))} · ${esc(department)}</p>
<p><a href="${base}/pdf" data-testid="atr-pdf">${w.openPdf}</a></p>${summary}
<form method="post" action="${base}/feedback?lang=${l}"><input type="hidden" name="nonce" value="${esc(nonce)}">
<fieldset id="answer"${describedBy('rating', 'ns-hint')}><legend>${w.question}</legend>${fieldError('rating')}
<div class="answer"><button class="ok" name="rating" value="SATISFIED" data-testid="satisfied">${ratings.SATISFIED}</button>
<button class="no" name="rating" value="NOT_SATISFIED" data-testid="not-satisfied">${ratings.NOT_SATISFIED}</button></div>
<p class="hint" id="ns-hint">${esc(w.notSatisfiedHint)}</p></fieldset>
<fieldset id="reason"${describedBy('reason')}><legend>${w.reasonLegend}</legend>${fieldError('reason')}${radios}</fieldset>
<label for="comment"><b>${w.commentLabel}</b></label><p class="hint" id="comment-hint">${esc(w.commentHint)}</p>${fieldError('comment')}
<textarea id="comment" name="comment" maxlength="2000" rows="3"${describedBy('comment', 'comment-hint')}>${esc(form?.comment ?? '')}</textarea>
<div class="answer"><button class="no" name="rating" value="NOT_SATISFIED" data-testid="not-satisfied-send">${ratings.NOT_SATISFIED}</button></div></form>
<h2>${w.details}</h2><dl><dt>${atr.labels.disposedOn}</dt><dd>${formatDate(closure.disposedAt)}</dd>
<dt>${atr.labels.department}</dt><dd>${esc(department)}</dd>
<dt>${atr.labels.subject}</dt><dd>${esc(closure.subject)}</dd>
<dt>${atr.labels.actionTaken}</dt><dd>${esc(closure.actionTaken)}</dd></dl><p>${esc(w.helpline)}</p>`,
  );
}

/** After a recorded answer: the grievance number and what happens next (which level, roughly by when, 181). */
export function thanksPage(language: Language, grievanceId: string, answer: Answer): string {
  const w = WORDING[language].linkPage;
  const next =
    answer.rating === 'NOT_SATISFIED' && answer.level
      ? fill(w.thanks.NOT_SATISFIED, { level: WORDING[language].levels[answer.level], days: String(Math.round(DEFAULT_ESCALATION_SLA_HOURS[answer.level] / 24)) })
      : w.thanks.SATISFIED;
  return page(language, w.thanks.heading, `<h1>${esc(w.thanks.heading)}</h1><p data-testid="grievance">${esc(fill(w.grievance, { id: grievanceId }))}</p>
<p data-testid="next">${esc(next)}</p><p>${esc(w.helpline)}</p>`);
}

/** The link opened (or its form sent) again after the answer: what it was, and where it went. */
export function answeredPage(language: Language, grievanceId: string, token: string, answer: Answer): string {
  const w = WORDING[language].linkPage;
  const level = answer.level ?? 1;
  const said = fill(w.answered[answer.rating], { level: WORDING[language].levels[level] });
  return page(language, w.answered.heading, `<h1>${esc(w.answered.heading)}</h1><p data-testid="grievance">${esc(fill(w.grievance, { id: grievanceId }))}</p>
<p data-testid="answer">${esc(said)}</p><p><a href="/atr/${esc(token)}/pdf">${w.openPdf}</a></p><p>${esc(w.helpline)}</p>`);
}

/** Why the link cannot be used, in the citizen's language; in both (Hindi first) when we do not know theirs. */
export function gonePage(language: Language | undefined, why: LinkGone): string {
  const section = (l: Language, h: 'h1' | 'h2') => {
    const { title, body } = WORDING[l].linkPage.gone[why];
    return `<section lang="${l}"><${h}>${esc(title)}</${h}><p>${esc(body)}</p><p>${esc(WORDING[l].linkPage.helpline)}</p></section>`;
  };
  const lead = language ?? 'hi';
  const title = WORDING[lead].linkPage.gone[why].title;
  return page(lead, language ? title : `${title} / ${WORDING.en.linkPage.gone[why].title}`, language ? section(lead, 'h1') : `${section('hi', 'h1')}${section('en', 'h2')}`);
}
