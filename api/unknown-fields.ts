/**
 * The unknown-field policy at the HTTP edge (the policy itself is in contracts/closure.ts): before validation strips
 * them, the body's unknown members are named, logged by name only and handed back in the answer's `ignoredFields`.
 */
import type { FastifyRequest } from 'fastify';
import { unknownFields } from '../contracts/closure';

/** A name that could be anything (a phone number as a key) is reported as this, never as itself. */
const UNNAMED = '(unnamed)';
/** Member names we repeat in logs and answers: identifiers only, so a key can never carry personal data into a log. */
const PLAIN_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

const ignored = new WeakMap<FastifyRequest, string[]>();

/** preValidation hook: notes (and logs, by name) the body's members that `schema` will ignore. */
export function noteIgnoredFields(schema: unknown) {
  return async (req: FastifyRequest): Promise<void> => {
    // Only the last segment is the caller's; the ones before are our own fields and array indexes.
    const paths = unknownFields(schema, req.body).map((path) => path.replace(/[^.]+$/, (name) => (PLAIN_NAME.test(name) ? name : UNNAMED)));
    if (!paths.length) return;
    ignored.set(req, paths);
    req.log.info({ ignoredFields: paths }, 'unknown fields ignored');
  };
}

/** The ignored members noted for this request (empty when there were none). */
export const ignoredFieldsOf = (req: FastifyRequest): string[] => ignored.get(req) ?? [];
