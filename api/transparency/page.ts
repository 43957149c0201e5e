/**
 * The public transparency page, server-rendered: Hindi first (?lang=en for English), no script, tables with
 * captions and header scopes, the trend as SVG with its text alternative and a table of the same days.
 */
import type { PublicDay, PublicFigures, PublicRow } from './figures';
import type { SuppressionReason } from './suppression';
import { trendChart } from './chart';
import { TRANSPARENCY_WORDING, type TransparencyWording } from './wording';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,'Noto Sans Devanagari',sans-serif;margin:0 auto;padding:12px;max-width:1100px;line-height:1.5;color:#1a1a1a}
header{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}h1{font-size:1.35rem;margin:4px 0}
a{color:#0b4f9c}nav a,form button{display:inline-block;margin:4px 8px 4px 0;padding:8px 10px;border:1px solid #0b4f9c;border-radius:6px;text-decoration:none;min-height:24px}
nav a[aria-current]{background:#0b4f9c;color:#fff}form{display:flex;flex-wrap:wrap;gap:8px;align-items:end}label{display:flex;flex-direction:column;font-size:.9rem}
input{font-size:1rem;padding:6px}button{font-size:1rem;background:#fff;color:#0b4f9c}.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:8px 0 20px;font-size:.92rem}caption{text-align:left;font-weight:600;font-size:1.05rem;padding:6px 0}
th,td{border-bottom:1px solid #ccc;padding:6px;text-align:right;white-space:nowrap}th[scope=row],th.name{text-align:left;white-space:normal}
dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}dl div{background:#f3f5f8;border-radius:8px;padding:8px}dt{font-size:.85rem}dd{margin:0;font-size:1.3rem;font-weight:600}
figure{margin:8px 0}.note{background:#fff8e1;padding:8px;border-radius:6px}.bar{display:inline-block;height:10px;background:#1f5fa8;vertical-align:middle;margin-left:6px}`;

/** What the page is showing. */
export interface PageView {
  figures: PublicFigures;
  wording: TransparencyWording;
  /** The days of a "last N days" period, if that is what was asked (for the nav's current link). */
  lastDays?: number;
}

type Why = SuppressionReason | undefined;
/** A withheld figure's mark: "<5" for a small count, the "withheld" mark for one hidden so a small one cannot be worked out. */
const mark = (why: Why, w: TransparencyWording) => (why === 'small' ? esc(w.suppressed) : `<abbr title="${esc(w.withheldTitle)}">${esc(w.withheld)}</abbr>`);
const pct = (v: number | null, w: TransparencyWording, why?: Why) => (v === null ? mark(why ?? 'complementary', w) : `${Math.round(v * 100)}%`);
const num = (v: number | null, w: TransparencyWording, why?: Why) => (v === null ? mark(why ?? 'small', w) : v.toLocaleString('en-IN'));

function duration(minutes: number | null, w: TransparencyWording, why?: Why): string {
  if (minutes === null) return why ? mark(why, w) : w.notYet;
  if (minutes < 90) return w.duration.minutes(minutes);
  if (minutes < 48 * 60) return w.duration.hours(Math.round(minutes / 6) / 10);
  return w.duration.days(Math.round(minutes / 144) / 10);
}

/** A count that may also be "not yet recorded" (the escalation ladder's figures before it lands). */
function ladder(row: PublicRow, field: 'resolvedWithinSla' | 'breached', w: TransparencyWording): string {
  return row[field] === null && !row.suppressed[field] ? w.notYet : num(row[field], w, row.suppressed[field]);
}

function name(row: PublicRow, w: TransparencyWording, kind: 'department' | 'district'): string {
  const code = kind === 'department' ? row.departmentCode : row.districtCode;
  const n = kind === 'department' ? (w.lang === 'hi' ? row.departmentNameHi : row.departmentNameEn) : w.lang === 'hi' ? row.districtNameHi : row.districtNameEn;
  return esc(n ?? code ?? '');
}

function figureCells(row: PublicRow, w: TransparencyWording): string {
  const s = row.suppressed;
  const levels = (['escalatedL1', 'escalatedL2', 'escalatedL3'] as const).map((f) => num(row[f], w, s[f])).join(' / ');
  return [
    num(row.delivered, w, s.delivered),
    duration(row.medianMinutesToPhone, w, s.medianMinutesToPhone),
    pct(row.feedbackRate, w, s.feedbackRate),
    pct(row.satisfiedShare, w, s.satisfiedShare),
    pct(row.escalatedShare, w, s.escalatedShare),
    levels,
    ladder(row, 'resolvedWithinSla', w),
    ladder(row, 'breached', w),
  ]
    .map((c) => `<td>${c}</td>`)
    .join('');
}

function figureHeads(w: TransparencyWording): string {
  const c = w.columns;
  return [c.delivered, c.median, c.feedbackRate, c.satisfied, c.escalated, c.levels, c.resolvedWithinSla, c.breached].map((h) => `<th scope="col">${h}</th>`).join('');
}

/** A table's horizontal scroll box on a narrow screen: reachable and scrollable by keyboard, and named. */
const scrollBox = (label: string) => `tabindex="0" role="region" aria-label="${esc(label)}"`;

function departmentTable(rows: PublicRow[], state: PublicRow | undefined, w: TransparencyWording): string {
  const body = rows.map((r) => `<tr><th scope="row">${name(r, w, 'department')}</th>${figureCells(r, w)}</tr>`).join('');
  const total = state ? `<tr><th scope="row">${w.tables.state}</th>${figureCells(state, w)}</tr>` : '';
  return `<div class="wrap" ${scrollBox(w.tables.departments)}><table data-testid="departments"><caption>${w.tables.departments}</caption>
<thead><tr><th scope="col" class="name">${w.columns.department}</th>${figureHeads(w)}</tr></thead><tbody>${body}${total}</tbody></table></div>`;
}

function districtTable(rows: PublicRow[], w: TransparencyWording): string {
  const ranked = [...rows].sort((a, b) => (b.satisfiedShare ?? -1) - (a.satisfiedShare ?? -1) || (b.delivered ?? -1) - (a.delivered ?? -1));
  const body = ranked
    .map((r, i) => {
      const bar = r.satisfiedShare === null ? '' : `<span class="bar" aria-hidden="true" style="width:${Math.round(r.satisfiedShare * 60)}px"></span>`;
      return `<tr><td>${i + 1}</td><th scope="row">${name(r, w, 'district')}${bar}</th>${figureCells(r, w)}</tr>`;
    })
    .join('');
  return `<div class="wrap" ${scrollBox(w.tables.districts)}><table data-testid="districts"><caption>${w.tables.districts} (${w.tables.rankedBy})</caption>
<thead><tr><th scope="col">${w.columns.rank}</th><th scope="col" class="name">${w.columns.district}</th>${figureHeads(w)}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function trendTable(days: PublicDay[], w: TransparencyWording): string {
  const body = days.map((d) => `<tr><th scope="row">${d.day}</th><td>${num(d.delivered, w, d.suppressed.delivered)}</td><td>${pct(d.deliveredShare, w)}</td><td>${pct(d.satisfiedShare, w)}</td></tr>`).join('');
  return `<details><summary>${w.trend.caption}</summary><div class="wrap" ${scrollBox(w.trend.caption)}><table><caption>${w.trend.caption}</caption>
<thead><tr><th scope="col">${w.period.legend}</th><th scope="col">${w.columns.delivered}</th><th scope="col">${w.trend.delivered}</th><th scope="col">${w.trend.satisfied}</th></tr></thead>
<tbody>${body}</tbody></table></div></details>`;
}

/** The query string of the current period, for the language switch and the data links. */
function periodQuery(f: PublicFigures, lastDays: number | undefined, lang?: string): string {
  const q = new URLSearchParams(lastDays ? { period: String(lastDays) } : { from: f.from, to: f.to });
  if (lang) q.set('lang', lang);
  return esc(`?${q.toString()}`);
}

/** The whole page. */
export function transparencyPage({ figures, wording: w, lastDays }: PageView): string {
  const state = figures.rows.find((r) => r.level === 'state');
  const langQ = w.lang === 'en' ? 'en' : undefined;
  const nav = [7, 30, 90]
    .map((d) => `<a href="/transparency${periodQuery(figures, d, langQ)}"${d === lastDays ? ' aria-current="page"' : ''}>${w.period.last(d)}</a>`)
    .join('');
  const form = `<form method="get" action="/transparency" aria-label="${w.period.legend}">${langQ ? '<input type="hidden" name="lang" value="en">' : ''}
<label>${w.period.from}<input type="date" name="from" value="${lastDays ? '' : figures.from}" required></label>
<label>${w.period.to}<input type="date" name="to" value="${lastDays ? '' : figures.to}" required></label><button type="submit">${w.period.show}</button></form>`;
  const summary = state
    ? `<dl data-testid="summary"><div><dt>${w.columns.delivered}</dt><dd>${num(state.delivered, w, state.suppressed.delivered)}</dd></div><div><dt>${w.columns.median}</dt><dd>${duration(state.medianMinutesToPhone, w, state.suppressed.medianMinutesToPhone)}</dd></div>
<div><dt>${w.columns.feedbackRate}</dt><dd>${pct(state.feedbackRate, w)}</dd></div><div><dt>${w.columns.satisfied}</dt><dd>${pct(state.satisfiedShare, w)}</dd></div>
<div><dt>${w.columns.escalated}</dt><dd>${pct(state.escalatedShare, w)}</dd></div></dl>`
    : `<p>${w.nothing}</p>`;
  const chart = figures.trend.length
    ? `<figure>${trendChart(figures.trend, {
        title: w.trend.caption,
        description: w.trend.alt(figures.trend.length, pct(state && state.delivered !== null && state.disposed ? state.delivered / state.disposed : null, w), pct(state?.satisfiedShare ?? null, w)),
        series: [w.trend.delivered, w.trend.satisfied],
      })}</figure>${trendTable(figures.trend, w)}`
    : '';
  const other = w.otherLanguage;
  const data = periodQuery(figures, lastDays);
  const body = `<header><h1>${w.title}</h1><a href="/transparency${periodQuery(figures, lastDays, other.lang === 'en' ? 'en' : undefined)}" lang="${other.lang}" hreflang="${other.lang}">${other.label}</a></header>
<main><p>${w.intro}</p><nav aria-label="${w.period.legend}">${nav}</nav>${form}
<h2>${w.period.showing(figures.from, figures.to)}</h2><p>${figures.refreshedAt ? w.refreshed(figures.refreshedAt.replace('T', ' ').slice(0, 16) + ' UTC') : w.notRefreshed}</p>
${summary}${chart}
${departmentTable(figures.rows.filter((r) => r.level === 'department'), state, w)}
${districtTable(figures.rows.filter((r) => r.level === 'district'), w)}
<p class="note">${esc(w.suppressionNote)}</p>
<h2>${w.data.heading}</h2><p>${w.data.about} <a href="/transparency/data.csv${data}">${w.data.csv}</a> · <a href="/transparency/data.json${data}">${w.data.json}</a></p></main>`;
  return `<!doctype html><html lang="${w.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(w.title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The page for a request we cannot answer: what was wrong, field by field, and a way on. */
export function badInputPage(lang: 'hi' | 'en', fields: { field: string; message: string }[]): string {
  const w = TRANSPARENCY_WORDING[lang];
  const items = fields.map((f) => `<li>${esc(w.badInput.field(w.fieldNames[f.field as keyof TransparencyWording['fieldNames']] ?? f.field, f.message))}</li>`).join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(w.badInput.title)}</title><style>${STYLE}</style></head><body><main><h1>${w.badInput.title}</h1><ul data-testid="bad-fields">${items}</ul>
<p><a href="/transparency${lang === 'en' ? '?lang=en' : ''}">${w.badInput.back}</a></p></main></body></html>`;
}
