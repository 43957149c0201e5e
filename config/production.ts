/**
 * What production (SAMPARK_ENV=production, set by the compose stack) refuses: every convenience that makes a
 * laptop work with one command (the simulator, its well-known credentials, the local portal key, the
 * `.env.example` placeholders, defaults that point at 127.0.0.1) would be an open door on a server. Each
 * problem names its variable; loadConfig lists them with every other problem at once.
 */
import type { Role } from '.';

/** The event feed's secret `npm start` gives its local portal receiver (the simulator); public, so never for production. */
export const LOCAL_PORTAL_EVENTS_SECRET = 'local-dev-portal-events-secret-0123456789';

/** Values that are public: the simulator's credentials and the local defaults of `npm start` and the compose file. */
const KNOWN_LOCAL_VALUES = new Set([
  'local-sim-access-token',
  'local-sim-app-secret',
  'local-sim-verify-token',
  'local-dev-portal-key',
  '100000000000001',
  LOCAL_PORTAL_EVENTS_SECRET,
]);

/**
 * `.env.example` marks every value to replace with `change-me` (test/config/production.test.ts parses it to
 * hold it to that), so a copied file is recognised even in the runtime image, which does not ship it.
 */
const PLACEHOLDER = /change-?me|replace[-_]?with/i;
const LOCAL_PREFIX = /^local-(sim|dev)-/;

/** Variables a deployment must set itself: their defaults are for a laptop. */
const SHARED = [
  { name: 'DATABASE_URL', why: 'the default is a local server with no password' },
  { name: 'TEMPORAL_ADDRESS', why: 'the default is a local dev server' },
  { name: 'PUBLIC_BASE_URL', why: "the default http://127.0.0.1:3000 would go into citizens' links" },
];
const WEBHOOK = [
  { name: 'WHATSAPP_APP_SECRET', why: 'the webhook verifies every delivery with it, whatever WHATSAPP_MODE' },
  { name: 'WHATSAPP_VERIFY_TOKEN', why: 'the webhook subscription check compares it' },
];
const INBOX = [{ name: 'OFFICER_COOKIE_SECRET', why: "signs the officers' inbox cookies; without it each replica would make its own" }];
const MUST_SET: Record<Role, readonly { name: string; why: string }[]> = { all: [...SHARED, ...WEBHOOK, ...INBOX], api: [...SHARED, ...WEBHOOK, ...INBOX], worker: SHARED, cli: [] };

/** Every reason the environment is unfit for production (empty when fit). `set` holds only non-empty variables. */
export function productionProblems(set: Readonly<Record<string, string>>, role: Role): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(set).sort(([a], [b]) => a.localeCompare(b))) {
    if (PLACEHOLDER.test(value)) problems.push(`${name}: is a placeholder from .env.example; generate a real value`);
    else if (KNOWN_LOCAL_VALUES.has(value) || LOCAL_PREFIX.test(value)) problems.push(`${name}: is a well-known local value (the simulator's or npm start's); set a real one`);
  }
  if (role === 'cli') return problems;
  const mode = set.WHATSAPP_MODE;
  if (!mode) problems.push("WHATSAPP_MODE: is required in production ('cloud' or 'outbox'); the default is the simulator");
  else if (mode === 'simulator') problems.push("WHATSAPP_MODE: must not be 'simulator' in production ('cloud' or 'outbox')");
  if (set.SMS_MODE === 'simulator') problems.push("SMS_MODE: must not be 'simulator' in production ('http' or 'off')");
  for (const { name, why } of MUST_SET[role]) if (!set[name]) problems.push(`${name}: is required in production (${why})`);
  // Secrets travel to these: in production they must be encrypted in transit.
  for (const name of ['PUBLIC_BASE_URL', 'WHATSAPP_API_URL', 'SMS_GATEWAY_URL', 'PORTAL_EVENTS_URL'] as const) {
    if (set[name] && !/^https:\/\//i.test(set[name])) problems.push(`${name}: must be an https:// URL in production`);
  }
  return problems;
}
