/**
 * What citizens read, in English. Every phrase here has its Hindi counterpart in hi.ts; the Wording type
 * in index.ts says what each is for and which {placeholders} it takes.
 */
import type { Wording } from './index';

export const en: Wording = {
  names: { government: 'Government of Rajasthan', sampark: 'Rajasthan Sampark' },
  ratings: { SATISFIED: 'Satisfied', NOT_SATISFIED: 'Not satisfied' },
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
      ESCALATED: 'Your dissatisfaction has been recorded. Grievance {id} has been sent to a higher level for review.',
      LATE: 'Your feedback on grievance {id} was received and recorded. The feedback period had ended; call 181 for help.',
      ALREADY_RECORDED: 'Your first response on grievance {id} is already recorded. This message has been recorded too.',
    },
    reasonList: {
      body: 'We are sorry you are not satisfied. Please choose why, for grievance {id}.',
      button: 'Choose a reason',
      section: 'Reasons',
    },
    commentPrompt:
      'Thank you. If you would like to add anything, type a comment or record a voice note. Your grievance {id} is being sent to a higher level.',
  },
  sms: {
    atrLink: 'Rajasthan Sampark: your grievance {id} has been disposed of. See the Action Taken Report and give feedback: {link}',
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
      body: 'Are you satisfied with the action taken? Tap "Satisfied" or "Not satisfied" in the WhatsApp message. If you are not satisfied, send the reason and a comment too; your grievance will be sent to a higher level for review. Call 181 for help.',
    },
    footer: {
      disclaimer: 'This is a computer-generated report; no signature is required.',
      page: 'Page {n} of {total}',
    },
  },
  linkPage: {
    openPdf: 'Open the Action Taken Report (PDF)',
    reasonLabel: 'If not satisfied, why',
    commentLabel: 'Comment (optional)',
    results: {
      recorded: 'Thank you. Your feedback has been recorded.',
      closed: 'The feedback period for this grievance has ended. Call 181 for help.',
      expired: 'This link is not valid or has expired. Call 181 for help.',
      used: 'This form was already sent, or is out of date. Open the link from your SMS again to answer.',
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
