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
}
const file = fileURLToPath(new URL('../docker/docker-compose.yml', import.meta.url));
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APPS = ['command-api', 'query-api', 'projector'];

/** The port each infrastructure service listens on inside the compose network. */
const LISTENS: Record<string, number[]> = { postgres: [5432], kafka: [9092], eventstoredb: [2113], elasticsearch: [9200] };

/** host:port pairs an app's environment points at. */
const targets = (env: Record<string, string | number>): { variable: string; host: string; port: number }[] =>
  Object.entries(env).flatMap(([variable, value]) => {
    const text = String(value);
    if (variable === 'KAFKA_BROKERS') return text.split(',').map((b) => ({ variable, host: b.split(':')[0]!, port: Number(b.split(':')[1]) }));
    if (!/^[a-z]+:\/\//.test(text)) return [];
    const url = new URL(text.replace(/^esdb:/, 'http:'));
    return [{ variable, host: url.hostname, port: Number(url.port) }];
  });

describe('docker/docker-compose.yml', () => {
  it('has the infrastructure, the migration step and the three apps', () => {
    expect(Object.keys(services).sort()).toEqual(['command-api', 'elasticsearch', 'eventstoredb', 'kafka', 'migrate', 'postgres', 'projector', 'query-api']);
  });

  it.each(APPS)('%s points only at services that exist, on the ports they listen on', (app) => {
    const env = services[app]!.environment!;
    const pointed = targets(env);
    expect(pointed.map((t) => t.variable).sort()).toEqual(['DATABASE_URL', 'ELASTICSEARCH_URL', 'EVENTSTORE_CONNECTION_STRING', 'KAFKA_BROKERS']);
    for (const { variable, host, port } of pointed) {
      expect({ variable, host, exists: host in services }).toEqual({ variable, host, exists: true });
      expect({ variable, port, listens: LISTENS[host]?.includes(port) }).toEqual({ variable, port, listens: true });
    }
  });

  it.each(APPS)('%s uses EventStoreDB as its event store and listens on all interfaces', (app) => {
    expect(services[app]!.environment).toMatchObject({ EVENT_STORE: 'eventstoredb', HTTP_HOST: '0.0.0.0' });
  });

  it('publishes no host port twice, and each app on the port it is configured for', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    const configured: Record<string, string> = { 'command-api': 'COMMAND_API_PORT', 'query-api': 'QUERY_API_PORT', projector: 'PROJECTOR_PORT' };
    for (const app of APPS) {
      const port = String(services[app]!.environment![configured[app]!]);
      expect(services[app]!.ports).toEqual([`${port}:${port}`]);
      expect(services[app]!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${port}/health`);
    }
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
});
