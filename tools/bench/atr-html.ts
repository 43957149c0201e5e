/** The same ATR as HTML, for Chromium's printToPDF baseline in the PDF benchmark. */
import type { Closure } from '../../contracts/closure';
import { formatDate } from '../../pdf/atr/render';
import { inBothLanguages } from '../../messaging/wording';

const HEADING = { ...inBothLanguages((w) => w.names), ...inBothLanguages((w) => w.document.heading) };
const LABELS = inBothLanguages((w) => w.document.labels);
const FEEDBACK = inBothLanguages((w) => w.document.feedback);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page shell (fonts from file://, so Chromium really uses Noto Sans Devanagari). */
export function atrHtmlShell(regularFont: string, boldFont: string): string {
  return `<!doctype html><html lang="hi"><head><meta charset="utf-8"><style>
@font-face { font-family: NSD; src: url('file://${regularFont}') format('truetype'); font-weight: 400; }
@font-face { font-family: NSD; src: url('file://${boldFont}') format('truetype'); font-weight: 700; }
@page { size: A4; margin: 40pt 40pt 58pt; }
body { font-family: NSD; font-size: 10.5pt; margin: 0; }
.band { background: #f2f2f2; padding: 8pt 10pt; display: flex; justify-content: space-between; }
.gov { font-weight: 700; font-size: 13.5pt; } .portal { color: #595959; font-size: 9pt; } h1 { font-size: 17pt; margin: 8pt 0 0; }
.qr { width: 78pt; height: 78pt; background: #fff; font-size: 6.5pt; color: #595959; text-align: center; }
table { width: 100%; border-collapse: collapse; margin-top: 12pt; } td { border-bottom: 0.4pt solid #d1d1d1; vertical-align: top; padding: 3pt 0; }
td.l { width: 138pt; font-weight: 700; font-size: 9pt; } td.l small { display: block; font-weight: 400; font-size: 8pt; color: #595959; }
h2 { font-size: 12pt; border-bottom: 0.8pt solid #333; padding-bottom: 3pt; } p { line-height: 15.5pt; margin: 0 0 8pt; white-space: pre-wrap; }
.fb { background: #f7f7f7; border: 0.7pt solid #8c8c8c; padding: 8pt 12pt; } .fb small { color: #595959; font-size: 8.5pt; }
</style></head><body></body></html>`;
}

/** The ATR body for one closure. */
export function atrHtmlBody(c: Closure, atrId: string): string {
  const row = (l: { hi: string; en: string }, v: string) => `<tr><td class="l">${l.hi}<small>${l.en}</small></td><td>${esc(v)}</td></tr>`;
  return `<div class="band"><div><div class="gov">${HEADING.government.hi} · ${HEADING.government.en}</div>
<div class="portal">${HEADING.portal.hi}<br>${HEADING.portal.en}</div><h1>${HEADING.title.hi} / ${HEADING.title.en}</h1></div>
<div class="qr">QR<br>${HEADING.scanToVerify.hi}<br>${HEADING.scanToVerify.en}</div></div>
<table>${row(LABELS.atrNumber, atrId)}${row(LABELS.grievanceNumber, c.grievanceId)}${row(LABELS.registeredOn, formatDate(c.registeredAt))}
${row(LABELS.disposedOn, formatDate(c.disposedAt))}${row(LABELS.department, `${c.department.nameHi ?? ''} (${c.department.nameEn})`)}
${row(LABELS.district, `${c.district.nameHi ?? ''} (${c.district.nameEn})`)}${row(LABELS.officer, `${c.officer.name}, ${c.officer.designation}`)}
${row(LABELS.complainant, c.citizen.name)}${row(LABELS.subject, c.subject)}</table>
<h2>${LABELS.actionTaken.hi} / ${LABELS.actionTaken.en}</h2><p>${esc(c.actionTaken)}</p>
<div class="fb"><b>${FEEDBACK.heading.hi} / ${FEEDBACK.heading.en}</b><p>${FEEDBACK.body.hi}</p><small>${FEEDBACK.body.en}</small></div>`;
}
