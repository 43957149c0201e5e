/**
 * What citizens read, in Hindi and English. Channels (outbox, WhatsApp templates, SMS) take their words
 * from here so a message means the same on every channel.
 */
import type { CitizenMessage } from './model';
import type { Language } from '../contracts/closure';

type Texts = { [L in Language]: string };

const ACKS: Record<Extract<CitizenMessage, { kind: 'ACKNOWLEDGEMENT' }>['ack'], Texts> = {
  SATISFIED: {
    hi: 'आपकी प्रतिक्रिया के लिए धन्यवाद। शिकायत {id} पर आपकी संतुष्टि दर्ज कर ली गई है।',
    en: 'Thank you for your feedback. Your satisfaction with grievance {id} has been recorded.',
  },
  ESCALATED: {
    hi: 'आपकी असंतुष्टि दर्ज कर ली गई है। शिकायत {id} उच्च स्तर पर पुनः जाँच हेतु भेज दी गई है।',
    en: 'Your dissatisfaction has been recorded. Grievance {id} has been sent to a higher level for review.',
  },
  LATE: {
    hi: 'शिकायत {id} पर आपकी प्रतिक्रिया प्राप्त हुई और दर्ज कर ली गई है। प्रतिक्रिया की अवधि समाप्त हो चुकी थी; सहायता हेतु 181 पर संपर्क करें।',
    en: 'Your feedback on grievance {id} was received and recorded. The feedback period had ended; call 181 for help.',
  },
  ALREADY_RECORDED: {
    hi: 'शिकायत {id} पर आपकी पहली प्रतिक्रिया पहले ही दर्ज है। इस संदेश को भी दर्ज कर लिया गया है।',
    en: 'Your first response on grievance {id} is already recorded. This message has been recorded too.',
  },
};

/** Short list titles (WhatsApp allows 24 characters) for each reason. */
export const REASON_TITLES: Record<keyof typeof import('../contracts/closure').FEEDBACK_REASONS, Texts> = {
  NOT_RESOLVED: { hi: 'समाधान नहीं हुआ', en: 'Not resolved' },
  PARTIALLY_RESOLVED: { hi: 'आंशिक समाधान', en: 'Partly resolved' },
  NO_CONTACT: { hi: 'संपर्क नहीं किया गया', en: 'No one contacted me' },
  WRONG_REPORT: { hi: 'रिपोर्ट गलत/अधूरी', en: 'Report wrong/incomplete' },
  DELAY: { hi: 'कार्यवाही में देरी', en: 'Action delayed' },
  OTHER: { hi: 'अन्य कारण', en: 'Other reason' },
};

/** The wording around the reason list and the comment prompt. */
export const DIALOGUE = {
  reasonListBody: {
    hi: 'हमें खेद है कि आप संतुष्ट नहीं हैं। कृपया शिकायत {id} पर असंतुष्टि का कारण चुनें।',
    en: 'We are sorry you are not satisfied. Please choose why, for grievance {id}.',
  },
  reasonListButton: { hi: 'कारण चुनें', en: 'Choose a reason' },
  reasonListSection: { hi: 'कारण', en: 'Reasons' },
  commentPrompt: {
    hi: 'धन्यवाद। यदि आप कुछ और बताना चाहते हैं तो अपनी टिप्पणी लिखकर भेजें या वॉइस नोट रिकॉर्ड करें। आपकी शिकायत {id} उच्च स्तर पर भेजी जा रही है।',
    en: 'Thank you. If you would like to add anything, type a comment or record a voice note. Your grievance {id} is being sent to a higher level.',
  },
} satisfies Record<string, Texts>;

/** The SMS sent when WhatsApp cannot reach the citizen: a link to the ATR page. */
export function smsText(grievanceId: string, language: Language, link: string): string {
  return language === 'hi'
    ? `राजस्थान सम्पर्क: आपकी शिकायत ${grievanceId} का निस्तारण हो गया है। कार्यवाही रिपोर्ट देखें एवं प्रतिक्रिया दें: ${link}`
    : `Rajasthan Sampark: your grievance ${grievanceId} has been disposed of. See the Action Taken Report and give feedback: ${link}`;
}

/** The plain-text rendering of a citizen message in their language. */
export function messageText(message: CitizenMessage, language: Language): string {
  const fill = (t: Texts) => t[language].replace('{id}', message.grievanceId);
  switch (message.kind) {
    case 'ATR':
      return fill({
        hi: `आपकी शिकायत {id} का निस्तारण ${message.departmentName} द्वारा कर दिया गया है। कार्यवाही रिपोर्ट (ATR) संलग्न है। क्या आप कार्यवाही से संतुष्ट हैं?`,
        en: `Your grievance {id} has been disposed of by ${message.departmentName}. The Action Taken Report (ATR) is attached. Are you satisfied with the action taken?`,
      });
    case 'REMINDER':
      return fill({
        hi: 'अनुस्मारक: शिकायत {id} की कार्यवाही रिपोर्ट पर अपनी प्रतिक्रिया दें। क्या आप संतुष्ट हैं?',
        en: 'Reminder: please give your feedback on the Action Taken Report for grievance {id}. Are you satisfied?',
      });
    case 'ACKNOWLEDGEMENT':
      return fill(ACKS[message.ack]);
    case 'REASON_LIST':
      return fill(DIALOGUE.reasonListBody);
    case 'COMMENT_PROMPT':
      return fill(DIALOGUE.commentPrompt);
  }
}
