/**
 * The failure converter of every client and worker, workflow sandbox included (its path is bundled with the
 * workflows): a failure's message and stack trace, third-party error text included, travel as an encoded
 * payload, which the payload codec encrypts, instead of plain fields in Temporal's history. Workflow-safe:
 * it imports only @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
