/**
 * docker-compose.yml cannot run here (no Docker engine), so its promises are checked as data: official
 * pinned images, health-gated start-up, scalable workers, every app variable one that loadConfig knows, every
 * file and command it points at present in the repository and the build, and secure defaults: only the API
 * and the signed-in, read-only Web UI published, no token in any URL, production mode on every app service,
 * and the simulator in the dev profile only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../config';
import { PROJECT_ROOT } from '../../lib/paths';

interface Service {
  image?: string;
  build?: string | { context: string; target: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  profiles?: string[];
}

const source = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(source, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APP = ['api', 'worker', 'codec'];

describe('docker-compose.yml', () => {
  test('has the whole stack: PostgreSQL, Temporal with its UI, our worker, API, codec server and simulator, and Prometheus', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'codec', 'postgres', 'prometheus', 'simulator', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort());
  });

  test('uses official images with pinned versions for everything we do not build', () => {
    const images = Object.values(services).filter((s) => s.image).map((s) => s.image!);
    for (const image of images) {
      expect(image).toMatch(/^(postgres|temporalio\/(server|admin-tools|ui)|prom\/prometheus):v?\d[\w.-]*$/);
    }
    for (const name of APP) expect(services[name]!.build).toBe('.');
    expect(services.simulator!.build).toEqual({ context: '.', target: 'tools' });
  });

  test('starts each service only once what it depends on is healthy or done', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dep, condition }).toEqual({ name, dep, condition: expect.stringMatching(/^service_(healthy|completed_successfully)$/) });
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck).toBeDefined();
      }
    }
    expect(services.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services.worker!.depends_on!['temporal-setup']).toEqual({ condition: 'service_completed_successfully' });
  });

  test('runs several workers', () => {
    expect(services.worker!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(services.worker!.ports).toBeUndefined(); // replicas cannot share a published port
  });

  test('passes our services only variables that loadConfig reads', () => {
    for (const name of APP) {
      for (const variable of Object.keys(services[name]!.environment ?? {})) {
        expect({ service: name, variable, known: CONFIG_VARIABLES.includes(variable) }).toEqual({ service: name, variable, known: true });
      }
    }
  });

  test('points the simulator at our webhook', () => {
    expect(services.simulator!.environment!.SIMULATOR_WEBHOOK_URL).toBe('http://api:3000/webhooks/whatsapp');
  });

  test('publishes only the API and the Web UI in the default profile; gRPC, codec, PostgreSQL and Prometheus stay internal', () => {
    const publishing = Object.entries(services).filter(([, s]) => s.ports?.length && !s.profiles);
    expect(Object.fromEntries(publishing.map(([name, s]) => [name, s.ports]))).toEqual({ api: ['3000:3000'], 'temporal-ui': ['8233:8080'] });
    for (const name of ['temporal', 'codec', 'postgres', 'prometheus', 'worker']) expect({ name, ports: services[name]!.ports }).toEqual({ name, ports: undefined });
  });

  test('puts the Web UI behind OIDC sign-in, with write actions off unless chosen', () => {
    const ui = services['temporal-ui']!.environment!;
    expect(ui.TEMPORAL_AUTH_ENABLED).toBe('true');
    expect(ui.TEMPORAL_AUTH_TYPE).toBe('oidc');
    // Required from the operator: compose refuses to start without them.
    for (const name of ['TEMPORAL_AUTH_PROVIDER_URL', 'TEMPORAL_AUTH_CLIENT_ID', 'TEMPORAL_AUTH_CLIENT_SECRET', 'TEMPORAL_AUTH_CALLBACK_URL']) {
      expect({ name, value: ui[name] }).toEqual({ name, value: expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]+\}/) });
    }
    expect(ui.TEMPORAL_AUTH_CALLBACK_URL).toMatch(/\/auth\/sso\/callback$/);
    expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('${TEMPORAL_DISABLE_WRITE_ACTIONS:-true}');
  });

  test('carries no token in any URL: the UI is given no token-in-path codec endpoint', () => {
    expect(source).not.toMatch(/\/t\/\$\{/);
    expect(services['temporal-ui']!.environment!.TEMPORAL_CODEC_ENDPOINT).toBeUndefined();
    for (const [service, s] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(s.environment ?? {})) {
        const urls = String(value).match(/[a-z]+:\/\/\S+/g) ?? [];
        // A URL may carry the database password (the pg client reads it there) but no token, key or secret.
        for (const url of urls) expect({ service, variable, url }).toEqual({ service, variable, url: expect.not.stringMatching(/TOKEN|KEY|SECRET/) });
      }
    }
  });

  test('runs every app service in production mode, with no default for a secret or a mode', () => {
    for (const name of APP) expect({ name, env: services[name]!.environment!.SAMPARK_ENV }).toEqual({ name, env: 'production' });
    for (const name of APP) {
      for (const [variable, value] of Object.entries(services[name]!.environment ?? {})) {
        if (/KEY|TOKEN|SECRET|PASSWORD|_MODE$/.test(variable) && variable !== 'SMS_MODE') {
          expect({ variable, value }).toEqual({ variable, value: expect.not.stringMatching(/:-[^}]/) });
        }
      }
    }
    expect(source).not.toMatch(/POSTGRES_PASSWORD:-|local-dev-/);
  });

  test('keeps the simulator in the dev profile, on loopback, with nothing in the default profile depending on it', () => {
    expect(services.simulator!.profiles).toEqual(['dev']);
    expect(services.simulator!.ports).toEqual(['127.0.0.1:3001:3001']);
    for (const [name, s] of Object.entries(services)) {
      if (!s.profiles) expect({ name, dependsOnSimulator: Object.keys(s.depends_on ?? {}).includes('simulator') }).toEqual({ name, dependsOnSimulator: false });
    }
    // Only the dev-profile simulator itself may name the simulator's host or its well-known credentials.
    for (const name of APP) expect(JSON.stringify(services[name]!.environment)).not.toMatch(/simulator|local-sim-/);
  });

  test('ships the alerting rules with Prometheus, on the internal network only, scraping the workers and the API', () => {
    const prometheus = services.prometheus!;
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prometheus.ports).toBeUndefined();
    const mounted = (file: string) => (prometheus.volumes ?? []).some((v) => v.startsWith(`./deploy/prometheus/${file}:`));
    expect([mounted('prometheus.yml'), mounted('alerts.yml')]).toEqual([true, true]);

    const config = parse(readFileSync(path.join(PROJECT_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[]; static_configs?: { targets: string[] }[] }[];
    };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j]));
    // The metrics ports are the ones compose gives WORKER_METRICS_ADDRESS and API_METRICS_ADDRESS, never the API's public port.
    expect(jobs.worker!.dns_sd_configs).toEqual([expect.objectContaining({ names: ['worker'], port: Number(String(services.worker!.environment!.WORKER_METRICS_ADDRESS).split(':')[1]) })]);
    const apiMetricsPort = String(services.api!.environment!.API_METRICS_ADDRESS).split(':')[1];
    expect(apiMetricsPort).not.toBe(String(services.api!.environment!.PORT));
    expect(jobs.api!.static_configs).toEqual([{ targets: [`api:${apiMetricsPort}`] }]);
    expect(services.api!.ports).not.toContainEqual(expect.stringContaining(apiMetricsPort!));

    const rules = parse(readFileSync(path.join(PROJECT_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
    };
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert).sort()).toEqual(['ChannelBreakerOpen', 'DeliveryBlockedSends']);
    for (const a of alerts) {
      expect(a.for).toMatch(/^\d+m$/);
      expect(a.annotations.summary).toBeTruthy();
    }
    expect(alerts.find((a) => a.alert === 'ChannelBreakerOpen')!.expr).toContain('sampark_atr_channel_breaker_open');
    expect(alerts.find((a) => a.alert === 'DeliveryBlockedSends')!.expr).toContain('sampark_atr_delivery_blocked_total');
  });

  test('refers only to files that exist, and commands the build produces', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const host = volume.split(':')[0]!;
        if (host.startsWith('./')) expect(existsSync(path.join(PROJECT_ROOT, host))).toBe(true);
      }
      const script = service.command?.[1];
      if (service.build && script) expect(existsSync(path.join(PROJECT_ROOT, script))).toBe(true);
    }
    expect(existsSync(path.join(PROJECT_ROOT, 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(PROJECT_ROOT, 'deploy/temporal/setup-postgres.sh'))).toBe(true);
  });
});
