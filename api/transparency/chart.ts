/**
 * The trend chart as server-rendered SVG: no script, a few kilobytes, drawn the same on any phone. Two lines
 * (ATRs delivered, citizens satisfied, as shares of 0–100 %) over the period's days; a day whose share is
 * withheld breaks its line rather than inventing a point. The figures themselves are in a table beside it.
 */
import type { PublicDay } from './figures';

/** Drawn small, so its text stays legible when a 360-pixel phone shows it at full width; a desktop caps its size. */
const W = 400;
const H = 240;
const PAD = { left: 40, right: 12, top: 44, bottom: 28 };

/** Colours with at least 3:1 contrast on white, told apart by dash as well as colour. */
const SERIES = [
  { key: 'deliveredShare', colour: '#1f5fa8', dash: '' },
  { key: 'satisfiedShare', colour: '#a34a00', dash: '6 4' },
] as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG line chart of the trend; `title` and `description` are its text alternative. */
export function trendChart(days: readonly PublicDay[], labels: { title: string; description: string; series: [string, string] }): string {
  const n = days.length;
  const x = (i: number) => PAD.left + (n <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (share: number) => PAD.top + (1 - share) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((s) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(s)}" y2="${y(s)}" stroke="#ddd"/><text x="${PAD.left - 4}" y="${y(s) + 4}" text-anchor="end" font-size="11">${s * 100}%</text>`)
    .join('');
  const lines = SERIES.map(({ key, colour, dash }) => {
    const segments: string[] = [];
    let current = '';
    days.forEach((d, i) => {
      const v = d[key];
      if (v === null) {
        if (current) segments.push(current);
        current = '';
        return;
      }
      current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (current) segments.push(current);
    const dots = days.map((d, i) => (d[key] === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(d[key]!).toFixed(1)}" r="2.5" fill="${colour}"/>`)).join('');
    return `<path d="${segments.join('')}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="${dash}"/>${dots}`;
  }).join('');
  const ticks = n ? [0, Math.floor((n - 1) / 2), n - 1].filter((v, i, a) => a.indexOf(v) === i).map((i) => `<text x="${x(i)}" y="${H - 8}" text-anchor="middle" font-size="11">${days[i]!.day.slice(5)}</text>`).join('') : '';
  const legend = SERIES.map(({ colour, dash }, i) => `<g transform="translate(${PAD.left},${2 + i * 18})"><line x1="0" x2="24" y1="6" y2="6" stroke="${colour}" stroke-width="2" stroke-dasharray="${dash}"/><text x="30" y="10" font-size="12">${esc(labels.series[i]!)}</text></g>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" style="max-width:760px" role="img" aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">
<title id="trend-title">${esc(labels.title)}</title><desc id="trend-desc">${esc(labels.description)}</desc>${grid}${lines}${ticks}${legend}</svg>`;
}
