/** The ATR's fixed wording in Hindi and English. */

/** A phrase in both languages. */
export interface Bilingual {
  hi: string;
  en: string;
}

export const HEADING = {
  government: { hi: 'राजस्थान सरकार', en: 'Government of Rajasthan' },
  portal: { hi: 'राजस्थान सम्पर्क — जन अभियोग निराकरण विभाग', en: 'Rajasthan Sampark — Public Grievance Redressal Department' },
  title: { hi: 'कार्यवाही रिपोर्ट', en: 'Action Taken Report' },
  scanToVerify: { hi: 'सत्यापन हेतु स्कैन करें', en: 'Scan to verify' },
  continued: { hi: 'जारी', en: 'continued' },
} satisfies Record<string, Bilingual>;

export const LABELS = {
  atrNumber: { hi: 'एटीआर संख्या', en: 'ATR No.' },
  grievanceNumber: { hi: 'शिकायत संख्या', en: 'Grievance No.' },
  registeredOn: { hi: 'पंजीकरण दिनांक', en: 'Registered on' },
  disposedOn: { hi: 'निस्तारण दिनांक', en: 'Disposed on' },
  department: { hi: 'विभाग', en: 'Department' },
  district: { hi: 'जिला', en: 'District' },
  officer: { hi: 'अधिकारी', en: 'Officer' },
  complainant: { hi: 'शिकायतकर्ता', en: 'Complainant' },
  subject: { hi: 'विषय', en: 'Subject' },
  actionTaken: { hi: 'की गई कार्यवाही', en: 'Action Taken' },
  attachments: { hi: 'संलग्नक', en: 'Attachments' },
  disposalCycle: { hi: 'निस्तारण क्रम', en: 'disposal' },
} satisfies Record<string, Bilingual>;

export const FEEDBACK = {
  heading: { hi: 'अपनी प्रतिक्रिया दें', en: 'Give your feedback' },
  body: {
    hi: 'क्या आप इस कार्यवाही से संतुष्ट हैं? WhatsApp संदेश में "संतुष्ट" या "असंतुष्ट" बटन दबाएँ। असंतुष्ट होने पर कारण और टिप्पणी भी भेजें; आपकी शिकायत उच्च स्तर पर पुनः जाँच हेतु भेजी जाएगी। सहायता हेतु 181 पर कॉल करें।',
    en: 'Are you satisfied with the action taken? Tap "Satisfied" or "Not satisfied" in the WhatsApp message. If you are not satisfied, send the reason and a comment too; your grievance will be sent to a higher level for review. Call 181 for help.',
  },
} satisfies Record<string, Bilingual>;

export const FOOTER = {
  disclaimer: {
    hi: 'यह कंप्यूटर जनित रिपोर्ट है, हस्ताक्षर की आवश्यकता नहीं।',
    en: 'This is a computer-generated report; no signature is required.',
  },
  page: { hi: 'पृष्ठ {n}/{total}', en: 'Page {n} of {total}' },
} satisfies Record<string, Bilingual>;
