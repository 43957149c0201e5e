/**
 * The closures `npm run demo` posts: eight disposed grievances from across Rajasthan, as the Sampark portal
 * would send them. Hindi- and English-speaking citizens, six departments, six districts, one second
 * disposal (cycle 2, escalated to the district if the citizen is still not satisfied) and one with an
 * attachment. Grievance ids carry the run id, so every run starts new grievances; the same run id again
 * gives the same closures (the API answers `duplicate: true`). Citizens get fixed demo numbers
 * +919829000001…08, one per closure, so each has its own phone page on the simulator.
 *
 * Pure data: the test imports it.
 */
import type { ClosureRequest, FeedbackReason } from '../../contracts/closure';
import type { EscalationLevel } from '../../contracts/workflow';

/** How many closures a demo run posts. */
export const DEMO_SIZE = 8;

/** The demo citizen's number for closure `n` (1-based), in E.164. */
export function demoPhone(n: number): string {
  return `+9198290000${String(n).padStart(2, '0')}`;
}

/** A run id from the clock (IST), e.g. `DEMO-20261128-184530123`: unique for every run. */
export function demoRunId(now: Date = new Date()): string {
  const t = new Date(now.getTime() + IST_OFFSET_MS).toISOString(); // 2026-11-28T18:45:30.123Z, shifted to IST
  return `DEMO-${t.slice(0, 10).replaceAll('-', '')}-${t.slice(11, 23).replace(/[:.]/g, '')}`;
}

/** The grievance id of closure `n` (1-based) in a run. */
export function demoGrievanceId(runId: string, n: number): string {
  return `${runId}-${String(n).padStart(2, '0')}`;
}

/** The demo closures of one run, dated relative to `now` (registered weeks ago, disposed in the last days). */
export function demoClosures(runId: string, now: Date = new Date()): ClosureRequest[] {
  const at = (daysAgo: number, hhmm: string) => istDateTime(now, daysAgo, hhmm);
  const closures: Omit<ClosureRequest, 'grievanceId' | 'feedbackPolicy'>[] = [
    {
      citizen: { name: 'राम कुमार शर्मा', phone: demoPhone(1), language: 'hi' },
      cycle: 1,
      registeredAt: at(26, '10:15'),
      disposedAt: at(2, '16:40'),
      department: DEPARTMENTS.LSG,
      district: DISTRICTS.JPR,
      officer: { name: 'सुरेश मीणा', designation: 'अधिशासी अभियंता, नगर निगम जयपुर हेरिटेज' },
      subject: 'वार्ड 12, ब्रह्मपुरी में सड़क पर जल भराव एवं नाली की सफ़ाई',
      actionTaken:
        'शिकायत प्राप्त होने पर नगर निगम की टीम द्वारा स्थल निरीक्षण किया गया। नाली की सफ़ाई करवाई गई तथा जल निकासी हेतु अस्थायी पंप लगाया गया। ' +
        'स्थायी समाधान हेतु ₹4,50,000 का प्रस्ताव स्वीकृत किया गया है, कार्य 30 दिवस में पूर्ण होगा।',
    },
    {
      citizen: { name: 'कमला देवी', phone: demoPhone(2), language: 'hi' },
      // Disposed a second time: the first ATR was escalated, so "not satisfied" now goes to the district (level 2).
      cycle: 2,
      registeredAt: at(40, '09:30'),
      disposedAt: at(1, '12:05'),
      department: DEPARTMENTS.PHED,
      district: DISTRICTS.JDH,
      officer: { name: 'महेन्द्र सिंह राठौड़', designation: 'सहायक अभियंता, जन स्वास्थ्य अभियांत्रिकी विभाग, उपखण्ड प्रथम जोधपुर' },
      subject: 'प्रताप नगर, सेक्टर 5 में 10 दिन से पेयजल आपूर्ति बाधित',
      actionTaken:
        'पुनः जाँच में मुख्य पाइपलाइन (150 mm) में दो स्थानों पर लीकेज पाया गया, जिसे ठीक करवा दिया गया है। ' +
        'आपूर्ति बहाल होने तक प्रतिदिन टैंकर से जल वितरण करवाया गया। अब प्रातः 6:00 से 7:30 बजे तक नियमित आपूर्ति हो रही है।',
    },
    {
      citizen: { name: 'Rahul Mehta', phone: demoPhone(3), language: 'en' },
      cycle: 1,
      registeredAt: at(18, '19:45'),
      disposedAt: at(3, '11:20'),
      department: DEPARTMENTS.ENERGY,
      district: DISTRICTS.UDR,
      officer: { name: 'Vikram Singh Chundawat', designation: 'Assistant Engineer (O&M), AVVNL, Udaipur' },
      subject: 'Frequent power cuts and low voltage in Sector 14, Hiran Magri',
      actionTaken:
        'The 100 KVA transformer feeding Sector 14 was found overloaded and has been replaced with a 250 KVA transformer. ' +
        'ट्रांसफार्मर की क्षमता बढ़ाकर 250 KVA की गई एवं LT लाइन के ढीले जोड़ ठीक किए गए। Voltage measured at 228 V after the work.',
    },
    {
      citizen: { name: 'भंवर लाल मीणा', phone: demoPhone(4), language: 'hi' },
      cycle: 1,
      registeredAt: at(35, '11:00'),
      disposedAt: at(2, '15:10'),
      department: DEPARTMENTS.REVENUE,
      district: DISTRICTS.KOT,
      officer: { name: 'अनीता चौधरी', designation: 'तहसीलदार, लाडपुरा, कोटा' },
      subject: 'ग्राम कैथून, खसरा नंबर 245 का नामांतरण (म्यूटेशन) 3 माह से लंबित',
      actionTaken:
        'पटवारी हल्का कैथून की रिपोर्ट के आधार पर नामांतरण संख्या 1187 स्वीकृत कर जमाबंदी में दर्ज कर दिया गया है। ' +
        'नामांतरण आदेश की प्रति संलग्न है; जमाबंदी "अपना खाता" (Apna Khata) पोर्टल पर भी देखी जा सकती है।',
      attachments: [{ name: 'नामांतरण आदेश 1187.pdf', url: `https://sampark.rajasthan.gov.in/docs/${runId}/namantaran-1187` }],
    },
    {
      citizen: { name: 'गीता कंवर', phone: demoPhone(5), language: 'hi' },
      cycle: 1,
      registeredAt: at(14, '21:10'),
      disposedAt: at(1, '18:25'),
      department: DEPARTMENTS.HOME,
      district: DISTRICTS.BKN,
      officer: { name: 'रमेश कुमार गोदारा', designation: 'थानाधिकारी, थाना कोतवाली, बीकानेर' },
      subject: 'मोबाइल फोन चोरी की रिपोर्ट थाने में दर्ज नहीं की गई',
      actionTaken:
        'परिवादिया की रिपोर्ट पर थाना कोतवाली में FIR संख्या 0412/2026 धारा 303(2) BNS में दर्ज कर ली गई है। ' +
        'फोन का IMEI CEIR पोर्टल पर ब्लॉक करवाया गया है; अनुसंधान जारी है।',
    },
    {
      citizen: { name: 'Mohammed Irfan', phone: demoPhone(6), language: 'en' },
      cycle: 1,
      registeredAt: at(21, '08:50'),
      disposedAt: at(4, '13:35'),
      department: DEPARTMENTS.MEDICAL,
      district: DISTRICTS.AJM,
      officer: { name: 'Dr. Sunita Rawat', designation: 'Block Chief Medical Officer, Kishangarh' },
      subject: 'Medicines under Mukhyamantri Nishulk Dawa Yojana not available at CHC Kishangarh',
      actionTaken:
        'The drug store stock was verified: 7 of the 9 prescribed medicines were available. The remaining two were supplied from the district drug warehouse ' +
        'on the next day. दवा वितरण केंद्र पर उपलब्ध दवाओं की सूची प्रदर्शित कर दी गई है।',
    },
    {
      citizen: { name: 'श्याम सुंदर व्यास', phone: demoPhone(7), language: 'hi' },
      cycle: 1,
      registeredAt: at(12, '20:30'),
      disposedAt: at(1, '10:45'),
      department: DEPARTMENTS.LSG,
      district: DISTRICTS.JDH,
      officer: { name: 'दीपिका भाटी', designation: 'सहायक अभियंता (विद्युत), नगर निगम जोधपुर उत्तर' },
      subject: 'सरदारपुरा बी रोड पर 15 स्ट्रीट लाइटें दो माह से बंद',
      actionTaken: 'नगर निगम द्वारा सरदारपुरा बी रोड पर 14 खराब LED स्ट्रीट लाइटें बदल दी गईं तथा एक पोल की केबल मरम्मत करवाई गई। सभी लाइटें अब चालू हैं।',
    },
    {
      citizen: { name: 'Neha Agarwal', phone: demoPhone(8), language: 'en' },
      cycle: 1,
      registeredAt: at(16, '12:40'),
      disposedAt: at(2, '17:55'),
      department: DEPARTMENTS.ENERGY,
      district: DISTRICTS.KOT,
      officer: { name: 'Ajay Kumar Nagar', designation: 'Junior Engineer, JVVNL, Talwandi, Kota' },
      subject: 'Electricity bill for October based on wrong meter reading',
      actionTaken:
        'The meter was read again on site (reading 18,452 kWh) and the October bill was revised; ₹3,420 charged in excess has been adjusted in the next bill. ' +
        'संशोधित बिल बिजली मित्र ऐप पर उपलब्ध है।',
    },
  ];

  return closures.map((c, i) => ({
    grievanceId: demoGrievanceId(runId, i + 1),
    ...c,
    // A demo choice, printed by the demo: deliver at any hour. Real closures keep the state's quiet hours.
    feedbackPolicy: { quietHours: null },
  }));
}

/**
 * "Not satisfied" answers the demo gives through the helpline, as the 181 operators would post them, so the
 * officers' inbox has an escalation at each level at once: closure 1 (LSG Jaipur, cycle 1) goes to the department,
 * closure 2 (PHED Jodhpur, cycle 2) to the district, closure 3 (misconduct) straight to the state. Each names the
 * local officer account (tools/scripts/seed-officers.ts) whose inbox shows it.
 */
export const DEMO_ANSWERS: readonly { closure: number; reason: FeedbackReason; comment: string; level: EscalationLevel; officerId: string }[] = [
  { closure: 1, reason: 'NOT_RESOLVED', comment: 'नाली की सफ़ाई के दो दिन बाद ही पानी फिर भर गया है।', level: 1, officerId: 'local-l1-lsg-jpr' },
  { closure: 2, reason: 'PARTIALLY_RESOLVED', comment: 'सुबह आपूर्ति आती है पर दबाव बहुत कम है, ऊपरी मंज़िल तक पानी नहीं पहुँचता।', level: 2, officerId: 'local-l2-jdh' },
  { closure: 3, reason: 'MISCONDUCT', comment: 'The lineman asked for money to restore the supply.', level: 3, officerId: 'local-l3-state' },
];

const DEPARTMENTS = {
  LSG: { code: 'LSG', nameEn: 'Local Self Government', nameHi: 'स्वायत्त शासन विभाग' },
  PHED: { code: 'PHED', nameEn: 'Public Health Engineering', nameHi: 'जन स्वास्थ्य अभियांत्रिकी विभाग' },
  ENERGY: { code: 'ENERGY', nameEn: 'Energy', nameHi: 'ऊर्जा विभाग' },
  REVENUE: { code: 'REVENUE', nameEn: 'Revenue', nameHi: 'राजस्व विभाग' },
  HOME: { code: 'HOME', nameEn: 'Home (Police)', nameHi: 'गृह विभाग (पुलिस)' },
  MEDICAL: { code: 'MEDICAL', nameEn: 'Medical & Health', nameHi: 'चिकित्सा एवं स्वास्थ्य विभाग' },
} as const;

const DISTRICTS = {
  JPR: { code: 'JPR', nameEn: 'Jaipur', nameHi: 'जयपुर' },
  JDH: { code: 'JDH', nameEn: 'Jodhpur', nameHi: 'जोधपुर' },
  UDR: { code: 'UDR', nameEn: 'Udaipur', nameHi: 'उदयपुर' },
  KOT: { code: 'KOT', nameEn: 'Kota', nameHi: 'कोटा' },
  BKN: { code: 'BKN', nameEn: 'Bikaner', nameHi: 'बीकानेर' },
  AJM: { code: 'AJM', nameEn: 'Ajmer', nameHi: 'अजमेर' },
} as const;

const IST_OFFSET_MS = 330 * 60_000;

/** `hhmm` IST on the IST calendar day `daysAgo` days before `now`, as ISO 8601 with +05:30. */
function istDateTime(now: Date, daysAgo: number, hhmm: string): string {
  const day = new Date(now.getTime() + IST_OFFSET_MS - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00+05:30`;
}
