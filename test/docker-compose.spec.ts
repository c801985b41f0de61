import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// What can be checked of docker/docker-compose.yml without a container engine.
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const file = fileURLToPath(new URL('../docker/docker-compose.yml', import.meta.url));
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APPS = ['command-api', 'query-api', 'projector'];

/** The port each infrastructure service listens on inside the compose network. */
const LISTENS: Record<string, number[]> = { 'command-api': [3000], 'query-api': [3001], projector: [3002], postgres: [5432], kafka: [9092], eventstoredb: [2113], elasticsearch: [9200], keycloak: [8180], redis: [6379], zipkin: [9411] };
/** The issuer is the address tokens name, the host's view of Keycloak: checked on its own below. */
const PUBLIC_ADDRESSES = ['OIDC_ISSUER'];

/** host:port pairs an app's environment points at. */
const targets = (env: Record<string, string | number>): { variable: string; host: string; port: number }[] =>
  Object.entries(env).flatMap(([variable, value]) => {
    const text = String(value);
    if (variable === 'KAFKA_BROKERS') return text.split(',').map((b) => ({ variable, host: b.split(':')[0]!, port: Number(b.split(':')[1]) }));
    if (!/^[a-z]+:\/\//.test(text) || PUBLIC_ADDRESSES.includes(variable)) return [];
    const url = new URL(text.replace(/^esdb:/, 'http:'));
    return [{ variable, host: url.hostname, port: Number(url.port) }];
  });

describe('docker/docker-compose.yml', () => {
  it('has the infrastructure, the migration step and the three apps', () => {
    expect(Object.keys(services).sort()).toEqual(['command-api', 'elasticsearch', 'eventstoredb', 'kafka', 'keycloak', 'migrate', 'postgres', 'projector', 'prometheus', 'query-api', 'redis', 'zipkin']);
  });

  it.each(APPS)('%s points only at services that exist, on the ports they listen on', (app) => {
    const env = services[app]!.environment!;
    const pointed = targets(env);
    expect(pointed.map((t) => t.variable).sort()).toEqual([
      ...(app === 'projector' ? ['COMMAND_API_METRICS_URL'] : []),
      'DATABASE_URL', 'ELASTICSEARCH_URL', 'EVENTSTORE_CONNECTION_STRING', 'KAFKA_BROKERS', 'OIDC_JWKS_URL', 'OIDC_TOKEN_URL', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT',
      ...(app === 'projector' ? ['QUERY_API_METRICS_URL'] : []),
      'REDIS_URL',
    ]);
    for (const { variable, host, port } of pointed) {
      expect({ variable, host, exists: host in services }).toEqual({ variable, host, exists: true });
      expect({ variable, port, listens: LISTENS[host]?.includes(port) }).toEqual({ variable, port, listens: true });
    }
  });

  it.each(APPS)('%s uses EventStoreDB as its event store and listens on all interfaces', (app) => {
    expect(services[app]!.environment).toMatchObject({ EVENT_STORE: 'eventstoredb', HTTP_HOST: '0.0.0.0' });
  });

  it("publishes every port on the host's loopback only, no host port twice, and each app on the port it is configured for", () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => ({ name, address: p.split(':').at(-3), port: p.split(':').at(-2) })));
    for (const { name, address } of published) expect({ name, address }).toEqual({ name, address: '127.0.0.1' });
    const hostPorts = published.map((p) => p.port);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    const configured: Record<string, string> = { 'command-api': 'COMMAND_API_PORT', 'query-api': 'QUERY_API_PORT', projector: 'PROJECTOR_PORT' };
    for (const app of APPS) {
      const port = String(services[app]!.environment![configured[app]!]);
      expect(services[app]!.ports).toEqual([`127.0.0.1:${port}:${port}`]);
      expect(services[app]!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${port}/health`);
    }
  });

  it('gives PostgreSQL a password, and the apps connect with it', () => {
    const password = services['postgres']!.environment!['POSTGRES_PASSWORD'];
    expect(password).toEqual(expect.any(String));
    expect(services['postgres']!.environment).not.toHaveProperty('POSTGRES_HOST_AUTH_METHOD');
    for (const name of [...APPS, 'migrate']) expect(new URL(String(services[name]!.environment!['DATABASE_URL'])).password).toBe(password);
  });

  describe('identity', () => {
    const keycloak = services['keycloak']!;
    const realmFile = fileURLToPath(new URL('../docker/local/keycloak/ledger-realm.json', import.meta.url));
    const realm = JSON.parse(readFileSync(realmFile, 'utf8')) as { realm: string; clients: { clientId: string; secret?: string; publicClient?: boolean }[] };

    it('imports the development realm file into Keycloak', () => {
      expect(keycloak.command).toEqual(['start-dev', '--import-realm']);
      expect(keycloak.volumes).toContain(`./local/keycloak/ledger-realm.json:/opt/keycloak/data/import/ledger-realm.json:ro`);
    });

    it.each(APPS)('%s expects the issuer Keycloak names in every token (its hostname, as the host reaches it) and gets keys and tokens by service name', (app) => {
      const env = services[app]!.environment!;
      const hostname = new URL(String(keycloak.environment!['KC_HOSTNAME']));
      expect(env['OIDC_ISSUER']).toBe(`${hostname.origin}/realms/${realm.realm}`);
      expect(keycloak.ports).toContain(`${hostname.hostname}:${hostname.port}:${keycloak.environment!['KC_HTTP_PORT']}`);
      expect(env['OIDC_JWKS_URL']).toBe(`http://keycloak:${keycloak.environment!['KC_HTTP_PORT']}/realms/${realm.realm}/protocol/openid-connect/certs`);
      expect(env['OIDC_TOKEN_URL']).toBe(`http://keycloak:${keycloak.environment!['KC_HTTP_PORT']}/realms/${realm.realm}/protocol/openid-connect/token`);
    });

    it.each(APPS)('%s names clients the realm has, with their secret', (app) => {
      const env = services[app]!.environment!;
      const client = (id: unknown) => realm.clients.find((c) => c.clientId === id);
      expect(client(env['OIDC_AUDIENCE'])).toBeDefined();
      expect(client(env['OIDC_CLI_CLIENT_ID'])?.publicClient).toBe(true);
      expect(client(env['PAYMENT_SERVICE_CLIENT_ID'])?.secret).toBe(env['PAYMENT_SERVICE_CLIENT_SECRET']);
    });
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      const image = service.image ?? '';
      const tag = image.slice(image.lastIndexOf(':') + 1);
      expect({ name, image, pinned: image.includes(':') && tag !== 'latest' && /\d+\.\d+/.test(tag) }).toEqual({ name, image, pinned: true });
    }
  });

  it('starts apps only once what they need is healthy and the schema is migrated', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(dependency in services).toBe(true);
        if (condition === 'service_healthy') expect({ name, dependency, healthcheck: Boolean(services[dependency]!.healthcheck) }).toEqual({ name, dependency, healthcheck: true });
        else expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_completed_successfully' });
      }
    }
    for (const app of APPS) expect(services[app]!.depends_on?.['migrate']?.condition).toBe('service_completed_successfully');
    expect(services['command-api']!.depends_on).toHaveProperty('eventstoredb');
    expect(services['command-api']!.depends_on).toHaveProperty('kafka');
    expect(services['projector']!.depends_on).toHaveProperty('elasticsearch');
    // The payment saga acts with its own token; the HTTP apps keep their rate limits in Redis.
    expect(services['projector']!.depends_on).toHaveProperty('keycloak');
    for (const app of ['command-api', 'query-api']) expect(services[app]!.depends_on).toHaveProperty('redis');
  });

  it('runs the built entry points that exist in this repository', () => {
    const sources: Record<string, string> = {
      'command-api': 'apps/command-api/src/main.ts', projector: 'apps/projector/src/main.ts', 'query-api': 'apps/query-api/src/main.ts',
      migrate: 'libs/infrastructure/src/postgres/migrate.main.ts',
    };
    for (const [name, source] of Object.entries(sources)) {
      const entry = services[name]!.command!.at(-1)!;
      expect(entry).toBe(`dist/${source.replace(/\.ts$/, '.js')}`);
      expect(() => readFileSync(fileURLToPath(new URL(`../${source}`, import.meta.url)))).not.toThrow();
    }
  });

  it('has Prometheus scrape /metrics of each app on the port it listens on', () => {
    const mounted = services['prometheus']!.volumes!.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const config = parse(readFileSync(fileURLToPath(new URL(`../docker/${mounted.split(':')[0]!}`, import.meta.url)), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const scraped = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, { path: job.metrics_path ?? '/metrics', targets: job.static_configs.flatMap((c) => c.targets) }]));
    const ports: Record<string, string> = { 'command-api': 'COMMAND_API_PORT', 'query-api': 'QUERY_API_PORT', projector: 'PROJECTOR_PORT' };
    for (const app of APPS) expect(scraped[app]).toEqual({ path: '/metrics', targets: [`${app}:${services[app]!.environment![ports[app]!]}`] });
  });
});
