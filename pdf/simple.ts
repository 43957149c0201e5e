/**
 * A plain one-language ATR in pdf-lib's built-in Helvetica: a real, valid PDF with the closure's facts.
 * Helvetica has no Devanagari, so any character outside WinAnsi is shown as '?'. Stands in until the
 * bilingual renderer (HarfBuzz-shaped Hindi) replaces it.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { AtrRenderer } from '../activities/ports';
import type { Closure } from '../contracts/closure';

const PAGE: [number, number] = [595.28, 841.89]; // A4 in points
const MARGIN = 50;

function winAnsi(s: string): string {
  return s.replace(/[^\x20-\x7E\xA0-\xFF\n]/g, '?');
}

function istDate(isoString: string): string {
  const d = new Date(Date.parse(isoString) + 330 * 60_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
}

/** Creates the simple renderer. */
export function createSimpleRenderer(): AtrRenderer {
  return {
    async render(closure: Closure, { atrId }) {
      const doc = await PDFDocument.create();
      doc.setTitle(`Action Taken Report ${atrId}`);
      doc.setCreator('Sampark ATR');
      const font = await doc.embedFont(StandardFonts.Helvetica);
      const bold = await doc.embedFont(StandardFonts.HelveticaBold);
      let page = doc.addPage(PAGE);
      let y = PAGE[1] - MARGIN;
      const width = PAGE[0] - 2 * MARGIN;
      const line = (text: string, size = 11, f = font) => {
        for (const para of winAnsi(text).split('\n')) {
          let current = '';
          for (const word of para.split(/\s+/)) {
            const next = current ? `${current} ${word}` : word;
            if (f.widthOfTextAtSize(next, size) > width && current) {
              draw(current, size, f);
              current = word;
            } else current = next;
          }
          draw(current, size, f);
        }
      };
      const draw = (text: string, size: number, f: typeof font) => {
        if (y < MARGIN) {
          page = doc.addPage(PAGE);
          y = PAGE[1] - MARGIN;
        }
        page.drawText(text, { x: MARGIN, y, size, font: f });
        y -= size * 1.5;
      };
      line('Government of Rajasthan - Rajasthan Sampark', 14, bold);
      line('Action Taken Report', 13, bold);
      y -= 6;
      line(`ATR number: ${atrId}`);
      line(`Grievance number: ${closure.grievanceId}`);
      line(`Registered: ${istDate(closure.registeredAt)}    Disposed: ${istDate(closure.disposedAt)}`);
      line(`Department: ${closure.department.nameEn}    District: ${closure.district.nameEn}`);
      line(`Officer: ${closure.officer.name}, ${closure.officer.designation}`);
      line(`Citizen: ${closure.citizen.name}`);
      line(`Subject: ${closure.subject}`);
      y -= 6;
      line('Action taken', 12, bold);
      line(closure.actionTaken);
      y -= 6;
      line('Reply on WhatsApp to tell us whether you are satisfied, or call 181.', 10);
      return { pdf: await doc.save(), pageCount: doc.getPageCount() };
    },
  };
}
