/**
 * Every word of the public transparency page, one object per language (Hindi first). Public wording, not what a
 * citizen is sent: it lives with the page, and test/messaging/wording allows Devanagari in this one module.
 * Both languages share the TransparencyWording type, so neither can miss a phrase.
 */

/** What can be wrong with the page's query, one code per problem (the query schema's messages). */
export type InputProblem = 'date' | 'pair' | 'order' | 'range' | 'future' | 'period' | 'lang';

/** The page's words in one language. */
export interface TransparencyWording {
  lang: 'hi' | 'en';
  title: string;
  intro: string;
  otherLanguage: { label: string; lang: 'hi' | 'en' };
  period: { legend: string; last: (days: number) => string; from: string; to: string; show: string; showing: (from: string, to: string) => string };
  refreshed: (at: string) => string;
  notRefreshed: string;
  nothing: string;
  trend: { caption: string; delivered: string; satisfied: string; alt: (days: number, delivered: string, satisfied: string) => string };
  tables: { departments: string; districts: string; rankedBy: string; state: string };
  columns: {
    place: string;
    department: string;
    district: string;
    rank: string;
    delivered: string;
    median: string;
    feedbackRate: string;
    satisfied: string;
    escalated: string;
    levels: string;
    resolvedWithinSla: string;
    breached: string;
  };
  suppressed: string;
  withheld: string;
  withheldTitle: string;
  suppressionNote: string;
  notYet: string;
  duration: { minutes: (n: number) => string; hours: (n: number) => string; days: (n: number) => string };
  data: { heading: string; csv: string; json: string; about: string };
  badInput: { title: string; field: (field: string, message: string) => string; back: string; problems: Record<InputProblem, string> };
  fieldNames: Record<'period' | 'from' | 'to' | 'lang', string>;
}

export const HI: TransparencyWording = {
  lang: 'hi',
  title: 'पारदर्शिता: शिकायतों का क्या हुआ',
  intro: 'राजस्थान सम्पर्क पर निस्तारित शिकायतों की कार्यवाही रिपोर्ट (ATR) नागरिकों तक कितनी पहुँची, कितनी जल्दी, और नागरिक कितने संतुष्ट रहे — विभाग और ज़िले के अनुसार। केवल कुल संख्याएँ; किसी का नाम, नंबर या टिप्पणी नहीं।',
  otherLanguage: { label: 'English', lang: 'en' },
  period: {
    legend: 'अवधि',
    last: (d) => `पिछले ${d} दिन`,
    from: 'से (तारीख़)',
    to: 'तक (तारीख़)',
    show: 'दिखाएँ',
    showing: (from, to) => `${from} से ${to} तक निस्तारित शिकायतें`,
  },
  refreshed: (at) => `आँकड़े ${at} तक अद्यतन`,
  notRefreshed: 'आँकड़े अभी तैयार किए जा रहे हैं।',
  nothing: 'इस अवधि में कोई निस्तारित शिकायत नहीं।',
  trend: {
    caption: 'दिन-प्रतिदिन: ATR पहुँची (%) और संतुष्ट नागरिक (%)',
    delivered: 'ATR नागरिक के फ़ोन पर पहुँची',
    satisfied: 'प्रतिक्रिया देने वालों में संतुष्ट',
    alt: (days, d, s) => `${days} दिनों का चार्ट। औसतन ATR पहुँची: ${d}; संतुष्ट: ${s}। हर दिन के आँकड़े नीचे की तालिका में हैं।`,
  },
  tables: { departments: 'विभाग के अनुसार', districts: 'ज़िलों की रैंकिंग', rankedBy: 'संतुष्ट नागरिकों के हिस्से के अनुसार, सबसे अधिक पहले', state: 'पूरा राज्य' },
  columns: {
    place: 'नाम',
    department: 'विभाग',
    district: 'ज़िला',
    rank: 'क्रम',
    delivered: 'ATR पहुँची',
    median: 'निस्तारण से फ़ोन तक (मध्यिका)',
    feedbackRate: 'प्रतिक्रिया दर',
    satisfied: 'संतुष्ट',
    escalated: 'आगे भेजी गई (एस्केलेशन)',
    levels: 'स्तर 1 / 2 / 3',
    resolvedWithinSla: 'समय-सीमा में सुलझी',
    breached: 'समय-सीमा चूकी',
  },
  suppressed: '<5',
  withheld: '×',
  withheldTitle: 'छिपाया गया, ताकि "<5" वाली संख्या घटाकर न निकाली जा सके',
  suppressionNote: 'निजता के लिए: 1 से 4 शिकायतों वाली हर संख्या "<5" दिखाई जाती है; और जहाँ उसे कुल में से घटाकर निकाला जा सके वहाँ एक और संख्या भी छिपाई जाती है (×)। शून्य दिखाया जाता है: उससे किसी की पहचान नहीं होती।',
  notYet: '—',
  duration: { minutes: (n) => `${n} मिनट`, hours: (n) => `${n} घंटे`, days: (n) => `${n} दिन` },
  data: { heading: 'खुला डेटा', csv: 'CSV डाउनलोड करें', json: 'JSON', about: 'यही आँकड़े, इसी अवधि के लिए; कॉलम का विवरण JSON में है।' },
  badInput: {
    title: 'यह अवधि नहीं दिखाई जा सकती',
    field: (f, m) => `${f}: ${m}`,
    back: 'पिछले 30 दिन देखें',
    problems: {
      date: 'तारीख़ वर्ष-माह-दिन (जैसे 2026-11-30) के रूप में दें',
      pair: '"से" और "तक" दोनों तारीख़ें दें',
      order: '"तक" की तारीख़ "से" की तारीख़ के बाद की हो',
      range: 'अवधि 366 दिन से लंबी न हो',
      future: 'तारीख़ आज के बाद की न हो',
      period: 'अवधि 7, 30 या 90 दिन में से चुनें',
      lang: 'भाषा hi या en चुनें',
    },
  },
  fieldNames: { period: 'अवधि', from: 'से (तारीख़)', to: 'तक (तारीख़)', lang: 'भाषा' },
};

export const EN: TransparencyWording = {
  lang: 'en',
  title: 'Transparency: what happened to grievances',
  intro: "How many of the Action Taken Reports (ATRs) of grievances disposed of on Rajasthan Sampark reached citizens, how fast, and how satisfied citizens were — by department and district. Totals only: no one's name, number or comment.",
  otherLanguage: { label: 'हिन्दी', lang: 'hi' },
  period: {
    legend: 'Period',
    last: (d) => `Last ${d} days`,
    from: 'From (date)',
    to: 'To (date)',
    show: 'Show',
    showing: (from, to) => `Grievances disposed of from ${from} to ${to}`,
  },
  refreshed: (at) => `Figures up to ${at}`,
  notRefreshed: 'The figures are being prepared.',
  nothing: 'No grievance was disposed of in this period.',
  trend: {
    caption: 'Day by day: ATRs delivered (%) and citizens satisfied (%)',
    delivered: "ATR on the citizen's phone",
    satisfied: 'Satisfied, of those who answered',
    alt: (days, d, s) => `Chart of ${days} days. Overall ATRs delivered: ${d}; satisfied: ${s}. Each day's figures are in the table below.`,
  },
  tables: { departments: 'By department', districts: 'Districts ranked', rankedBy: 'by the share of citizens satisfied, highest first', state: 'Whole state' },
  columns: {
    place: 'Name',
    department: 'Department',
    district: 'District',
    rank: 'Rank',
    delivered: 'ATRs delivered',
    median: 'Disposal to phone (median)',
    feedbackRate: 'Feedback rate',
    satisfied: 'Satisfied',
    escalated: 'Escalated',
    levels: 'Level 1 / 2 / 3',
    resolvedWithinSla: 'Resolved within SLA',
    breached: 'SLA breached',
  },
  suppressed: '<5',
  withheld: '×',
  withheldTitle: 'Withheld, so that a "<5" figure cannot be worked out by subtraction',
  suppressionNote: 'For privacy, every figure counting 1 to 4 grievances shows as "<5"; where it could be worked out by subtracting from a total, another figure is withheld too (×). Zero is shown: it identifies no one.',
  notYet: '—',
  duration: { minutes: (n) => `${n} min`, hours: (n) => `${n} h`, days: (n) => `${n} days` },
  data: { heading: 'Open data', csv: 'Download CSV', json: 'JSON', about: 'The same figures for the same period; the JSON documents its columns.' },
  badInput: {
    title: 'This period cannot be shown',
    field: (f, m) => `${f}: ${m}`,
    back: 'See the last 30 days',
    problems: {
      date: 'give the date as year-month-day (e.g. 2026-11-30)',
      pair: 'give both the "from" and the "to" date',
      order: 'the "to" date must not be before the "from" date',
      range: 'a period must not be longer than 366 days',
      future: 'the date must not be after today',
      period: 'choose 7, 30 or 90 days',
      lang: 'choose hi or en',
    },
  },
  fieldNames: { period: 'Period', from: 'From (date)', to: 'To (date)', lang: 'Language' },
};

/** The page's words by language. */
export const TRANSPARENCY_WORDING = { hi: HI, en: EN } as const;
