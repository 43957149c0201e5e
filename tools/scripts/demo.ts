/**
 * `npm run demo`: while `npm start` runs, posts eight realistic closures (scripts/demo-closures.ts) to the
 * HTTP API, exactly as a portal backend would, and prints where to watch each one: its workflow id, the
 * citizen's phone page on the WhatsApp simulator, and how to find them in the Temporal Web UI.
 *
 * Environment: DEMO_API_URL (default http://127.0.0.1:3000), PORTAL_API_KEY (default the local key
 * `npm start` uses), SIMULATOR_PORT (3001), TEMPORAL_UI_PORT (8233), TEMPORAL_NAMESPACE (default), and
 * DEMO_RUN_ID to post a run's closures again (the API then answers `duplicate`, starting nothing new).
 */
import type { Problem } from '../../contracts/api';
import { Client, Connection } from '@temporalio/client';
import { TRANSPARENCY_SCHEDULE_ID } from '../../contracts/transparency';
import type { ClosureRequest, Rating } from '../../contracts/closure';
import { WORDING } from '../../messaging/wording';
import { DEMO_ANSWERS, DEMO_SIZE, demoClosures, demoRunId } from './demo-closures';

/** Where the demo posts and what it prints. */
export interface DemoOptions {
  apiUrl: string;
  apiKey: string;
  /** The WhatsApp simulator, for the phone page links. */
  simulatorUrl: string;
  /** The Temporal Web UI, for the closing hints. */
  temporalUiUrl: string;
  namespace: string;
  /** Temporal's gRPC address, to run the dashboard's refresh Schedule now (default 127.0.0.1:7233). */
  temporalAddress?: string;
  /** Default: a new id from the clock, so every run starts new grievances. */
  runId?: string;
  now?: Date;
  /** Where output lines go (default stdout). */
  print?: (line: string) => void;
}

/** One posted closure and what the API answered. */
export interface DemoResult {
  closure: ClosureRequest;
  /** HTTP status: 202 when started, 200 when the API already had this closure. */
  status: number;
  workflowId?: string;
  duplicate?: boolean;
  /** What went wrong when not accepted. */
  error?: string;
  phonePageUrl: string;
}

/** A problem that stops the demo, with a message that says what to do. */
export class DemoError extends Error {
  override name = 'DemoError';
}

const LOCAL_API_KEY = 'local-dev-portal-key';

/** The options from the environment, with `npm start`'s local defaults. */
export function demoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DemoOptions {
  return {
    apiUrl: (env.DEMO_API_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    apiKey: env.PORTAL_API_KEY || LOCAL_API_KEY,
    simulatorUrl: `http://127.0.0.1:${env.SIMULATOR_PORT || '3001'}`,
    temporalUiUrl: `http://127.0.0.1:${env.TEMPORAL_UI_PORT || '8233'}`,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalAddress: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    ...(env.DEMO_RUN_ID ? { runId: env.DEMO_RUN_ID } : {}),
  };
}

/** The citizen's phone page on the simulator. */
export function phonePageUrl(simulatorUrl: string, phoneE164: string): string {
  return `${simulatorUrl.replace(/\/+$/, '')}/phone/${encodeURIComponent(phoneE164)}`;
}

/** Posts the demo closures and prints where to follow them; returns what the API answered for each. */
export async function runDemo(options: DemoOptions): Promise<{ runId: string; results: DemoResult[] }> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const runId = options.runId ?? demoRunId(options.now);
  const closures = demoClosures(runId, options.now);
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };

  await checkApi(apiUrl, headers);

  print(`Posting ${DEMO_SIZE} demo closures to ${apiUrl}/v1/closures (run ${runId}).`);
  print('Demo choice: every closure sets feedbackPolicy.quietHours = null, so its ATR goes out at any hour;');
  print('real closures wait for daytime (no messages 21:00-09:00 IST).');
  print('');

  const results: DemoResult[] = [];
  for (const [i, closure] of closures.entries()) {
    const result = await postClosure(apiUrl, headers, closure, phonePageUrl(options.simulatorUrl, closure.citizen.phone));
    results.push(result);
    const c = closure;
    print(`${String(i + 1).padStart(2)}. ${c.grievanceId}  cycle ${c.cycle ?? 1}  ${c.department.code} ${c.department.nameEn}, ${c.district.nameEn}  (${c.citizen.language === 'en' ? 'English' : 'Hindi'})`);
    print(`    ${c.subject}`);
    if (result.status === 202 || result.status === 200) {
      print(`    workflow    ${result.workflowId}${result.duplicate ? '  (already started: same closure, nothing new)' : ''}`);
      print(`    phone page  ${result.phonePageUrl}`);
    } else {
      print(`    NOT ACCEPTED: HTTP ${result.status} ${result.error}`);
    }
  }

  const accepted = results.filter((r) => r.status === 202 || r.status === 200);
  const ui = `${options.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(options.namespace)}/workflows`;
  const search = (q: string) => `${ui}?query=${encodeURIComponent(q)}`;
  print('');
  print(`${accepted.length} of ${results.length} closures accepted.`);
  print('');
  print(`Temporal Web UI: ${options.temporalUiUrl}`);
  print('  Find the demo grievances by their search attributes (type the query into the UI, or open the link):');
  const queries = [`GrievanceId="${closures[0]!.grievanceId}"`, 'DepartmentCode="LSG"', 'DistrictCode="JDH" AND GrievanceCycle=2', 'AtrOutcome="ESCALATED"'];
  const width = Math.max(...queries.map((q) => q.length));
  for (const q of queries) print(`    ${q.padEnd(width)}  ${search(q)}`);
  print('  Each workflow id is atr-<grievance id>-c<cycle>; its "state" query shows the live state.');
  print('');
  const tap = (rating: Rating) => `"${WORDING.hi.ratings[rating]}" / "${WORDING.en.ratings[rating]}"`;
  print(`On a phone page, tap ${tap('NOT_SATISFIED')}, pick a reason and type a comment: the grievance is escalated`);
  print(`(see it with: curl -s ${apiUrl}/v1/grievances/${closures[0]!.grievanceId} -H 'authorization: Bearer <key>').`);
  print(`Tap ${tap('SATISFIED')} and the citizen is thanked. No answer: reminders after 24 h and 72 h.`);

  await answerForSome(apiUrl, headers, runId, results, print);
  await refreshDashboard(options, print);

  if (accepted.length < results.length) throw new DemoError(`${results.length - accepted.length} of ${results.length} closures were not accepted (see above)`);
  return { runId, results };
}

/**
 * Posts DEMO_ANSWERS' "not satisfied" through the API's feedback route (channel helpline, so the escalation starts
 * at once, without WhatsApp's wait for details) and prints whose inbox each lands in. Idempotent per run: the same
 * run id again replays the first answers.
 */
async function answerForSome(apiUrl: string, headers: Record<string, string>, runId: string, results: DemoResult[], print: (line: string) => void): Promise<void> {
  print('');
  print('Three citizens answer "not satisfied" through the 181 helpline, so the officers\' inbox has an escalation at each level:');
  for (const answer of DEMO_ANSWERS) {
    const { closure } = results[answer.closure - 1]!;
    const body = { rating: 'NOT_SATISFIED', reason: answer.reason, comment: answer.comment, channel: 'helpline', messageId: `${closure.grievanceId}-helpline` };
    const res = await fetch(`${apiUrl}/v1/grievances/${encodeURIComponent(closure.grievanceId)}/feedback`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `${runId}-answer-${answer.closure}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).catch((err: unknown) => err as Error);
    const outcome = res instanceof Error ? `NOT ACCEPTED: ${describe(res)}` : res.status === 202 ? `level ${answer.level}, inbox of ${answer.officerId}` : `NOT ACCEPTED: HTTP ${res.status} ${errorText(await res.text())}`;
    print(`  ${closure.grievanceId}  ${answer.reason.padEnd(18)} ${outcome}`);
  }
  print(`  Officers' inbox: ${apiUrl}/officer (the local logins are printed by npm start); or: npx sampark-atr escalations`);
}

/**
 * Runs the transparency rollup's Schedule now, so the public page shows the demo's departments at once (it also
 * runs every 15 minutes by itself; deliveries and answers that come later show from the next run). Never fails the demo.
 */
async function refreshDashboard(options: DemoOptions, print: (line: string) => void): Promise<void> {
  print('');
  print(`Public transparency dashboard: ${options.apiUrl}/transparency (English: ?lang=en; open data: /transparency/data.csv)`);
  print('  A handful of demo closures makes small counts: the page shows those as "<5", as it does for real ones.');
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: options.temporalAddress ?? '127.0.0.1:7233', connectTimeout: '3s' });
    await new Client({ connection, namespace: options.namespace }).schedule.getHandle(TRANSPARENCY_SCHEDULE_ID).trigger();
    print('  Its figures are being refreshed now; it refreshes itself every 15 minutes.');
  } catch (err) {
    print(`  (could not refresh it now: ${describe(err)}; it refreshes itself every 15 minutes)`);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Fails early, and clearly, when the API is down, degraded, or does not take the key. */
async function checkApi(apiUrl: string, headers: Record<string, string>): Promise<void> {
  let health: Response;
  try {
    health = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new DemoError(
      `The Sampark ATR API is not reachable at ${apiUrl} (${describe(err)}).\n` +
        'Start it with `npm start` in another terminal, wait for "Sampark ATR is running.", then run `npm run demo` again.\n' +
        '(DEMO_API_URL points the demo at another API.)',
    );
  }
  if (health.status !== 200) {
    const body = await health.text();
    throw new DemoError(`The API at ${apiUrl} is up but not healthy (GET /healthz answered ${health.status}: ${body}). Check the \`npm start\` output.`);
  }
  // A grievance that cannot exist: 404 means the key is good, and starts nothing.
  const probe = await fetch(`${apiUrl}/v1/grievances/demo-key-check`, { headers, signal: AbortSignal.timeout(10_000) });
  if (probe.status === 401) {
    throw new DemoError(
      `The API at ${apiUrl} refused the API key. Set PORTAL_API_KEY to the key it runs with (npm start uses ${LOCAL_API_KEY} unless PORTAL_API_KEY was set).`,
    );
  }
}

async function postClosure(apiUrl: string, headers: Record<string, string>, closure: ClosureRequest, phonePage: string): Promise<DemoResult> {
  try {
    const res = await fetch(`${apiUrl}/v1/closures`, { method: 'POST', headers, body: JSON.stringify(closure), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.status === 202 || res.status === 200) {
      const body = JSON.parse(text) as { workflowId: string; duplicate: boolean };
      return { closure, status: res.status, workflowId: body.workflowId, duplicate: body.duplicate, phonePageUrl: phonePage };
    }
    return { closure, status: res.status, error: errorText(text), phonePageUrl: phonePage };
  } catch (err) {
    return { closure, status: 0, error: `request failed: ${describe(err)}`, phonePageUrl: phonePage };
  }
}

/** The API's problem details in one line: its detail and any bad fields. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    const fields = body.fields?.map((f) => `${f.field} ${f.message}`).join('; ');
    return [body.detail, fields, body.requestId ? `request ${body.requestId}` : undefined].filter(Boolean).join(': ');
  } catch {
    return text.slice(0, 300);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

if (require.main === module) {
  runDemo(demoOptionsFromEnv()).catch((err: unknown) => {
    console.error(err instanceof DemoError ? err.message : err);
    process.exitCode = 1;
  });
}
