/**
 * The citizen's phone: one self-contained HTML page per number showing our WhatsApp messages as the
 * citizen sees them (template text filled in, the ATR document, quick replies, reply buttons, lists),
 * the citizen's own messages and any SMS. Taps and typing POST to /_sim/inbound, which sends the webhook.
 * Stable data-testid attributes let a headless browser drive it.
 */
import { ATR_LINK_URL_PATH, type StatusUpdate } from '../../messaging/whatsapp/protocol';
import type { Conversation, InboundRecord, OutboundRecord, SmsRecord } from './state';
import type { ValidDocument } from './send-validation';

/** What the page shows. */
export interface PhonePageInput {
  number: string;
  conversation: Conversation | undefined;
  businessName: string;
  /** Where the templates' URL buttons point before their suffix. */
  templateUrlBase: string;
  undeliverable: boolean;
}

type Item = { seq: number } & ({ kind: 'out'; r: OutboundRecord } | { kind: 'in'; r: InboundRecord } | { kind: 'sms'; r: SmsRecord });

/** Renders the page. */
export function renderPhonePage({ number, conversation: c, businessName, templateUrlBase, undeliverable }: PhonePageInput): string {
  const items: Item[] = [
    ...(c?.outbound ?? []).filter((r) => !r.undeliverable && !r.failure).map((r) => ({ seq: r.seq, kind: 'out' as const, r })),
    ...(c?.inbound ?? []).map((r) => ({ seq: r.seq, kind: 'in' as const, r })),
    ...(c?.sms ?? []).map((r) => ({ seq: r.seq, kind: 'sms' as const, r })),
  ].sort((a, b) => a.seq - b.seq);
  const bodies = new Map((c?.outbound ?? []).map((r) => [r.wamid!, r]));
  const e164 = `+${number}`;
  const rendered = items.map((item) => (item.kind === 'out' ? ours(item.r, templateUrlBase) : item.kind === 'in' ? theirs(item.r, bodies) : sms(item.r))).join('\n');
  return `<!doctype html>
<html lang="hi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(e164)} · WhatsApp simulator</title>
<style>${CSS}</style>
</head>
<body>
<header data-testid="chat-header"><div class="avatar">स</div><div><div class="name">${esc(businessName)}</div><div class="sub">Business account · you are ${esc(e164)}</div></div></header>
${undeliverable ? '<div class="banner" data-testid="not-on-whatsapp">This number is not on WhatsApp (simulated): WhatsApp messages to it fail with 131026. SMS still arrive.</div>' : ''}
<main id="chat" data-testid="chat" data-version="${c?.version ?? 0}">
${rendered || '<p class="empty" data-testid="empty">No messages yet.</p>'}
</main>
<form id="composer" data-testid="composer" autocomplete="off">
  <div id="replying" data-testid="replying" hidden>Replying to a message <button type="button" data-action="cancel-reply" data-testid="cancel-reply">×</button></div>
  <div class="row">
    <input id="text" name="text" data-testid="text-input" placeholder="Message" maxlength="4096">
    <button type="submit" data-testid="send-text" title="Send">Send</button>
    <button type="button" data-action="voice" data-testid="send-voice" title="Send a voice note">Voice</button>
  </div>
  <div id="error" data-testid="error" role="alert"></div>
</form>
<script>${script(e164, c?.version ?? 0)}</script>
</body>
</html>`;
}

function ours(r: OutboundRecord, templateUrlBase: string): string {
  const send = r.send!;
  const wamid = esc(r.wamid!);
  const parts: string[] = [];
  if (send.contextWamid) parts.push('<div class="quote">↪ reply to an earlier message</div>');
  if (send.type === 'template') {
    const t = send.template;
    if (t.document) parts.push(docLink(t.document));
    parts.push(`<div class="text" data-testid="message-text">${esc(t.body)}</div>`);
    parts.push(meta(r));
    parts.push(
      `<div class="buttons">${t.link ? `<a class="link" data-testid="template-link" href="${esc(templateUrlBase + ATR_LINK_URL_PATH.replace('{{1}}', encodeURIComponent(t.link.suffix)))}">↗ ${esc(t.link.label)}</a>` : ''}${t.quickReplies
        .map((q, i) => `<button type="button" data-testid="quick-reply-${i}" data-action="button" data-wamid="${wamid}" data-index="${i}">↩ ${esc(q.label)}</button>`)
        .join('')}</div>`,
    );
  } else if (send.type === 'interactive') {
    const m = send.interactive;
    if (m.header) parts.push(`<div class="head">${esc(m.header.text)}</div>`);
    parts.push(`<div class="text" data-testid="message-text">${linkify(m.body.text)}</div>`);
    if (m.footer) parts.push(`<div class="foot">${esc(m.footer.text)}</div>`);
    parts.push(meta(r));
    if (m.type === 'button') {
      parts.push(
        `<div class="buttons">${m.action.buttons
          .map((b, i) => `<button type="button" data-testid="reply-button-${i}" data-action="button_reply" data-wamid="${wamid}" data-id="${esc(b.reply.id)}">${esc(b.reply.title)}</button>`)
          .join('')}</div>`,
      );
    } else {
      let row = 0;
      const sections = m.action.sections
        .map(
          (s) =>
            `<div class="section">${s.title ? `<div class="stitle">${esc(s.title)}</div>` : ''}${s.rows
              .map(
                (x) =>
                  `<button type="button" class="rowbtn" data-testid="list-row-${row++}" data-action="list_reply" data-wamid="${wamid}" data-id="${esc(x.id)}"><span>${esc(x.title)}</span>${x.description ? `<small>${esc(x.description)}</small>` : ''}</button>`,
              )
              .join('')}</div>`,
        )
        .join('');
      parts.push(`<details class="list" data-testid="list"><summary data-testid="list-open">☰ ${esc(m.action.button)}</summary>${sections}</details>`);
    }
  } else if (send.type === 'document') {
    parts.push(docLink(send.document));
    if (send.document.caption) parts.push(`<div class="text" data-testid="message-text">${linkify(send.document.caption)}</div>`);
    parts.push(meta(r));
  } else if (send.type === 'reaction') {
    // WhatsApp shows a reaction on the message it reacts to; here it is a small line naming that message.
    const target = send.reaction.emoji ? `${esc(send.reaction.emoji)} on` : 'Reaction removed from';
    parts.push(`<div class="text" data-testid="reaction" data-target="${esc(send.reaction.messageId)}">${target} an earlier message</div>`);
  } else {
    parts.push(`<div class="text" data-testid="message-text">${linkify(send.text.body)}</div>`);
    parts.push(meta(r));
  }
  parts.push(`<button type="button" class="replyto" data-action="reply-to" data-testid="reply-to" data-wamid="${wamid}">Reply</button>`);
  return `<div class="msg ours" data-testid="message" data-wamid="${wamid}" data-type="${send.type}">${parts.join('')}</div>`;
}

function theirs(r: InboundRecord, ourMessages: Map<string, OutboundRecord>): string {
  const m = r.message;
  const quoted = m.context?.id ? ourMessages.get(m.context.id) : undefined;
  const quote = quoted ? `<div class="quote">↪ ${esc(preview(quoted))}</div>` : '';
  let content: string;
  switch (m.type) {
    case 'text':
      content = linkify(m.text.body);
      break;
    case 'button':
      content = esc(m.button.text);
      break;
    case 'interactive':
      content = esc(m.interactive.type === 'button_reply' ? m.interactive.button_reply.title : m.interactive.list_reply.title);
      break;
    case 'audio':
      content = `<span class="badge">Voice</span> voice message <audio controls preload="none" src="/phone/media/${encodeURIComponent(m.audio.id)}"></audio>`;
      break;
    default:
      content = esc(`[${m.type}]`);
  }
  const ticks = `<span class="ticks${r.readByBusiness ? ' read' : ''}">✓✓</span>`;
  return `<div class="msg theirs" data-testid="citizen-message" data-wamid="${esc(r.wamid)}" data-type="${esc(m.type)}">${quote}<div class="text">${content}</div><div class="meta">${time(r.atMs)} ${ticks}</div></div>`;
}

function sms(r: SmsRecord): string {
  return `<div class="msg sms" data-testid="sms" data-id="${esc(r.id)}"><div class="head">SMS · ${esc(r.sender)}</div><div class="text">${linkify(r.text)}</div><div class="meta">${time(Date.parse(r.receivedAt))}</div></div>`;
}

function docLink(doc: ValidDocument): string {
  // Belt and braces with the send schema: a link that is not http(s) (javascript:, data:) is shown without one.
  const href = doc.id ? `/phone/media/${encodeURIComponent(doc.id)}` : /^https?:\/\//i.test(doc.link ?? '') ? doc.link! : undefined;
  return `<a class="doc" data-testid="document-link"${href ? ` href="${esc(href)}"` : ''} target="_blank" rel="noopener"><span class="badge">${docBadge(doc)}</span><span>${esc(doc.filename ?? 'Document')}</span></a>`;
}

// Text badges rather than emoji: a bare machine (CI's headless Chromium) has no emoji font.
function docBadge(doc: { filename?: string }): string {
  const ext = /\.([a-z0-9]{1,4})$/i.exec(doc.filename ?? '')?.[1];
  return esc((ext ?? 'doc').toUpperCase());
}

function meta(r: OutboundRecord): string {
  return `<div class="meta">${time(r.receivedAtMs)} ${ticks(r.statuses)}</div>`;
}

function ticks(statuses: StatusUpdate[]): string {
  const seen = new Set(statuses.map((s) => s.status));
  if (seen.has('read')) return '<span class="ticks read" data-testid="ticks" data-status="read">✓✓</span>';
  if (seen.has('delivered')) return '<span class="ticks" data-testid="ticks" data-status="delivered">✓✓</span>';
  if (seen.has('sent')) return '<span class="ticks" data-testid="ticks" data-status="sent">✓</span>';
  return '<span class="ticks" data-testid="ticks" data-status="pending">…</span>';
}

function preview(r: OutboundRecord): string {
  const send = r.send!;
  const text = ((): string => {
    switch (send.type) {
      case 'template':
        return send.template.body;
      case 'interactive':
        return send.interactive.body.text;
      case 'document':
        return send.document.caption ?? send.document.filename ?? 'Document';
      case 'reaction':
        return send.reaction.emoji;
      default:
        return send.text.body;
    }
  })();
  return [...text].length > 60 ? `${[...text].slice(0, 60).join('')}…` : text;
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-IN', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes, then makes http(s) links clickable (SMS carry the ATR link). */
function linkify(s: string): string {
  return esc(s).replace(/https?:\/\/[^\s<]+[^\s<.,;:!?)'"]/g, (url) => `<a href="${url}" target="_blank" rel="noopener" data-testid="link">${url}</a>`);
}

function script(number: string, version: number): string {
  // JSON inside <script>: "<" escaped so no text can close the element.
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `
(() => {
  const number = ${json(number)};
  let replyTo = null;
  const version = ${json(version)};
  const form = document.getElementById('composer');
  const input = document.getElementById('text');
  const replying = document.getElementById('replying');
  const error = document.getElementById('error');
  let busy = false;
  async function post(body) {
    if (busy) return;
    busy = true;
    error.textContent = '';
    try {
      const res = await fetch('/_sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.assign({ from: number }, body)) });
      if (!res.ok) { error.textContent = 'Not sent: ' + (await res.text()); return; }
      input.value = '';
      location.reload();
    } catch (e) {
      error.textContent = 'Not sent: ' + e;
    } finally {
      busy = false;
    }
  }
  document.addEventListener('click', (event) => {
    const el = event.target.closest('[data-action]');
    if (!el) return;
    const d = el.dataset;
    if (d.action === 'button') post({ type: 'button', contextWamid: d.wamid, index: Number(d.index) });
    else if (d.action === 'button_reply') post({ type: 'button_reply', contextWamid: d.wamid, id: d.id });
    else if (d.action === 'list_reply') post({ type: 'list_reply', contextWamid: d.wamid, id: d.id });
    else if (d.action === 'voice') post({ type: 'audio', contextWamid: replyTo || undefined });
    else if (d.action === 'reply-to') { replyTo = d.wamid; replying.hidden = false; input.focus(); }
    else if (d.action === 'cancel-reply') { replyTo = null; replying.hidden = true; }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) post({ type: 'text', text, contextWamid: replyTo || undefined });
  });
  // New messages and ticks appear by reloading (which also marks them read), unless the citizen is typing.
  setInterval(async () => {
    if (busy || input.value || !replying.hidden) return;
    try {
      const res = await fetch('/_sim/phone/' + encodeURIComponent(number) + '/version');
      if (res.ok && (await res.json()).version !== version) location.reload();
    } catch (e) { /* the simulator restarted; keep polling */ }
  }, 1500);
  window.scrollTo(0, document.body.scrollHeight);
})();
`;
}

const CSS = `
@font-face { font-family: 'Noto Sans Devanagari'; src: url('/phone/fonts/regular') format('truetype'); font-weight: 400; }
@font-face { font-family: 'Noto Sans Devanagari'; src: url('/phone/fonts/bold') format('truetype'); font-weight: 700; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 480px; min-height: 100vh; display: flex; flex-direction: column; background: #efeae2;
  font-family: 'Noto Sans Devanagari', 'Noto Sans', 'Nirmala UI', Mangal, 'Kohinoor Devanagari', system-ui, sans-serif; font-size: 15px; color: #111b21; }
header { position: sticky; top: 0; display: flex; gap: 10px; align-items: center; padding: 10px 12px; background: #008069; color: #fff; z-index: 1; }
.avatar { width: 36px; height: 36px; border-radius: 50%; background: #fff; color: #008069; display: grid; place-items: center; font-weight: 700; }
.name { font-weight: 700; } .sub { font-size: 12px; opacity: .85; }
.banner { background: #fff3cd; padding: 8px 12px; font-size: 13px; }
main { flex: 1; padding: 10px; display: flex; flex-direction: column; gap: 8px; }
.empty { text-align: center; color: #667781; }
.msg { max-width: 85%; padding: 6px 8px 4px; border-radius: 8px; box-shadow: 0 1px .5px rgba(0,0,0,.13); background: #fff; align-self: flex-start; }
.msg.theirs { align-self: flex-end; background: #d9fdd3; }
.msg.sms { background: #e7f0fb; border: 1px dashed #7aa7d9; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; }
.head { font-weight: 700; margin-bottom: 2px; } .foot { color: #667781; font-size: 13px; margin-top: 2px; }
.quote { border-left: 3px solid #06cf9c; background: rgba(0,0,0,.05); padding: 2px 6px; margin-bottom: 4px; font-size: 13px; color: #54656f; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: #e2574c; border-radius: 3px; padding: 2px 5px; margin-right: 6px; }
.doc { display: flex; gap: 6px; align-items: center; padding: 10px; margin-bottom: 6px; background: #f0f2f5; border-radius: 6px; color: #111b21; text-decoration: none; }
.meta { text-align: right; font-size: 11px; color: #667781; }
.ticks.read { color: #53bdeb; }
.buttons { display: flex; flex-direction: column; border-top: 1px solid #e9edef; margin-top: 4px; }
.buttons a.link { display: block; text-align: center; padding: 9px; color: #027eb5; text-decoration: none; border-bottom: 1px solid #e9edef; }
.buttons button, .rowbtn, summary { font: inherit; color: #027eb5; background: none; border: 0; padding: 9px; cursor: pointer; text-align: center; }
.buttons button + button { border-top: 1px solid #e9edef; }
.list summary { border-top: 1px solid #e9edef; list-style: none; text-align: center; }
.section { padding: 4px 0; } .stitle { color: #008069; font-size: 13px; padding: 4px 8px; }
.rowbtn { display: block; width: 100%; text-align: left; color: #111b21; border-top: 1px solid #f0f2f5; }
.rowbtn small { display: block; color: #667781; }
.replyto { font: inherit; font-size: 12px; color: #667781; background: none; border: 0; padding: 2px 0 0; cursor: pointer; }
form { position: sticky; bottom: 0; background: #f0f2f5; padding: 8px; }
.row { display: flex; gap: 6px; }
#text { flex: 1; font: inherit; padding: 10px 12px; border: 0; border-radius: 20px; }
form button[type=submit], form [data-action=voice] { font: inherit; padding: 0 12px; border: 0; border-radius: 20px; background: #008069; color: #fff; cursor: pointer; }
#replying { font-size: 13px; color: #54656f; padding: 0 4px 6px; }
#error { color: #b00020; font-size: 13px; }
`;
