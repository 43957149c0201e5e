/** Realistic closures for tests: a Hindi-speaking citizen in Jaipur, unique per call. */
import { randomUUID } from 'node:crypto';
import type { ClosureRequest } from '../../contracts/closure';

let counter = 0;

/** A unique grievance id, so tests sharing one server and database never collide. */
export function uniqueGrievanceId(prefix = 'G'): string {
  return `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${randomUUID().slice(0, 6)}`;
}

/** A valid closure request; override any field. */
export function makeClosure(overrides: Partial<ClosureRequest> = {}): ClosureRequest {
  return {
    grievanceId: uniqueGrievanceId(),
    cycle: 1,
    registeredAt: '2026-11-02T10:15:00+05:30',
    disposedAt: '2026-11-27T16:40:00+05:30',
    department: { code: 'LSG', nameEn: 'Local Self Government', nameHi: 'स्वायत्त शासन विभाग' },
    district: { code: 'JPR', nameEn: 'Jaipur', nameHi: 'जयपुर' },
    officer: { name: 'Suresh Meena', designation: 'Executive Engineer, Nagar Nigam' },
    citizen: { name: 'राम कुमार शर्मा', phone: '9876543210', language: 'hi' },
    subject: 'सड़क पर जल भराव एवं नाली की सफ़ाई',
    actionTaken:
      'नाली की सफ़ाई करवाई गई तथा जल निकासी हेतु अस्थायी पंप लगाया गया। The drain was cleaned and a temporary pump installed.',
    ...overrides,
  };
}
