/**
 * Golden images: hard Hindi strings set by our engine look as Chromium (HarfBuzz) sets them in the same
 * font. References are Chromium's, committed under golden/ (regenerate with `npm run golden:update`).
 * The controls show the comparison catches what matters: a line shaped without Indic rules, and one
 * whose glyph positioning (GPOS) is dropped, as pdf-lib's own drawText does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { harfbuzz } from '../../pdf/engine/harfbuzz';
import { loadFonts } from '../../pdf/engine/fonts';
import type { Shaped } from '../../pdf/engine/shaper';
import { GOLDEN_SAMPLES, engineSamples } from '../../tools/scripts/golden';
import { compareInk, fromPng, type Gray } from '../../tools/scripts/raster';

/** The ink may differ by anti-aliasing at edges; a misplaced glyph differs by far more (see controls). */
const MAX_DIFFERING = 0.06;
const MAX_SIZE_DELTA = 2;

const reference = (name: string): Gray => fromPng(readFileSync(path.join(__dirname, 'golden', `${name}.png`)));

/** A deliberately wrong shaper: a given script and feature list for the whole line. */
async function shaperWith(script: string, features?: string): Promise<(text: string, bold: boolean) => Shaped> {
  const hb = await harfbuzz();
  const fonts = await loadFonts();
  return (text, bold) => {
    const buf = hb.createBuffer();
    buf.addText(text);
    buf.setDirection('ltr');
    buf.setScript(script);
    hb.shape((bold ? fonts.bold : fonts.regular).hbFont, buf, features);
    const infos = buf.getGlyphInfos();
    const positions = buf.getGlyphPositions();
    buf.destroy();
    const glyphs = infos.map((g, i) => ({ gid: g.codepoint, cluster: g.cluster, ax: positions[i]!.x_advance, dx: positions[i]!.x_offset, dy: positions[i]!.y_offset }));
    return { text, glyphs, advance: glyphs.reduce((a, g) => a + g.ax, 0) };
  };
}

const scores = (images: Gray[]) => images.map((img, i) => ({ name: GOLDEN_SAMPLES[i]!.name, ...compareInk(img, reference(GOLDEN_SAMPLES[i]!.name)) }));
const fails = (s: { sizeDelta: number; differing: number }) => s.sizeDelta > MAX_SIZE_DELTA || s.differing > MAX_DIFFERING;

describe('golden images against Chromium', () => {
  let ours: ReturnType<typeof scores>;
  beforeAll(async () => {
    ours = scores(await engineSamples());
  });

  test.each(GOLDEN_SAMPLES.map((s, i) => [s.name, s.why, i] as const))('sets "%s" (%s) as Chromium does', (_name, _why, i) => {
    const score = ours[i]!;
    expect(score.sizeDelta).toBeLessThanOrEqual(MAX_SIZE_DELTA);
    expect(score.differing).toBeLessThanOrEqual(MAX_DIFFERING);
  });

  test('catches a line shaped without Indic rules (vowel signs and conjuncts out of place)', async () => {
    const wrong = scores(await engineSamples(GOLDEN_SAMPLES, await shaperWith('Latn')));
    const failed = wrong.filter(fails).map((s) => s.name);
    expect(failed).toEqual(expect.arrayContaining(['i-matra', 'reph', 'conjuncts', 'half-forms', 'marks', 'latin-first', 'numerals', 'bold-title']));
  });

  test('catches a line whose glyph positioning was dropped (kerning, mark and half-form offsets)', async () => {
    const wrong = scores(await engineSamples(GOLDEN_SAMPLES, await shaperWith('Deva', '-kern,-mark,-mkmk,-dist,-abvm,-blwm')));
    const failed = wrong.filter(fails).map((s) => s.name);
    expect(failed).toEqual(expect.arrayContaining(['half-forms', 'marks', 'latin-first', 'english']));
  });
});
