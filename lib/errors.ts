/**
 * A failure that retrying cannot fix (a 4xx from the portal, WhatsApp 131026, a bad template).
 * Adapters throw it with one of the contract's FAILURES types; activities turn it into a
 * non-retryable Temporal failure so the workflow can end with a named outcome and the reason.
 */
export class PermanentError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}
