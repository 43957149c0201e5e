/**
 * The escalations' client, used by the HTTP API, the officers' inbox and the CLI: reads come from the read model in
 * PostgreSQL (always within the officer's scope), actions go to the escalation workflow as Temporal updates, whose
 * validators have the last word (role, scope, an ended escalation). The officer's words are stored first, so only
 * their ids travel through Temporal.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { toFieldErrors, type FieldError } from '../contracts/closure';
import {
  acknowledgeUpdate,
  addNoteUpdate,
  askCitizenUpdate,
  escalationStateQuery,
  refusalToAct,
  transferUpdate,
  type EscalationActor,
  type EscalationCase,
  type EscalationFilter,
  type EscalationState,
  type EscalationSummary,
} from '../contracts/escalation';
import {
  AcknowledgeRequestSchema,
  EscalationFilterSchema,
  NoteRequestSchema,
  QuestionRequestSchema,
  TransferRequestSchema,
} from '../contracts/escalation-actions';
import type { EscalationRepository } from '../db/repositories/escalations';
import { OperationRefusedError, ValidationError } from './index';

/** No such escalation, or not one the officer may see (the same answer, so ids cannot be probed). */
export class EscalationNotFoundError extends Error {
  constructor(readonly escalationId: string) {
    super(`no escalation ${escalationId} in this officer's scope`);
    this.name = 'EscalationNotFoundError';
  }
}

/** What the client needs of the read model. */
export type EscalationStore = Pick<EscalationRepository, 'listEscalations' | 'getCase' | 'saveNote' | 'saveQuestion'>;

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; code: string; message: string }[] } } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error) as FieldError[]);
  return result.data;
}

/** An escalation action's answer: the escalation's live state after it. */
export interface ActionResult {
  escalationId: string;
  state: EscalationState;
}

/** Reads and acts on escalations. */
export class EscalationClient {
  constructor(
    readonly temporal: Client,
    private readonly store: EscalationStore,
  ) {}

  /** The escalations an officer may see (null: ops, the whole state), filtered; most urgent SLA first. */
  async list(actor: EscalationActor | null, filterInput: unknown = {}): Promise<EscalationSummary[]> {
    const filter = parse(EscalationFilterSchema, filterInput) as EscalationFilter;
    return this.store.listEscalations(actor, filter);
  }

  /** One case with its history, or EscalationNotFoundError when it is missing or outside the officer's scope. */
  async getCase(escalationId: string, actor: EscalationActor | null): Promise<EscalationCase> {
    const found = await this.store.getCase(escalationId, actor);
    if (!found) throw new EscalationNotFoundError(escalationId);
    return found;
  }

  /** The workflow's live state (the read model may be a moment behind it). */
  async getState(escalationId: string, actor: EscalationActor | null): Promise<EscalationState> {
    const handle = await this.handleFor(escalationId, actor);
    return handle.query(escalationStateQuery);
  }

  async acknowledge(escalationId: string, input: unknown): Promise<ActionResult> {
    const { actor } = parse(AcknowledgeRequestSchema, input);
    return this.act(escalationId, actor, (h) => h.executeUpdate(acknowledgeUpdate, { args: [{ actor }] }));
  }

  async addNote(escalationId: string, input: unknown): Promise<ActionResult & { noteId: string }> {
    const { actor, note } = parse(NoteRequestSchema, input);
    const noteId = randomUUID();
    const result = await this.act(escalationId, actor, async (h) => {
      await this.store.saveNote({ noteId, escalationId, officerId: actor.officerId, note });
      return h.executeUpdate(addNoteUpdate, { args: [{ actor, noteId }] });
    });
    return { ...result, noteId };
  }

  async askCitizen(escalationId: string, input: unknown): Promise<ActionResult & { questionId: string }> {
    const { actor, question } = parse(QuestionRequestSchema, input);
    const questionId = randomUUID();
    const result = await this.act(escalationId, actor, async (h) => {
      await this.store.saveQuestion({ questionId, escalationId, officerId: actor.officerId, question });
      return h.executeUpdate(askCitizenUpdate, { args: [{ actor, questionId }] });
    });
    return { ...result, questionId };
  }

  async transfer(escalationId: string, input: unknown): Promise<ActionResult> {
    const { actor, toDepartmentCode, toDistrictCode, note } = parse(TransferRequestSchema, input);
    return this.act(escalationId, actor, async (h) => {
      const noteId = note ? randomUUID() : undefined;
      if (noteId && note) await this.store.saveNote({ noteId, escalationId, officerId: actor.officerId, note });
      return h.executeUpdate(transferUpdate, { args: [{ actor, toDepartmentCode, toDistrictCode, noteId }] });
    });
  }

  /**
   * Checks the read model first (scope, an ended escalation: a clear answer without a round trip), then runs the
   * update, whose validator decides on the live state. A refusal becomes OperationRefusedError with its reason.
   */
  private async act(
    escalationId: string,
    actor: EscalationActor,
    run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<EscalationState>,
  ): Promise<ActionResult> {
    const found = await this.store.getCase(escalationId, actor);
    if (!found?.escalationWorkflowId) throw new EscalationNotFoundError(escalationId);
    const refusal = refusalToAct(actor, { level: found.level, status: found.status, departmentCode: found.departmentCode, districtCode: found.districtCode });
    if (refusal) throw new OperationRefusedError(refusal);
    try {
      const state = await run(this.temporal.workflow.getHandle(found.escalationWorkflowId));
      return { escalationId, state };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new OperationRefusedError((err.cause as Error | undefined)?.message ?? err.message);
      // The workflow has ended (RESOLVED or BREACHED) since the read model was read.
      if (err instanceof WorkflowNotFoundError) throw new OperationRefusedError('escalation has ended; it takes no more actions');
      throw err;
    }
  }

  private async handleFor(escalationId: string, actor: EscalationActor | null) {
    const found = await this.store.getCase(escalationId, actor);
    if (!found?.escalationWorkflowId) throw new EscalationNotFoundError(escalationId);
    return this.temporal.workflow.getHandle(found.escalationWorkflowId);
  }
}
