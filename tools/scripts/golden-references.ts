/** Remakes test/pdf/golden/*.png from Chromium: `npm run golden:update` (needs Debian's chromium; setup installs it). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';
import { GOLDEN_SAMPLES, chromiumSamples } from './golden';
import { toPng } from './raster';

async function main(): Promise<void> {
  const dir = path.join(PROJECT_ROOT, 'test', 'pdf', 'golden');
  mkdirSync(dir, { recursive: true });
  const images = await chromiumSamples();
  images.forEach((img, i) => {
    const file = path.join(dir, `${GOLDEN_SAMPLES[i]!.name}.png`);
    writeFileSync(file, toPng(img));
    console.log(`${file} (${img.width}×${img.height})`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
