/**
 * What citizens read, in English. Every phrase here has its Hindi counterpart in hi.ts; the Wording type
 * in index.ts says what each is for and which {placeholders} it takes.
 */
import type { Wording } from './index';

export const en: Wording = {
  names: { government: 'Government of Rajasthan', sampark: 'Rajasthan Sampark' },
  ratings: { SATISFIED: 'Satisfied', NOT_SATISFIED: 'Not satisfied' },
  levels: {
    1: "the department's officer in your district",
    2: "the District Collector's office",
    3: "the state's Public Grievance Redressal Department",
  },
  reasons: {
    NOT_RESOLVED: { title: 'Not resolved', description: 'Problem not resolved' },
    PARTIALLY_RESOLVED: { title: 'Partly resolved', description: 'Only partly resolved' },
    NO_CONTACT: { title: 'No one contacted me', description: 'Officer never contacted me' },
    WRONG_REPORT: { title: 'Report wrong/incomplete', description: 'Report is wrong or incomplete' },
    DELAY: { title: 'Action delayed', description: 'Action was delayed' },
    NO_ACTION: { title: 'No action taken', description: 'Disposed of without any action' },
    WRONG_JURISDICTION: { title: 'Wrong department/area', description: 'Sent to the wrong department or area' },
    MISCONDUCT: { title: 'Bribe or misbehaviour', description: 'An officer asked for money or behaved badly' },
    OTHER: { title: 'Other reason', description: 'Other reason' },
  },
  messages: {
    atr: 'Your grievance {id} has been disposed of by {department}. The Action Taken Report (ATR) is attached. Are you satisfied with the action taken?',
    reminder: 'Reminder: please give your feedback on the Action Taken Report for grievance {id}. Are you satisfied?',
    acknowledgements: {
      SATISFIED: 'Thank you for your feedback. Your satisfaction with grievance {id} has been recorded.',
      ESCALATED: 'Your dissatisfaction has been recorded. Grievance {id} has been sent to {level} for review.',
      LATE: 'Your feedback on grievance {id} was received and recorded. The feedback period had ended; call 181 for help.',
      ALREADY_RECORDED: 'Your first response on grievance {id} is already recorded. This message has been recorded too.',
    },
    reasonList: {
      body: 'We are sorry you are not satisfied. Please choose why, for grievance {id}.',
      button: 'Choose a reason',
      section: 'Reasons',
    },
    commentPrompt:
      'Thank you. If you would like to add anything, type a comment or record a voice note. Your grievance {id} is being sent to {level}.',
    commentPromptOther:
      'Thank you. You chose "Other reason": please type the reason or record a voice note. Your grievance {id} is being sent to {level}.',
    escalationQuestion: 'The officer reviewing your grievance {id} asks: {question} Please reply to this message with your answer.',
  },
  officerAlert: {
    body: '{what}: grievance {id} ({place}) is with you at the {level} level. Please act by {due} in the officers\' inbox.',
    what: { RAISED: 'New escalation', LEVEL_RAISED: 'Escalated to you', TRANSFERRED: 'Transferred to you', SLA_REMINDER: 'Reminder, time is running out' },
    levels: { 1: 'department', 2: 'district', 3: 'state' },
  },
  sms: {
    atrLink: 'Rajasthan Sampark: grievance {id} disposed of. See the report (ATR) and give feedback: {link}',
  },
  ownWords: {
    help: 'We could not read this as your answer. Tap "Satisfied" or "Not satisfied" on the report message, or type "yes" or "no". For help call 181.',
    afterClose:
      'Thank you for your message. Feedback on grievance {id} has closed: {outcome}. To raise a new grievance, visit sampark.rajasthan.gov.in or call 181.',
    outcomes: {
      SATISFIED: 'you said you were satisfied',
      ESCALATED: 'your dissatisfaction was recorded and the grievance was sent for review',
      NO_RESPONSE: 'no feedback came in time',
      UNDELIVERABLE: 'the report could not be delivered',
      SUPERSEDED: 'a newer report on it replaced this one',
    },
  },
  document: {
    heading: {
      portal: 'Rajasthan Sampark — Public Grievance Redressal Department',
      title: 'Action Taken Report',
      scanToVerify: 'Scan to verify',
      continued: 'continued',
    },
    labels: {
      atrNumber: 'ATR No.',
      grievanceNumber: 'Grievance No.',
      registeredOn: 'Registered on',
      disposedOn: 'Disposed on',
      department: 'Department',
      district: 'District',
      officer: 'Officer',
      complainant: 'Complainant',
      subject: 'Subject',
      actionTaken: 'Action Taken',
      attachments: 'Attachments',
      disposalCycle: 'disposal',
    },
    feedback: {
      heading: 'Give your feedback',
      body: 'Are you satisfied with the action taken? Tap "Satisfied" or "Not satisfied" in the WhatsApp message, or open "View ATR". If you are not satisfied, give the reason and a comment too; your grievance will be sent to {level} for review (a bribe or misbehaviour goes straight to the state level). Call 181 for help.',
    },
    footer: {
      disclaimer: 'This is a computer-generated report; no signature is required.',
      page: 'Page {n} of {total}',
    },
  },
  linkPage: {
    viewAtr: 'View ATR',
    openPdf: 'Open the Action Taken Report (PDF)',
    otherLanguage: 'हिन्दी में देखें',
    question: 'Are you satisfied with the action taken?',
    notSatisfiedHint: 'Not satisfied? Choose a reason below, then press "Not satisfied".',
    reasonLegend: 'Why are you not satisfied?',
    commentLabel: 'Comment',
    commentHint: 'Optional; needed if you choose "Other reason".',
    details: 'Report details',
    errorsHeading: 'Please correct this:',
    errors: {
      ratingRequired: 'Press "Satisfied" or "Not satisfied".',
      reasonRequired: 'Choose a reason for "Not satisfied".',
      reasonWithSatisfied: 'A reason is only for "Not satisfied": clear it, or press "Not satisfied".',
      reasonNotOffered: 'Choose one of the reasons listed.',
      commentRequired: 'For "Other reason", write the reason in the comment.',
      commentInvalid: 'The comment must be at most 2000 characters, without hidden characters.',
    },
    grievance: 'Grievance number: {id}',
    thanks: {
      heading: 'Thank you. Your feedback has been recorded.',
      SATISFIED: 'Your grievance is recorded as resolved to your satisfaction.',
      NOT_SATISFIED: 'Your grievance goes to {level}, which should act within about {days} days.',
    },
    answered: {
      heading: 'You have already answered',
      SATISFIED: 'Your answer: satisfied.',
      NOT_SATISFIED: 'Your answer: not satisfied. Your grievance was sent to {level}.',
    },
    helpline: 'For help, call the Sampark helpline 181.',
    gone: {
      badLink: { title: 'Link incomplete', body: 'This link is incomplete or mistyped. Open it again from your WhatsApp message or SMS.' },
      unknown: { title: 'Link not valid', body: 'This link is not valid. Open it again from your WhatsApp message or SMS.' },
      expired: { title: 'Link expired', body: 'This link has expired and no longer takes feedback.' },
      closed: { title: 'Feedback period ended', body: 'The feedback period for this grievance has ended.' },
      used: { title: 'Form already sent', body: 'This form was already sent, or is out of date. Open the link again to see your answer.' },
      busy: { title: 'Too many attempts', body: 'Please wait a few minutes, then open the link again.' },
    },
  },
  verification: {
    title: { verified: 'Verified', notVerified: 'Not verified' },
    summary: {
      verified: 'This Action Taken Report was issued by Rajasthan Sampark and matches the record.',
      notVerified: 'This Action Taken Report could not be verified. Call 181 for help.',
    },
    findings: {
      notIssued: 'This ATR link was not issued by Rajasthan Sampark, or it has been altered.',
      notOnRecord: 'The signature is genuine, but no ATR with this number is on record here.',
      matches: 'Genuine: this ATR was issued by Rajasthan Sampark and matches the one on record.',
      differs: 'The signature is genuine, but the ATR on record has different content.',
    },
    download: 'Download the original ATR (PDF)',
  },
};
