/**
 * A validated closure's fingerprint for the intake: a SHA-256 of the whole and one per field. Two postings of
 * a grievance and cycle are compared by these alone, so the intake keeps no personal data and a refusal can
 * name the fields that differ (their paths, never their values).
 */
import { createHash } from 'node:crypto';
import type { Closure } from '../contracts/closure';

/** The whole closure's digest and each field's, by dotted path ("citizen.phone"). */
export interface ClosureFingerprint {
  contentSha256: string;
  fieldDigests: Record<string, string>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted, so the same content always gives the same text whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Objects are walked into; a list is one field (a changed attachment list reads as "attachments", not as a
 * path per item that moved).
 */
function leaves(value: unknown, prefix: string, into: Record<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) if (child !== undefined) leaves(child, prefix ? `${prefix}.${key}` : key, into);
    return;
  }
  into[prefix] = sha256(canonical(value));
}

/** The fingerprint of a validated closure (after defaults and normalisation, so "9876543210" and "+919876543210" agree). */
export function fingerprintClosure(closure: Closure): ClosureFingerprint {
  const fieldDigests: Record<string, string> = {};
  leaves(closure, '', fieldDigests);
  return { contentSha256: sha256(canonical(closure)), fieldDigests };
}

/** The field paths whose digests differ, or that only one side has, sorted. */
export function differingFields(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((path) => a[path] !== b[path]).sort();
}
