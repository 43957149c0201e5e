/**
 * One owner per table: every table the migrations create is named in SQL by exactly one repository
 * module. Reports may read any table (SELECT only), migrate.ts keeps its own bookkeeping table, tests
 * may do as they like. The checker reads every string and template literal of the source tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../lib/paths';

/** Each table's one owner. A new migration's table fails the first test until it is given one here. */
const OWNERS: Record<string, string> = {
  closures: 'db/repositories/closures.ts',
  closure_intake: 'db/repositories/closure-intake.ts',
  department_policies: 'db/repositories/closures.ts',
  atr_documents: 'db/repositories/closures.ts',
  atr_links: 'db/repositories/closures.ts',
  atr_link_nonces: 'db/repositories/atr-link-nonces.ts',
  feedback: 'db/repositories/closures.ts',
  feedback_details: 'db/repositories/closures.ts',
  escalations: 'db/repositories/escalations.ts',
  escalation_notes: 'db/repositories/escalations.ts',
  escalation_questions: 'db/repositories/escalations.ts',
  escalation_actions: 'db/repositories/escalations.ts',
  officers: 'db/repositories/officers.ts',
  outbound_messages: 'db/repositories/outbound-messages.ts',
  whatsapp_media: 'db/repositories/outbound-messages.ts',
  recipient_pacing: 'db/repositories/outbound-messages.ts',
  awaited_replies: 'db/repositories/outbound-messages.ts',
  webhook_events: 'db/repositories/webhook-inbox.ts',
  inbound_messages: 'db/repositories/webhook-inbox.ts',
  message_statuses: 'db/repositories/webhook-inbox.ts',
  channel_breakers: 'db/repositories/channel-breakers.ts',
  portal_events: 'db/repositories/portal-events.ts',
  idempotency_keys: 'db/repositories/idempotency-keys.ts',
  voice_notes: 'db/repositories/voice-notes.ts',
  citizen_replies: 'db/repositories/citizen-replies.ts',
  officer_accounts: 'db/repositories/officer-accounts.ts',
  officer_sessions: 'db/repositories/officer-accounts.ts',
  officer_audit: 'db/repositories/officer-accounts.ts',
  transparency_daily: 'db/repositories/transparency.ts',
  transparency_names: 'db/repositories/transparency.ts',
  transparency_refresh: 'db/repositories/transparency.ts',
};
/** Not created by a migration: the migrator's own record of what it applied. */
const BOOKKEEPING: Record<string, string> = { schema_migrations: 'db/migrate.ts' };

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test', '.git', '.tools', '.data', 'coverage']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** SQL in this code base writes its keywords in capitals; a literal with one is read as SQL. */
const SQL_MARKER = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|TRUNCATE|ALTER|CREATE|DROP|WITH|RETURNING)\b/;
/** A table right after a keyword that takes one, in any case. */
const TABLE_AFTER_KEYWORD = /\b(?:from|join|into|update|table|truncate|references)\s+(?:only\s+|if\s+(?:not\s+)?exists\s+)?([a-z_][a-z0-9_]*)/gi;
/** What a read-only report must not do. */
const WRITE = /\b(INSERT|UPDATE|DELETE|TRUNCATE|ALTER|CREATE|DROP|MERGE|COPY|GRANT)\b/i;

/** The tables the migrations create. */
function migrationTables(): string[] {
  const dir = path.join(PROJECT_ROOT, 'db', 'migrations');
  const sql = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  return [...sql.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!.toLowerCase());
}

/** The text of every string and template literal in a source file; a substitution reads as `${}`. */
function literals(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) found.push(node.head.text + node.templateSpans.map((s) => ` \${} ${s.literal.text}`).join(''));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The tables a source file names in SQL, and whether any of its SQL writes. */
function tablesNamedIn(file: string, source: string, tables: string[]): { named: Set<string>; writes: boolean } {
  const all = literals(file, source);
  const sql = all.filter((l) => SQL_MARKER.test(l));
  const named = new Set<string>();
  const isTable = (name: string) => tables.includes(name.toLowerCase());
  for (const text of all) {
    for (const m of text.matchAll(TABLE_AFTER_KEYWORD)) if (isTable(m[1]!)) named.add(m[1]!.toLowerCase());
  }
  for (const text of sql) {
    for (const t of tables) if (new RegExp(`\\b${t}\\b`, 'i').test(text)) named.add(t);
  }
  // A table name on its own, in a file that runs SQL: a table chosen at run time (`UPDATE ${table}`).
  if (sql.length) for (const text of all) if (isTable(text.trim())) named.add(text.trim().toLowerCase());
  return { named, writes: sql.some((l) => WRITE.test(l)) };
}

/** What breaks the one-owner rule in one file (its path relative to the project root, with forward slashes). */
function violations(file: string, source: string, tables: string[]): string[] {
  const owners: Record<string, string> = { ...OWNERS, ...BOOKKEEPING };
  const { named, writes } = tablesNamedIn(file, source, [...tables, ...Object.keys(BOOKKEEPING)]);
  if (file.startsWith('db/migrations/')) return [];
  if (/^db\/reports(\/|\.ts$)/.test(file)) return writes ? [`${file}: a report must only read (SELECT)`] : [];
  return [...named].filter((t) => owners[t] !== file).map((t) => `${file} names ${t}, owned by ${owners[t] ?? 'nobody'}`);
}

function sourceFiles(dir = PROJECT_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : sourceFiles(path.join(dir, e.name));
    return SOURCE.test(e.name) ? [path.join(dir, e.name)] : [];
  });
}

const tables = migrationTables();
const relative = (abs: string) => path.relative(PROJECT_ROOT, abs).split(path.sep).join('/');

test('every table the migrations create has exactly one owner, and nothing else is listed', () => {
  expect(tables.length).toBeGreaterThan(0);
  expect([...new Set(tables)].sort()).toEqual(Object.keys(OWNERS).sort());
});

test('each owner names its own tables', () => {
  for (const owner of new Set(Object.values(OWNERS))) {
    const { named } = tablesNamedIn(owner, readFileSync(path.join(PROJECT_ROOT, owner), 'utf8'), tables);
    const own = Object.keys(OWNERS).filter((t) => OWNERS[t] === owner);
    expect({ owner, named: own.filter((t) => named.has(t)) }).toEqual({ owner, named: own });
  }
});

test('no table is named in SQL outside its owner (reports only read)', () => {
  const files = sourceFiles().map(relative);
  expect(files).toContain('db/reports.ts');
  const found = files.flatMap((file) => violations(file, readFileSync(path.join(PROJECT_ROOT, file), 'utf8'), tables));
  expect(found).toEqual([]);
});

describe('the checker bites', () => {
  test('on a query of another module’s table', () => {
    const planted = `await pool.query('SELECT closure FROM closures WHERE workflow_id = $1', [id]);`;
    expect(violations('messaging/whatsapp/relay.ts', planted, tables)).toEqual(['messaging/whatsapp/relay.ts names closures, owned by db/repositories/closures.ts']);
    expect(violations('db/repositories/closures.ts', planted, tables)).toEqual([]);
  });

  test('on lower-case SQL, a join, and a table chosen at run time', () => {
    expect(violations('cli/x.ts', 'q(`select 1 from outbound_messages o join message_statuses s on true`)', tables).sort()).toEqual([
      'cli/x.ts names message_statuses, owned by db/repositories/webhook-inbox.ts',
      'cli/x.ts names outbound_messages, owned by db/repositories/outbound-messages.ts',
    ]);
    const dynamic = "const t = 'inbound_messages';\nq(`UPDATE ${t} SET attempts = 0`);";
    expect(violations('messaging/whatsapp/relay.ts', dynamic, tables)).toEqual(['messaging/whatsapp/relay.ts names inbound_messages, owned by db/repositories/webhook-inbox.ts']);
  });

  test('on a report that writes, and not on words that merely match a table', () => {
    expect(violations('db/reports.ts', "q('UPDATE closures SET outcome = NULL')", tables)).toEqual(['db/reports.ts: a report must only read (SELECT)']);
    expect(violations('db/reports.ts', "q('SELECT count(*) FROM closures')", tables)).toEqual([]);
    expect(violations('activities/index.ts', "metrics.increment('feedback'); log.info({}, 'escalations recorded');", tables)).toEqual([]);
  });
});
