/**
 * Fault injection for chaos tests: ordered rules, the first matching rule that fires decides. A rule can
 * answer a Graph error code, a plain 5xx, or delay the answer (to trip our client's timeouts); a delay alone
 * then lets the request proceed normally, so the message is sent although the client gave up, which is the
 * ambiguity a real timeout leaves. With `async`, a code is not answered at all: the send is accepted (200
 * and a wamid) and fails later in a `failed` status, as Meta reports delivery failures (131026, 131047,
 * 131049, 131053 for media it could not fetch, ...). Without it the code is answered synchronously, so a
 * rule `{ endpoint: 'messages', code: 190 }` makes every send answer 190 (HTTP 401) until it is cleared.
 */
import { z } from 'zod';
import { GraphError } from './graph-error';
import { numberKey } from './ids';

/** Endpoints a rule can target. */
export const FAULT_ENDPOINTS = ['messages', 'media', 'sms'] as const;

/** One fault rule (POST /_sim/faults). */
export const FaultRuleSchema = z
  .strictObject({
  /** Omitted: every endpoint. */
  endpoint: z.enum(FAULT_ENDPOINTS).optional(),
  /** Only requests to this recipient (any format; compared by digits). Never matches media uploads. */
  to: z.string().min(1).optional(),
  /** A Graph error code (messages, media) or an SMS error code (sms). */
  code: z.union([z.number().int().min(0), z.enum(['invalid_number', 'unauthorized', 'rejected', 'bad_request'])]).optional(),
  /** HTTP status: a 5xx alone answers Graph code 1 (500) or 2 (503, 502, 504); 429 alone answers 130429. */
  http: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  /** Delay before answering. */
  timeoutMs: z.number().int().min(0).max(600_000).optional(),
  /** Chance that a matching request is hit (default 1). */
  rate: z.number().min(0).max(1).optional(),
  /** How many requests the rule hits before it is spent (default: unlimited). */
  count: z.number().int().min(1).optional(),
  /** error_data.details / message to answer with. */
  details: z.string().max(1000).optional(),
  /** Accept the send (200, wamid), then report `code` in a `failed` status webhook. Messages only. */
  async: z.boolean().optional(),
})
  .refine((r) => !r.async || (typeof r.code === 'number' && r.http === undefined && (r.endpoint === undefined || r.endpoint === 'messages')), {
    message: 'async needs a numeric Graph code, no http, and applies to endpoint messages only',
    path: ['async'],
  });

/** A fault rule. */
export type FaultRule = z.infer<typeof FaultRuleSchema>;

/** Body of POST /_sim/faults. */
export const FaultRulesBody = z.strictObject({ rules: z.array(FaultRuleSchema).max(100) });

/** What a fired rule asks for. */
export interface FaultAction {
  delayMs: number;
  code?: FaultRule['code'];
  http?: number;
  details?: string;
  /** Fail later in a `failed` status instead of answering the code. */
  async?: boolean;
}

/** A rule with its hit counter. */
export interface ActiveFaultRule extends FaultRule {
  hits: number;
  remaining?: number;
}

/** The active rules, in order. */
export class FaultInjector {
  private list: ActiveFaultRule[] = [];

  constructor(private readonly random: () => number) {}

  /** Replaces the rules. */
  set(rules: FaultRule[]): void {
    this.list = rules.map((r) => ({ ...r, hits: 0, ...(r.count !== undefined ? { remaining: r.count } : {}) }));
  }

  /** Drops every rule. */
  clear(): void {
    this.list = [];
  }

  /** The rules with their hit counts. */
  rules(): readonly ActiveFaultRule[] {
    return this.list;
  }

  /** The action of the first rule that matches and fires for this request, if any. */
  take(endpoint: (typeof FAULT_ENDPOINTS)[number], to: string | undefined): FaultAction | undefined {
    for (const rule of this.list) {
      if (rule.remaining === 0) continue;
      if (rule.endpoint && rule.endpoint !== endpoint) continue;
      // An async rule is a delivery failure: only sends are delivered.
      if (rule.async && endpoint !== 'messages') continue;
      if (rule.to && (to === undefined || numberKey(rule.to) !== numberKey(to))) continue;
      if ((rule.rate ?? 1) < 1 && this.random() >= (rule.rate ?? 1)) continue;
      rule.hits += 1;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      return {
        delayMs: rule.timeoutMs ?? 0,
        ...(rule.code !== undefined ? { code: rule.code } : {}),
        ...(rule.http !== undefined ? { http: rule.http } : {}),
        ...(rule.details !== undefined ? { details: rule.details } : {}),
        ...(rule.async ? { async: true } : {}),
      };
    }
    return undefined;
  }
}

/** Whether a fired rule answers an error now (rather than only delaying, or failing later). */
export function answersNow(fault: FaultAction | undefined): fault is FaultAction {
  return fault !== undefined && !fault.async && (fault.code !== undefined || fault.http !== undefined);
}

/** The Graph error a fired rule answers: its code, or code 1 (HTTP 500), 2 (502/503/504), 130429 (429). */
export function faultGraphError(fault: FaultAction): GraphError {
  const code = typeof fault.code === 'number' ? fault.code : fault.http === 429 ? 130429 : fault.http === 500 ? 1 : 2;
  const details = fault.details ?? (code === 1 ? 'An unknown error occurred (simulated fault).' : code === 2 ? 'Service temporarily unavailable (simulated fault).' : 'Simulated fault.');
  return new GraphError(code, details, fault.http);
}
