/**
 * The typed client for the portal backend: close a grievance (starts its ATR workflow), read its
 * status, and pass on feedback from other channels such as the 181 helpline. Input is validated here,
 * with field-level errors, before anything reaches Temporal.
 */
import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import {
  ClosureSchema,
  FeedbackRequestSchema,
  GrievanceIdSchema,
  toFieldErrors,
  type Closure,
  type FieldError,
} from '../contracts/closure';
import {
  ATR_WORKFLOW_TYPE,
  SA,
  TASK_QUEUE,
  atrWorkflowId,
  feedbackSignal,
  initialSearchAttributes,
  resendAtrUpdate,
  stateQuery,
  type AtrResult,
  type AtrState,
  type FeedbackSignal,
  type ResendOutcome,
} from '../contracts/workflow';
import type { IntakeAnswer, IntakeEntry } from '../db/repositories/closure-intake';
import type { atrWorkflow } from '../workflows';
import { differingFields, fingerprintClosure } from './fingerprint';

/** Input that failed validation; `fields` names each bad field. */
export class ValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(`invalid input: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

/** No workflow exists for this grievance (never closed through us). */
export class GrievanceNotFoundError extends Error {
  constructor(readonly grievanceId: string) {
    super(`no ATR workflow found for grievance ${grievanceId}`);
    this.name = 'GrievanceNotFoundError';
  }
}

/** The grievance's workflow has closed: its feedback period is over. */
export class FeedbackClosedError extends Error {
  constructor(readonly workflowId: string) {
    super(`the feedback period for ${workflowId} has ended; feedback can no longer be recorded against it`);
    this.name = 'FeedbackClosedError';
  }
}

/**
 * A closure the intake refuses: its grievance and cycle were posted before with different content, or its
 * atrNumber is another closure's. `fields` names what is at fault, by path; never a value (they may be personal data).
 */
export class ClosureConflictError extends Error {
  constructor(
    readonly workflowId: string,
    readonly fields: FieldError[],
    message: string,
  ) {
    super(message);
    this.name = 'ClosureConflictError';
  }
}

/**
 * Where the client records each closure before starting its workflow (db/repositories/closure-intake.ts
 * implements it): repeats are decided from PostgreSQL, which keeps them, not from Temporal, which forgets.
 */
export interface ClosureIntake {
  admit(entry: IntakeEntry): Promise<IntakeAnswer>;
  markStarted(grievanceId: string, cycle: number): Promise<void>;
  /** The grievance's latest closure given to Temporal: reads find it here, not in the lagging visibility index. */
  latestStarted(grievanceId: string): Promise<{ workflowId: string; cycle: number } | undefined>;
}

/** The workflow refused an operation; `message` says why. */
export class OperationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationRefusedError';
  }
}

/** What the portal learns about a grievance's latest closure. */
export interface GrievanceStatus {
  grievanceId: string;
  cycle: number;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  execution: string;
  state?: AtrState;
  result?: AtrResult;
  /** From search attributes, when the state query cannot be answered (no worker running). */
  summary: { deliveryStatus?: string; feedbackOutcome?: string; outcome?: string; escalationLevel?: number };
}

/**
 * How long a status read waits for a worker to answer the state query: long enough for a busy worker, short enough
 * that the portal's GET answers (from search attributes) while no worker runs.
 */
const STATE_QUERY_TIMEOUT_MS = 3_000;

const DIFFERS = 'differs from the closure first posted for this grievance and cycle';

function contentConflict(workflowId: string, closure: Closure, paths: string[]): ClosureConflictError {
  // Paths only: the values may be personal data. A changed closure is a new cycle, not a new copy of this one.
  const fields = (paths.length ? paths : ['(body)']).map((field) => ({ field, message: DIFFERS }));
  return new ClosureConflictError(
    workflowId,
    fields,
    `grievance ${closure.grievanceId} cycle ${closure.cycle} was already posted with different content (${fields.map((f) => f.field).join(', ')}); a new disposal needs the next cycle`,
  );
}

function atrIdConflict(workflowId: string, closure: Closure): ClosureConflictError {
  // Without an atrNumber the ATR id is the workflow id, which another closure took as its atrNumber.
  const field = closure.atrNumber ? 'atrNumber' : 'grievanceId';
  const message = closure.atrNumber ? "is already another closure's ATR number" : "gives an ATR id that is already another closure's atrNumber";
  return new ClosureConflictError(workflowId, [{ field, message }], `${field} ${message}; each closure needs its own ATR number`);
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  return result.data;
}

/** The portal backend's client for ATR workflows. */
export class AtrClient {
  constructor(
    readonly temporal: Client,
    private readonly intake: ClosureIntake,
    readonly taskQueue: string = TASK_QUEUE,
  ) {}

  /** Validates a closure, or throws ValidationError naming every bad field. */
  static validateClosure(input: unknown): Closure {
    return parse(ClosureSchema, input);
  }

  /**
   * Validates a closure from outside TypeScript's reach (a portal that calls this client directly), then starts
   * its workflow as `startClosure` does. Throws ValidationError naming every bad field.
   */
  async closeGrievance(input: unknown): Promise<{ workflowId: string; duplicate: boolean }> {
    return this.startClosure(AtrClient.validateClosure(input));
  }

  /**
   * Starts the ATR workflow for a closure that was validated where it entered (the HTTP route's schema, a CSV
   * row, closeGrievance): each closure is parsed once. The intake decides first: the same grievance and cycle
   * with the same content returns the same workflow id with `duplicate: true` and starts nothing, however long
   * ago it ran; with different content, or an atrNumber another closure has, it throws ClosureConflictError.
   */
  async startClosure(closure: Closure): Promise<{ workflowId: string; duplicate: boolean }> {
    const { grievanceId, cycle } = closure;
    const workflowId = atrWorkflowId(grievanceId, cycle);
    const { contentSha256, fieldDigests } = fingerprintClosure(closure);
    const answer = await this.intake.admit({ grievanceId, cycle, workflowId, atrId: closure.atrNumber ?? workflowId, contentSha256, fieldDigests });
    if (answer.outcome === 'atr-id-taken') throw atrIdConflict(workflowId, closure);
    if (answer.outcome === 'recorded') {
      if (answer.record.contentSha256 !== contentSha256) throw contentConflict(workflowId, closure, differingFields(answer.record.fieldDigests, fieldDigests));
      if (answer.record.started) return { workflowId, duplicate: true };
      // Recorded, but its start never got through (Temporal down, a crash): start it now.
    }
    const duplicate = await this.startWorkflow(workflowId, closure);
    await this.intake.markStarted(grievanceId, cycle);
    return { workflowId, duplicate };
  }

  /** Starts the workflow; true if Temporal already had it (a concurrent or interrupted start of the same closure). */
  private async startWorkflow(workflowId: string, closure: Closure): Promise<boolean> {
    try {
      await this.temporal.workflow.start<typeof atrWorkflow>(ATR_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [closure],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: initialSearchAttributes(closure),
        staticSummary: `ATR for grievance ${closure.grievanceId}, cycle ${closure.cycle}`,
      });
      return false;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return true;
      throw err;
    }
  }

  /** Status of the latest closure of a grievance, or GrievanceNotFoundError. */
  async getStatus(grievanceIdInput: string): Promise<GrievanceStatus> {
    const grievanceId = parse(GrievanceIdSchema, grievanceIdInput);
    const { workflowId, cycle, execution } = await this.latestExecution(grievanceId);
    const sa = execution.typedSearchAttributes;
    const handle = this.temporal.workflow.getHandle(workflowId, execution.runId);
    const status: GrievanceStatus = {
      grievanceId,
      cycle,
      workflowId,
      execution: execution.status.name,
      summary: {
        deliveryStatus: sa.get(SA.deliveryStatus),
        feedbackOutcome: sa.get(SA.feedbackOutcome),
        outcome: sa.get(SA.outcome),
        escalationLevel: sa.get(SA.escalationLevel),
      },
    };
    const [state, result] = await Promise.all([
      // Without a worker to answer, a query waits for one: the status answers from search attributes instead.
      this.temporal.withDeadline(Date.now() + STATE_QUERY_TIMEOUT_MS, () => handle.query(stateQuery)).catch(() => undefined),
      execution.status.name === 'COMPLETED' ? (handle.result() as Promise<AtrResult>).catch(() => undefined) : undefined,
    ]);
    return { ...status, ...(state ? { state } : {}), ...(result ? { result } : {}) };
  }

  /**
   * Passes on feedback from a channel other than WhatsApp. `cycle` targets one closure; by default
   * the latest. Repeating a messageId is harmless.
   */
  async submitFeedback(grievanceIdInput: string, input: unknown, cycle?: number): Promise<{ workflowId: string; messageId: string }> {
    const grievanceId = parse(GrievanceIdSchema, grievanceIdInput);
    const req = parse(FeedbackRequestSchema, input);
    const workflowId = cycle ? atrWorkflowId(grievanceId, cycle) : (await this.latestClosure(grievanceId)).workflowId;
    const feedback: FeedbackSignal = {
      messageId: req.messageId ?? `${req.channel}-${randomUUID()}`,
      rating: req.rating,
      channel: req.channel,
      receivedAt: req.receivedAt ?? new Date().toISOString(),
      ...(req.reason ? { reason: req.reason } : {}),
      ...(req.comment ? { comment: req.comment } : {}),
    };
    try {
      await this.temporal.workflow.getHandle(workflowId).signal(feedbackSignal, feedback);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Signalling a completed workflow also says "not found": tell the two apart.
        const exists = await this.temporal.workflow
          .getHandle(workflowId)
          .describe()
          .then(() => true, () => false);
        throw exists ? new FeedbackClosedError(workflowId) : new GrievanceNotFoundError(grievanceId);
      }
      throw err;
    }
    return { workflowId, messageId: feedback.messageId };
  }

  /**
   * Sends the latest closure's ATR to the citizen again and reports what came of it once the workflow knows
   * (by which channel, the message's status, an outcome already decided). Throws the workflow's reason when it
   * refuses (not sent yet, quiet hours, already complete).
   */
  async resendAtr(grievanceIdInput: string, requestedBy: string): Promise<{ workflowId: string } & ResendOutcome> {
    const grievanceId = parse(GrievanceIdSchema, grievanceIdInput);
    const { workflowId, execution } = await this.latestExecution(grievanceId);
    if (execution.status.name !== 'RUNNING') throw new FeedbackClosedError(workflowId);
    try {
      const result = await this.temporal.workflow.getHandle(workflowId).executeUpdate(resendAtrUpdate, { args: [{ requestedBy }] });
      return { workflowId, ...result };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new OperationRefusedError((err.cause as Error | undefined)?.message ?? err.message);
      throw err;
    }
  }

  /** The grievance's latest closure from PostgreSQL (written before the 202), never from the visibility index. */
  private async latestClosure(grievanceId: string): Promise<{ workflowId: string; cycle: number }> {
    const latest = await this.intake.latestStarted(grievanceId);
    if (!latest) throw new GrievanceNotFoundError(grievanceId);
    return latest;
  }

  /** The latest closure and its execution as Temporal describes it (not found once Temporal's retention has passed). */
  private async latestExecution(grievanceId: string): Promise<{ workflowId: string; cycle: number; execution: WorkflowExecutionDescription }> {
    const latest = await this.latestClosure(grievanceId);
    try {
      return { ...latest, execution: await this.temporal.workflow.getHandle(latest.workflowId).describe() };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new GrievanceNotFoundError(grievanceId);
      throw err;
    }
  }
}
