/**
 * The inbox's page frame: plain HTML and one small inline stylesheet, no scripts, so a page is a few kilobytes and
 * readable on any phone browser. Landmarks, a skip link, labelled controls and text (never colour alone) for state.
 */
import { fill } from '../../messaging/wording';
import { OFFICER_WORDING, type OfficerWording } from '../../messaging/wording/officer';
import type { SignedIn } from './session';

/** The inbox's languages; Hindi is the default. */
export type InboxLanguage = 'hi' | 'en';

/** Escapes text for HTML content and attribute values. */
export const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The Content-Security-Policy of inbox pages: the citizens' one plus media from us (the voice note's <audio>). */
export const INBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `body{font-family:system-ui,'Noto Sans Devanagari',sans-serif;margin:0;line-height:1.5;color:#1a1a1a;background:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px}
header{background:#0b3d63;color:#fff;padding:8px 12px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header a,header button{color:#fff}header .title{font-weight:700;margin-right:auto}
header form{display:inline}header button{background:none;border:1px solid #fff;border-radius:4px;padding:4px 10px;font:inherit;cursor:pointer}
main{padding:12px;max-width:960px}h1{font-size:1.35rem;margin:8px 0}h2{font-size:1.1rem;margin:20px 0 6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px;border-bottom:1px solid #ccc;vertical-align:top}
.notice{background:#e7f3e8;border-left:4px solid #1b5e20;padding:8px;margin:8px 0}.error{background:#fdecea;border-left:4px solid #9b1c1c;padding:8px;margin:8px 0}
.overdue{color:#9b1c1c;font-weight:700}.vigilance{background:#5c1010;color:#fff;border-radius:4px;padding:0 6px;font-size:.9rem}
fieldset{border:1px solid #ccc;border-radius:6px;margin:8px 0;padding:8px}label{display:block;margin:6px 0 2px}
input,select,textarea{font:inherit;padding:6px;max-width:100%;box-sizing:border-box}textarea{width:100%}
button.primary{background:#0b3d63;color:#fff;border:0;border-radius:6px;padding:10px 16px;font:inherit;cursor:pointer;margin-top:6px}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end}.filters label{margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px}dt{font-weight:600}dd{margin:0}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}`;

/** The words of a language. */
export const wordsFor = (lang: InboxLanguage): OfficerWording => OFFICER_WORDING[lang];

/** A whole page: the header (title, language switch, who is signed in, logout) and the content. */
export function page(lang: InboxLanguage, opts: { title: string; body: string; signedIn?: SignedIn; csrf?: string; here: string }): string {
  const w = wordsFor(lang);
  const other: InboxLanguage = lang === 'hi' ? 'en' : 'hi';
  const who = opts.signedIn
    ? `<span>${esc(fill(w.common.signedInAs, { officer: opts.signedIn.officer.name, role: w.roles[opts.signedIn.officer.role] }))}</span>
<form method="post" action="/officer/logout"><input type="hidden" name="_csrf" value="${esc(opts.csrf ?? '')}"><button type="submit">${w.common.logout}</button></form>`
    : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(opts.title)} · ${esc(w.common.title)}</title><style>${STYLE}</style></head><body>
<a class="skip" href="#main">${w.common.skipToContent}</a>
<header><span class="title">${esc(w.common.title)}</span>
<a href="/officer/language/${other}?back=${encodeURIComponent(opts.here)}" lang="${other}" hreflang="${other}">${w.common.otherLanguage}</a>${who}</header>
<main id="main">${opts.body}</main></body></html>`;
}

/** A notice (after an action) or an error box, announced to screen readers. */
export function noticeBox(text: string | undefined, kind: 'notice' | 'error' = 'notice'): string {
  return text ? `<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${esc(text)}</p>` : '';
}

/** The login page. */
export function loginPage(lang: InboxLanguage, csrf: string, message?: { text: string; kind: 'notice' | 'error' }): string {
  const w = wordsFor(lang);
  return page(lang, {
    title: w.login.heading,
    here: '/officer/login',
    body: `<h1>${w.login.heading}</h1>${noticeBox(message?.text, message?.kind)}
<form method="post" action="/officer/login"><input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="officerId">${w.login.officerId}</label><input id="officerId" name="officerId" autocomplete="username" required maxlength="64" autocapitalize="none">
<label for="password">${w.login.password}</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<div><button class="primary" type="submit">${w.login.submit}</button></div></form><p>${w.login.help}</p>`,
  });
}

/** A page that only says what went wrong (404, a stale form, too many attempts, our fault). */
export function errorPage(lang: InboxLanguage, text: string, signedIn?: SignedIn): string {
  const w = wordsFor(lang);
  return page(lang, { title: text, here: '/officer', ...(signedIn ? { signedIn } : {}), body: `${noticeBox(text, 'error')}<p><a href="/officer">${w.common.backToList}</a></p>` });
}
