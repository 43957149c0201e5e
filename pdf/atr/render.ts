/**
 * The ATR as a PDF, in the citizen's language first and the other below or beside it: Government of
 * Rajasthan heading, the grievance facts, the action taken (any length, wrapped and paginated), attachments,
 * how to give feedback, a verification QR code, and page numbers.
 */
import os from 'node:os';
import pLimit from 'p-limit';
import QRCode from 'qrcode';
import type { Closure, Language } from '../../contracts/closure';
import { escalationStartLevel } from '../../contracts/escalation';
import type { EscalationLevel } from '../../contracts/workflow';
import { loadFonts, type Face, type FontSet } from '../engine/fonts';
import { measure, wrap, wrapFixed, type TextStyle } from '../engine/layout';
import { A4, PdfWriter, type Page } from '../engine/writer';
import { istDate } from '../seal';
import { WORDING, citizenDate, fill, inBothLanguages, type Bilingual } from '../../messaging/wording';

// The document prints every phrase in both languages, the citizen's first.
const HEADING = { ...inBothLanguages((w) => w.names), ...inBothLanguages((w) => w.document.heading) };
const LABELS = inBothLanguages((w) => w.document.labels);
const FEEDBACK = inBothLanguages((w) => w.document.feedback);
const FOOTER = inBothLanguages((w) => w.document.footer);

const MARGIN = 40;
const WIDTH = A4.width - 2 * MARGIN;
const TOP = A4.height - MARGIN;
const BOTTOM = 58; // content stops here; the footer sits below
const LABEL_WIDTH = 138;
const VALUE_X = MARGIN + LABEL_WIDTH + 10;
const VALUE_WIDTH = WIDTH - LABEL_WIDTH - 10;
const BODY = 10.5;
const BODY_LEADING = 15.5;
const GRAY = 0.35;

/** The date of an instant as the citizen reads it: the day in IST, DD-MM-YYYY. */
export function formatDate(iso: string): string {
  return citizenDate(istDate(iso));
}

/** Renders one ATR. */
export async function renderAtrPdf(closure: Closure, atrId: string, verificationUrl: string): Promise<{ pdf: Uint8Array; pageCount: number }> {
  const fonts = await loadFonts();
  const writer = await PdfWriter.create(fonts, {
    title: `${HEADING.title.hi} / ${HEADING.title.en} ${atrId}`,
    subject: `Grievance ${closure.grievanceId}`,
    author: `${HEADING.government.en} — ${closure.department.nameEn}`,
    keywords: ['ATR', WORDING.en.names.sampark, closure.grievanceId],
    date: new Date(closure.disposedAt),
    language: closure.citizen.language === 'hi' ? 'hi-IN' : 'en-IN',
  });
  const doc = new AtrLayout(writer, fonts, closure.citizen.language, atrId, closure.grievanceId);
  // One byte-mode segment and a fixed mask pattern read as well as the encoder's own choices, and spare
  // its segment optimisation and its trial of all eight masks (most of the encoding time).
  doc.header(QRCode.create([{ data: Buffer.from(verificationUrl, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 0 }).modules);
  doc.facts(closure, atrId);
  doc.section(LABELS.actionTaken);
  doc.paragraphs(closure.actionTaken);
  if (closure.attachments.length) {
    doc.section(LABELS.attachments);
    doc.paragraphs(closure.attachments.map((a, i) => `${i + 1}. ${a.name}${a.url ? ` — ${a.url}` : ''}`).join('\n'));
  }
  // The feedback box names the level a "not satisfied" of this cycle goes to (before any reason is known).
  doc.feedbackBox(escalationStartLevel(closure.cycle));
  doc.footers();
  return { pdf: await writer.save(), pageCount: writer.pageCount };
}

/**
 * Renders at once on a worker: rendering is CPU-bound, so more than one per core only holds more half-built
 * PDFs in memory (100 at once cost 65 MB more resident than one at a time) without finishing any sooner.
 */
const RENDER_CONCURRENCY = Math.max(1, os.availableParallelism());

/** Renders the ATR document; `verificationUrl` goes into its QR code. */
export interface AtrRenderer {
  render(closure: Closure, meta: { atrId: string; verificationUrl: string }): Promise<{ pdf: Uint8Array; pageCount: number }>;
}

/** The ATR renderer behind the activity port, with at most `concurrency` renders in progress. */
export function createAtrRenderer({ concurrency = RENDER_CONCURRENCY, render = renderAtrPdf } = {}): AtrRenderer {
  const limit = pLimit(concurrency);
  return { render: (closure, { atrId, verificationUrl }) => limit(() => render(closure, atrId, verificationUrl)) };
}

class AtrLayout {
  private page: Page;
  private y = TOP;
  private readonly pages: Page[] = [];

  constructor(
    private readonly writer: PdfWriter,
    private readonly fonts: FontSet,
    private readonly lead: Language,
    private readonly atrId: string,
    private readonly grievanceId: string,
  ) {
    this.page = this.newPage(false);
  }

  /** The lead language's phrase, then the other one. */
  private order(b: Bilingual): [string, string] {
    return this.lead === 'hi' ? [b.hi, b.en] : [b.en, b.hi];
  }

  private both(b: Bilingual, sep = ' / '): string {
    return this.order(b).join(sep);
  }

  private style(face: Face, size: number): TextStyle {
    return { face, size };
  }

  private draw(text: string, style: TextStyle, x: number, y: number, gray = 0): void {
    if (text) this.page.text(style.face.shaper.shapeLine(text), style.face, style.size, x, y, gray);
  }

  private newPage(continued = true): Page {
    const page = this.writer.addPage();
    this.pages.push(page);
    this.page = page;
    this.y = TOP;
    if (continued) {
      const small = this.style(this.fonts.regular, 8.5);
      this.draw(`${LABELS.atrNumber.en} ${this.atrId} · ${this.both(LABELS.grievanceNumber)} ${this.grievanceId} (${this.both(HEADING.continued)})`, small, MARGIN, this.y - 9, GRAY);
      page.line(MARGIN, this.y - 15, MARGIN + WIDTH, this.y - 15, 0.5, 0.6);
      this.y -= 32;
    }
    return page;
  }

  /** Moves to a new page unless `height` points still fit. */
  private ensure(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  header(qr: { size: number; get(r: number, c: number): number | boolean }): void {
    const bandHeight = 96;
    const qrSide = 78;
    this.page.rect(MARGIN, TOP - bandHeight, WIDTH, bandHeight, { fill: 0.95 });
    const qrX = MARGIN + WIDTH - qrSide - 6;
    this.page.rect(qrX, TOP - 6 - qrSide, qrSide, qrSide, { fill: 1 });
    this.page.qr(qr, qrX, TOP - 6 - qrSide, qrSide);
    const caption = this.style(this.fonts.regular, 6.5);
    for (const [i, line] of this.order(HEADING.scanToVerify).entries()) {
      this.draw(line, caption, qrX + (qrSide - measure(line, caption)) / 2, TOP - qrSide - 13 - i * 7.5, GRAY);
    }
    const x = MARGIN + 10;
    this.draw(this.both(HEADING.government, ' · '), this.style(this.fonts.bold, 13.5), x, TOP - 22);
    const [portalLead, portalOther] = this.order(HEADING.portal);
    this.draw(portalLead, this.style(this.fonts.regular, 9), x, TOP - 37, GRAY);
    this.draw(portalOther, this.style(this.fonts.regular, 9), x, TOP - 49, GRAY);
    this.draw(this.both(HEADING.title), this.style(this.fonts.bold, 17), x, TOP - 78);
    this.y = TOP - bandHeight - 16;
  }

  facts(c: Closure, atrId: string): void {
    const name = (n: { nameEn: string; nameHi?: string }) =>
      n.nameHi && n.nameHi !== n.nameEn ? (this.lead === 'hi' ? `${n.nameHi} (${n.nameEn})` : `${n.nameEn} (${n.nameHi})`) : n.nameEn;
    const rows: [Bilingual, string][] = [
      [LABELS.atrNumber, atrId],
      [LABELS.grievanceNumber, c.cycle > 1 ? `${c.grievanceId} (${this.both(LABELS.disposalCycle)} ${c.cycle})` : c.grievanceId],
      [LABELS.registeredOn, formatDate(c.registeredAt)],
      [LABELS.disposedOn, formatDate(c.disposedAt)],
      [LABELS.department, name(c.department)],
      [LABELS.district, name(c.district)],
      [LABELS.officer, `${c.officer.name}, ${c.officer.designation}`],
      [LABELS.complainant, c.citizen.name],
      [LABELS.subject, c.subject],
    ];
    const labelLead = this.style(this.fonts.bold, 9);
    const labelOther = this.style(this.fonts.regular, 8);
    const value = this.style(this.fonts.regular, BODY);
    for (const [label, text] of rows) {
      const lines = wrap(text, value, VALUE_WIDTH);
      const height = Math.max(24, lines.length * 14 + 6);
      this.ensure(height);
      const [lead, other] = this.order(label);
      this.draw(lead, labelLead, MARGIN, this.y - 10);
      this.draw(other, labelOther, MARGIN, this.y - 21, GRAY);
      lines.forEach((line, i) => this.draw(line, value, VALUE_X, this.y - 10.5 - i * 14));
      this.y -= height;
      this.page.line(MARGIN, this.y + 2, MARGIN + WIDTH, this.y + 2, 0.4, 0.82);
    }
    this.y -= 10;
  }

  section(title: Bilingual): void {
    this.ensure(24 + 2 * BODY_LEADING);
    this.draw(this.both(title), this.style(this.fonts.bold, 12), MARGIN, this.y - 12);
    this.page.line(MARGIN, this.y - 18, MARGIN + WIDTH, this.y - 18, 0.8, 0.2);
    this.y -= 34;
  }

  paragraphs(text: string): void {
    const body = this.style(this.fonts.regular, BODY);
    for (const line of wrap(text, body, WIDTH)) {
      this.ensure(BODY_LEADING);
      this.draw(line, body, MARGIN, this.y);
      this.y -= BODY_LEADING;
    }
    this.y -= 8;
  }

  feedbackBox(level: EscalationLevel): void {
    const heading = this.style(this.fonts.bold, 10.5);
    const leadStyle = this.style(this.fonts.regular, 9.5);
    const otherStyle = this.style(this.fonts.regular, 8.5);
    const inner = WIDTH - 24;
    const body = { hi: fill(FEEDBACK.body.hi, { level: WORDING.hi.levels[level] }), en: fill(FEEDBACK.body.en, { level: WORDING.en.levels[level] }) };
    const [leadBody, otherBody] = this.order(body);
    const leadLines = wrapFixed(leadBody, leadStyle, inner);
    const otherLines = wrapFixed(otherBody, otherStyle, inner);
    const height = 30 + leadLines.length * 13 + 6 + otherLines.length * 11.5 + 8;
    this.ensure(height + 6);
    const top = this.y - 4;
    this.page.rect(MARGIN, top - height, WIDTH, height, { fill: 0.97, stroke: 0.55, lineWidth: 0.7 });
    let y = top - 18;
    this.draw(this.both(FEEDBACK.heading), heading, MARGIN + 12, y);
    y -= 17;
    for (const line of leadLines) {
      this.draw(line, leadStyle, MARGIN + 12, y);
      y -= 13;
    }
    y -= 6;
    for (const line of otherLines) {
      this.draw(line, otherStyle, MARGIN + 12, y, GRAY);
      y -= 11.5;
    }
    this.y = top - height - 6;
  }

  footers(): void {
    const small = this.style(this.fonts.regular, 7.5);
    const total = this.pages.length;
    this.pages.forEach((page, i) => {
      this.page = page;
      page.line(MARGIN, 46, MARGIN + WIDTH, 46, 0.5, 0.6);
      this.draw(this.both(FOOTER.disclaimer, ' · '), small, MARGIN, 34, GRAY);
      const number = fill(this.both(FOOTER.page, ' · '), { n: String(i + 1), total: String(total) });
      this.draw(number, small, MARGIN + WIDTH - measure(number, small), 34, GRAY);
    });
  }
}
