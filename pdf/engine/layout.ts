/**
 * Line breaking for shaped text. Lines break at spaces; a word wider than the line breaks between
 * HarfBuzz clusters, which for Devanagari are whole syllables, so a conjunct or a vowel sign is never
 * split from its consonant.
 */
import type { Face } from './fonts';

/** A face at a size. */
export interface TextStyle {
  face: Face;
  size: number;
}

/** Width in points of `text` set in `style`. */
export function measure(text: string, { face, size }: TextStyle): number {
  return (face.shaper.shapeLine(text).advance * size) / face.file.unitsPerEm;
}

const fixedWording = new Map<string, string[]>();

/** wrap() for the ATR's fixed wording (headings, feedback instructions, footers), remembered per process. */
export function wrapFixed(text: string, style: TextStyle, maxWidth: number): string[] {
  const key = `${style.face.id}|${style.size}|${maxWidth}|${text}`;
  let lines = fixedWording.get(key);
  if (!lines) {
    lines = wrap(text, style, maxWidth);
    if (fixedWording.size < 1_000) fixedWording.set(key, lines);
  }
  return lines;
}

/** Breaks text into lines no wider than `maxWidth` points. Newlines start new lines; blank lines are kept. */
export function wrap(text: string, style: TextStyle, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/[ \t]+/).filter(Boolean);
    if (words.length === 0) {
      lines.push('');
      continue;
    }
    const space = measure(' ', style);
    let line = '';
    let width = 0;
    for (const word of words) {
      const w = measure(word, style);
      if (line && width + space + w <= maxWidth) {
        line += ` ${word}`;
        width += space + w;
        continue;
      }
      if (line) lines.push(line);
      if (w <= maxWidth) {
        line = word;
        width = w;
        continue;
      }
      const pieces = breakWord(word, style, maxWidth);
      lines.push(...pieces.slice(0, -1));
      line = pieces[pieces.length - 1]!;
      width = measure(line, style);
    }
    lines.push(line);
  }
  return lines;
}

/** Splits one over-long word at cluster boundaries into pieces that fit. */
function breakWord(word: string, style: TextStyle, maxWidth: number): string[] {
  const { face, size } = style;
  const { glyphs } = face.shaper.shape(word);
  const scale = size / face.file.unitsPerEm;
  const pieces: string[] = [];
  let pieceStart = 0;
  let width = 0;
  let lastBoundary = 0; // cluster index where the current piece may end
  for (let i = 0; i < glyphs.length; i++) {
    const g = glyphs[i]!;
    const startsCluster = i === 0 || g.cluster !== glyphs[i - 1]!.cluster;
    if (startsCluster && g.cluster > pieceStart) lastBoundary = g.cluster;
    width += g.ax * scale;
    if (width > maxWidth && lastBoundary > pieceStart) {
      pieces.push(word.slice(pieceStart, lastBoundary));
      pieceStart = lastBoundary;
      width = measure(word.slice(pieceStart, clusterEndAfter(glyphs, i, word.length)), style);
    }
  }
  pieces.push(word.slice(pieceStart));
  return pieces;
}

function clusterEndAfter(glyphs: { cluster: number }[], i: number, fallback: number): number {
  for (let j = i + 1; j < glyphs.length; j++) if (glyphs[j]!.cluster !== glyphs[i]!.cluster) return glyphs[j]!.cluster;
  return fallback;
}
