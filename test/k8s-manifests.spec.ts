import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deadLetterTopic, eventTopics } from '#events';
import { loadConfig, type Config } from '#infra/config/config';
import { findKubectl, K8S_DIR, loadOperatorValidators, render, secretValues, validationProblems, type K8sObject, type Yaml } from './support/k8s.js';

// deploy/k8s, rendered offline by `kubectl kustomize`: every object valid against its schema
// (kubernetes-models for the core kinds, the project's own schemas in support/k8s-schemas.ts for
// the operators' kinds: the part of each operator's API the manifests use), and the
// manifests in agreement with the apps: ports, health routes, configuration, topics, identity.
const source = (path: string): string => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');
const kubectl = findKubectl();
const operators = loadOperatorValidators();
const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

const APPS: Record<string, { port: (c: Config) => number }> = {
  'command-api': { port: (c) => c.commandApiPort },
  'query-api': { port: (c) => c.queryApiPort },
  projector: { port: (c) => c.projectorPort },
};
/** Variables whose defaults fit only a developer's machine: the cluster must set each one. */
const CLUSTER_REQUIRED = [
  'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_PARTITIONS', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS', 'ELASTICSEARCH_URL', 'REDIS_URL',
  'HTTP_HOST', 'OIDC_ISSUER', 'OIDC_JWKS_URL', 'OIDC_TOKEN_URL', 'PAYMENT_SERVICE_CLIENT_SECRET', 'SHUTDOWN_TIMEOUT_MS',
];
/** Every variable libs/infrastructure/src/config/config.ts reads. */
const CONFIG_VARIABLES = new Set([...source('libs/infrastructure/src/config/config.ts').matchAll(/read\.\w+\('([A-Z0-9_]+)'/g)].map((m) => m[1]!));

/** The health routes, as HealthController declares them. */
const healthRoutes = (() => {
  const text = source('libs/infrastructure/src/http/health.controller.ts');
  const prefix = /@Controller\('([^']*)'\)/.exec(text)![1]!;
  const route = (path: string) => `/${[prefix, path].filter(Boolean).join('/')}`;
  const live = /@Get\('([^']+)'\)\s*live\(/.exec(text)![1]!;
  const ready = [.../@Get\(\[([^\]]+)\]\)\s*async health\(/.exec(text)![1]!.matchAll(/'([^']*)'/g)].map((m) => route(m[1]!));
  return { live: route(live), ready };
})();

/** The paths an app's controllers serve (`:id` and the like as `x`), read from their decorators. */
const controllerRoutes = (app: string): string[] => {
  const dir = `apps/${app}/src`;
  const files = readdirSync(fileURLToPath(new URL(`../${dir}`, import.meta.url)), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  return files.flatMap((file) => {
    const text = source(`${dir}/${file}`);
    const controller = /@Controller\((?:'([^']*)')?\)/.exec(text);
    if (!controller) return [];
    return [...text.matchAll(/@(?:Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map((m) =>
      `/${[controller[1], m[1]].filter(Boolean).join('/')}`.replace(/:\w+/g, 'x'));
  });
};

/** Whether an Ingress path serves a request path, as Kubernetes defines Exact and Prefix (by path element); nothing else is allowed here. */
const ingressServes = (rule: { path: string; pathType: string }, path: string): boolean => {
  if (rule.pathType === 'Exact') return path === rule.path;
  if (rule.pathType !== 'Prefix') throw new Error(`pathType ${rule.pathType} of ${rule.path}: only Exact and Prefix have a defined meaning`);
  const prefix = rule.path.replace(/\/+$/, '');
  return path === prefix || path.startsWith(`${prefix}/`);
};

/**
 * Secrets the overlay does not render: CloudNativePG writes `<cluster>-app` (its `uri` names the
 * primary's service, `<cluster>-rw.<namespace>`), and prod's are created by hand with the commands
 * its kustomization documents, read here so that the two cannot drift apart.
 */
const unrenderedSecrets = (overlay: Overlay, namespace: string): Map<string, Record<string, string>> => {
  const secrets = new Map<string, Record<string, string>>([
    ['ledger-postgres-app', { uri: `postgresql://ledger:stand-in@ledger-postgres-rw.${namespace}:5432/ledger`, username: 'ledger', password: 'stand-in' }],
    ['keycloak-postgres-app', { uri: `postgresql://keycloak:stand-in@keycloak-postgres-rw.${namespace}:5432/keycloak`, username: 'keycloak', password: 'stand-in' }],
  ]);
  if (overlay === 'prod') {
    const text = readFileSync(`${K8S_DIR}overlays/prod/kustomization.yaml`, 'utf8');
    for (const command of text.split(/^#\s+kubectl /m).slice(1)) {
      const name = /create secret (?:generic|tls) ([a-z0-9-]+)/.exec(command)?.[1];
      if (!name) continue;
      const literals = [...command.matchAll(/--from-literal=([A-Za-z0-9_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, 'stand-in')]);
      secrets.set(name, Object.fromEntries(literals));
    }
  }
  return secrets;
};

const rendered = new Map<Overlay, K8sObject[]>();
const objectsOf = (overlay: Overlay): K8sObject[] => {
  if (!('path' in kubectl)) throw new Error(kubectl.missing);
  if (!rendered.has(overlay)) rendered.set(overlay, render(kubectl.path, `overlays/${overlay}`));
  return rendered.get(overlay)!;
};
const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind} ${name}`);
  return object;
};
const podSpec = (workload: K8sObject): Yaml => workload.spec.template.spec;
const container = (deployment: K8sObject): Yaml => podSpec(deployment).containers.find((c: { name: string }) => c.name === deployment.metadata.name);

/** The environment a container gets, with every reference resolved; a dangling one throws. */
const environment = (objects: K8sObject[], overlay: Overlay, spec: Yaml): Record<string, string> => {
  const namespace = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
  const external = unrenderedSecrets(overlay, namespace);
  const secret = (name: string): Record<string, string> => {
    const object = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
    const values = object ? secretValues(object) : external.get(name);
    if (!values) throw new Error(`Secret ${name} is neither rendered nor documented`);
    return values;
  };
  const configMap = (name: string): Record<string, string> => find(objects, 'ConfigMap', name).data ?? {};
  const key = (values: Record<string, string>, name: string, k: string): string => {
    if (!(k in values)) throw new Error(`${name} has no key ${k}`);
    return values[k]!;
  };
  const env: Record<string, string> = {};
  for (const from of spec.envFrom ?? []) Object.assign(env, from.configMapRef ? configMap(from.configMapRef.name) : secret(from.secretRef.name));
  for (const e of spec.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    env[e.name] = e.value ?? key(e.valueFrom.secretKeyRef ? secret(ref.name) : configMap(ref.name), ref.name, ref.key);
  }
  return env;
};
const configOf = (objects: K8sObject[], overlay: Overlay, app: string): Config => loadConfig(environment(objects, overlay, container(find(objects, 'Deployment', app))));

/** host → ports of everything the apps may address: the Services rendered and those the operators make. */
const reachable = (objects: K8sObject[]): Map<string, number[]> => {
  const services = new Map<string, number[]>(objects.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, s.spec.ports.map((p: { port: number }) => p.port)]));
  for (const o of objects) {
    if (o.kind === 'Kafka') services.set(`${o.metadata.name}-kafka-bootstrap`, o.spec.kafka.listeners.map((l: { port: number }) => l.port));
    if (o.kind === 'Elasticsearch') services.set(`${o.metadata.name}-es-http`, [9200]);
    if (o.kind === 'Cluster') services.set(`${o.metadata.name}-rw`, [5432]);
    if (o.kind === 'Keycloak') services.set(`${o.metadata.name}-service`, [o.spec.http.httpPort as number]);
  }
  return services;
};

if (!('path' in kubectl)) console.warn(`deploy/k8s: rendering skipped, ${kubectl.missing}`);
const withKubectl = 'path' in kubectl ? describe : describe.skip;

withKubectl.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = objectsOf(overlay);
  });

  it('renders, and every object is valid against its schema', () => {
    expect(objects.length).toBeGreaterThan(30);
    const problems = objects.flatMap((o) => validationProblems(o, operators).map((p) => `${o.kind} ${o.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
    expect([...namespaces]).toEqual([objects.find((o) => o.kind === 'Namespace')!.metadata.name]);
  });

  it.each(Object.keys(APPS))('runs %s on the port it is configured for, with probes on its health routes', (app) => {
    const config = configOf(objects, overlay, app);
    const main = container(find(objects, 'Deployment', app));
    const port = main.ports.find((p: { name: string }) => p.name === 'http');
    expect(port.containerPort).toBe(APPS[app]!.port(config));
    expect(config.httpHost).toBe('0.0.0.0');
    expect(find(objects, 'Service', app).spec.ports).toEqual([{ name: 'http', port: port.containerPort, targetPort: 'http' }]);
    expect(main.livenessProbe.httpGet).toEqual({ path: healthRoutes.live, port: 'http' });
    expect(main.startupProbe.httpGet).toEqual({ path: healthRoutes.live, port: 'http' });
    expect(healthRoutes.ready).toContain(main.readinessProbe.httpGet.path);
    expect(main.readinessProbe.httpGet.path).not.toBe(healthRoutes.live);
    const entry = main.command.at(-1) as string;
    expect(() => source(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).not.toThrow();
  });

  it.each(Object.keys(APPS))('gives %s every variable the cluster needs, and only variables the configuration reads', (app) => {
    const env = environment(objects, overlay, container(find(objects, 'Deployment', app)));
    expect(Object.keys(env).filter((name) => !CONFIG_VARIABLES.has(name))).toEqual([]);
    expect(CLUSTER_REQUIRED.filter((name) => !(name in env))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it.each(Object.keys(APPS))('points %s at services that exist, by their DNS names and on their ports', (app) => {
    const config = configOf(objects, overlay, app);
    const namespace = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
    const services = reachable(objects);
    const addresses = [
      ...config.kafkaBrokers.map((b) => ({ what: 'KAFKA_BROKERS', url: new URL(`kafka://${b}`) })),
      ...[config.databaseUrl, config.elasticsearchUrl, config.redisUrl, config.oidc.jwksUrl!, config.oidc.tokenUrl!, ...Object.values(config.metricsUrls)].map((u) => ({ what: u, url: new URL(u) })),
    ];
    for (const { what, url } of addresses) {
      const host = url.hostname.replace(new RegExp(`\\.${namespace}(\\.svc)?$`), '');
      const port = Number(url.port);
      expect({ what, host, port, listens: services.get(host)?.includes(port) ?? false }).toEqual({ what, host, port, listens: true });
    }
  });

  it.each(Object.keys(APPS))('gives %s a grace period that covers its pause before stopping and its shutdown deadline', (app) => {
    const deployment = find(objects, 'Deployment', app);
    const pause = Number(container(deployment).lifecycle.preStop.exec.command.at(-1));
    const deadline = configOf(objects, overlay, app).shutdownTimeoutMs / 1000;
    const grace = podSpec(deployment).terminationGracePeriodSeconds as number;
    expect(grace).toBeGreaterThan(pause + deadline);
    expect(grace).toBeLessThanOrEqual(pause + deadline + 10);
  });

  it('runs every container as non-root, read-only, without privileges, and with requests and a memory limit', () => {
    const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['command-api', 'ledger-migrate', 'projector', 'query-api', 'redis']);
    for (const workload of workloads) {
      const pod = podSpec(workload);
      expect({ name: workload.metadata.name, nonRoot: pod.securityContext.runAsNonRoot, uid: pod.securityContext.runAsUser > 0 }).toEqual({ name: workload.metadata.name, nonRoot: true, uid: true });
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect({ workload: workload.metadata.name, container: c.name, securityContext: c.securityContext }).toEqual({
          workload: workload.metadata.name, container: c.name,
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        });
        expect({ container: c.name, cpu: Boolean(c.resources?.requests?.cpu), memory: Boolean(c.resources?.requests?.memory), limit: Boolean(c.resources?.limits?.memory) })
          .toEqual({ container: c.name, cpu: true, memory: true, limit: true });
      }
    }
    for (const app of Object.keys(APPS)) expect(container(find(objects, 'Deployment', app)).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it.each(Object.keys(APPS))('keeps %s available through voluntary disruptions', (app) => {
    const labels = find(objects, 'Deployment', app).spec.template.metadata.labels;
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
    expect(budgets.map((b) => b.spec.maxUnavailable)).toEqual([1]);
  });

  it('migrates the schema before any app starts: a Job, and a locked migration in each pod', () => {
    const job = find(objects, 'Job', 'ledger-migrate');
    const migrate = podSpec(job).containers[0];
    expect(() => source(migrate.command.at(-1).replace(/^dist\//, '').replace(/\.js$/, '.ts'))).not.toThrow();
    for (const app of Object.keys(APPS)) {
      const init = podSpec(find(objects, 'Deployment', app)).initContainers;
      expect(init.map((c: { command: string[]; env: unknown; image: string }) => ({ command: c.command, env: c.env, image: c.image }))).toEqual([{ command: migrate.command, env: migrate.env, image: migrate.image }]);
    }
  });

  it("creates the event topics and their dead-letter topics, replicated as the apps expect, and caps the projector's autoscaler at the partition count", () => {
    const config = configOf(objects, overlay, 'projector');
    const topics = objects.filter((o) => o.kind === 'KafkaTopic');
    const expected = eventTopics(config.kafkaTopicPrefix).flatMap((t) => [t, deadLetterTopic(t)]);
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual([...expected].sort());
    for (const topic of topics) {
      const isEvents = eventTopics(config.kafkaTopicPrefix).includes(topic.spec.topicName);
      expect({ topic: topic.spec.topicName, cluster: topic.metadata.labels!['strimzi.io/cluster'], replicas: topic.spec.replicas, minIsr: topic.spec.config['min.insync.replicas'], partitions: isEvents ? topic.spec.partitions : 'dlq' })
        .toEqual({ topic: topic.spec.topicName, cluster: 'ledger-kafka', replicas: config.kafkaReplicationFactor, minIsr: config.kafkaMinInsyncReplicas, partitions: isEvents ? config.kafkaPartitions : 'dlq' });
    }
    const kafka = find(objects, 'Kafka', 'ledger-kafka');
    expect(kafka.spec.kafka.config).toMatchObject({ 'min.insync.replicas': 2, 'default.replication.factor': 3, 'offsets.topic.replication.factor': 3 });
    const brokers = objects.filter((o) => o.kind === 'KafkaNodePool' && o.metadata.labels!['strimzi.io/cluster'] === 'ledger-kafka' && o.spec.roles.includes('broker'));
    expect(brokers.reduce((n, pool) => n + (pool.spec.replicas as number), 0)).toBe(3);
    expect(objects.some((o) => o.kind === 'KafkaNodePool' && o.spec.roles.includes('controller'))).toBe(true);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'projector');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'projector' });
    expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(config.kafkaPartitions);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(find(objects, 'Deployment', 'projector').spec.replicas).toBeUndefined();
  });

  it('lets only the ingress controller reach the APIs, and only the apps (and each store\'s own members and operator) the data tier', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes('Ingress') && !p.spec.ingress)).toBe(true);
    /** Every peer admitted to pods with these labels; 'anyone' for a rule without `from`. */
    const admitted = (labels: Record<string, string>): unknown[] =>
      policies
        .filter((p) => Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)
          && (p.spec.podSelector.matchExpressions ?? []).every((e: { key: string; values: string[] }) => e.values.includes(labels[e.key]!)))
        .flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: { from?: unknown[] }) => rule.from ?? ['anyone']));
    const ingressController = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } };
    const apps = { podSelector: { matchLabels: { 'ledger/tier': 'app' } } };
    for (const api of ['command-api', 'query-api']) {
      expect(admitted(find(objects, 'Deployment', api).spec.template.metadata.labels)).toEqual([ingressController, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'projector' } } }]);
    }
    const operator = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
    const self = (labels: Record<string, string>) => ({ podSelector: { matchLabels: labels } });
    const postgres = { 'cnpg.io/cluster': 'ledger-postgres' };
    const elasticsearch = { 'elasticsearch.k8s.elastic.co/cluster-name': 'ledger' };
    expect(admitted(postgres)).toEqual([apps, self(postgres), operator('cnpg-system')]);
    expect(admitted(elasticsearch)).toEqual([apps, self(elasticsearch), operator('elastic-system')]);
    expect(admitted({ 'app.kubernetes.io/name': 'redis' })).toEqual([{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['command-api', 'query-api'] }] } }]);
    expect(find(objects, 'Kafka', 'ledger-kafka').spec.kafka.listeners.map((l: { networkPolicyPeers: unknown }) => l.networkPolicyPeers)).toEqual([[apps]]);
    for (const name of ['command-api', 'query-api', 'projector', 'ledger-migrate']) {
      const kind = name === 'ledger-migrate' ? 'Job' : 'Deployment';
      expect(find(objects, kind, name).spec.template.metadata.labels['ledger/tier']).toBe('app');
    }
  });

  it('serves the APIs and Keycloak through ingress-nginx with TLS, per-client limits and a body size limit', () => {
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    const services = reachable(objects);
    const bodyLimit = /useBodyParser\('json', \{ limit: '(\d+)kb' \}\)/.exec(source('apps/command-api/src/main.ts'))![1]!;
    const backends = ingresses.flatMap((ingress) => {
      const a = ingress.metadata.annotations!;
      expect({ name: ingress.metadata.name, class: ingress.spec.ingressClassName, rps: Number(a['nginx.ingress.kubernetes.io/limit-rps']) > 0, connections: Number(a['nginx.ingress.kubernetes.io/limit-connections']) > 0, body: a['nginx.ingress.kubernetes.io/proxy-body-size'], redirect: a['nginx.ingress.kubernetes.io/force-ssl-redirect'] })
        .toEqual({ name: ingress.metadata.name, class: 'nginx', rps: true, connections: true, body: `${bodyLimit}k`, redirect: 'true' });
      const tlsHosts = ingress.spec.tls.flatMap((t: { hosts: string[]; secretName: string }) => (expect(t.secretName).toEqual(expect.any(String)), t.hosts));
      return ingress.spec.rules.flatMap((rule: Yaml) => {
        expect(tlsHosts).toContain(rule.host);
        return rule.http.paths.map((path: Yaml) => {
          const service = path.backend.service;
          const port = service.port.number ?? find(objects, 'Service', service.name).spec.ports.find((p: { name: string }) => p.name === service.port.name)?.port;
          expect({ service: service.name, port, exists: services.get(service.name)?.includes(port) ?? false }).toEqual({ service: service.name, port, exists: true });
          return service.name;
        });
      });
    });
    expect([...new Set(backends)].sort()).toEqual(['command-api', 'ledger-keycloak-service', 'query-api']);
  });

  it.each(['command-api', 'query-api'])('routes to %s its API, its description and health, never /metrics, and has it trust the ingress as one proxy', (app) => {
    const paths: { path: string; pathType: string }[] = find(objects, 'Ingress', 'ledger-api').spec.rules
      .flatMap((rule: Yaml) => rule.http.paths)
      .filter((path: Yaml) => path.backend.service.name === app);
    const served = (path: string): boolean => paths.some((rule) => ingressServes(rule, path));
    const routes = controllerRoutes(app);
    expect(routes.length).toBeGreaterThan(2);
    const wanted = [...routes, '/docs', '/docs/swagger-ui.css', '/docs-json', healthRoutes.live, ...healthRoutes.ready];
    expect(wanted.filter((path) => !served(path))).toEqual([]);
    expect(['/metrics', '/metrics/', '/', '/status'].filter(served)).toEqual([]);
    expect(configOf(objects, overlay, app).trustProxy).toBe(1);
  });

  it('has Keycloak issue tokens for the issuer, audience and clients the apps expect', () => {
    const config = configOf(objects, overlay, 'projector');
    const issuer = new URL(config.oidc.issuer);
    const keycloak = find(objects, 'Keycloak', 'ledger-keycloak');
    const realmImport = find(objects, 'KeycloakRealmImport', 'ledger-realm');
    const realm = realmImport.spec.realm;
    expect(issuer.protocol).toBe('https:');
    expect(keycloak.spec.hostname.hostname).toBe(issuer.origin);
    expect(issuer.pathname).toBe(`/realms/${realm.realm}`);
    expect(realmImport.spec.keycloakCRName).toBe(keycloak.metadata.name);
    expect(find(objects, 'Ingress', 'ledger-auth').spec.rules.map((r: { host: string }) => r.host)).toEqual([issuer.hostname]);
    const client = (id: string) => realm.clients.find((c: { clientId: string }) => c.clientId === id);
    expect(client(config.oidc.audience)).toBeDefined();
    expect(client(config.oidc.cliClientId)?.publicClient).toBe(true);
    // The payment service's secret reaches the realm through a placeholder from the apps' own Secret.
    const placeholder = /^\$\{(\w+)\}$/.exec(client(config.paymentService.clientId).secret)![1]!;
    const ref = realmImport.spec.placeholders[placeholder].secret;
    const env = environment(objects, overlay, { envFrom: [{ secretRef: { name: ref.name } }] });
    expect(env[ref.key]).toBe(config.paymentService.clientSecret);
  });

  it(overlay === 'prod' ? 'serves no API description in prod: every route but health and metrics needs a token' : 'serves the API description in dev', () => {
    for (const app of ['command-api', 'query-api']) expect(configOf(objects, overlay, app).apiDocsEnabled).toBe(overlay !== 'prod');
  });

  it(overlay === 'prod' ? 'imports the realm without the development users\' passwords' : 'imports the development realm as docker/local has it', () => {
    const realm = find(objectsOf(overlay), 'KeycloakRealmImport', 'ledger-realm').spec.realm;
    const local = JSON.parse(source('docker/local/keycloak/ledger-realm.json'));
    for (const c of local.clients) if (c.secret) c.secret = '${PAYMENT_SERVICE_CLIENT_SECRET}';
    if (overlay === 'dev') {
      expect(realm).toEqual(local);
    } else {
      expect(JSON.stringify(realm)).not.toMatch(/"credentials"|password"/);
      expect(realm.users.map((u: { username: string }) => u.username)).toEqual(local.users.map((u: { username: string }) => u.username));
      expect(realm).toMatchObject({ sslRequired: 'external', bruteForceProtected: true });
    }
  });
});

withKubectl('deploy/k8s overlays compared', () => {
  const replicas = (overlay: Overlay, name: string) => find(objectsOf(overlay), 'Deployment', name).spec.replicas as number;
  const memory = (overlay: Overlay, name: string) => Number(/^(\d+)Mi$/.exec(container(find(objectsOf(overlay), 'Deployment', name)).resources.requests.memory)![1]);

  it('runs one replica of each app in dev, more in prod, with larger requests', () => {
    for (const app of ['command-api', 'query-api']) {
      expect(replicas('dev', app)).toBe(1);
      expect(replicas('prod', app)).toBeGreaterThan(1);
    }
    expect(find(objectsOf('dev'), 'HorizontalPodAutoscaler', 'projector').spec.minReplicas).toBe(1);
    expect(find(objectsOf('prod'), 'HorizontalPodAutoscaler', 'projector').spec.minReplicas).toBeGreaterThan(1);
    for (const app of Object.keys(APPS)) expect(memory('prod', app)).toBeGreaterThan(memory('dev', app));
  });
});

describe('deploy/k8s validation', () => {
  const deployment: K8sObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 3000 }] }] } } },
  };
  const topic: K8sObject = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { topicName: 'events.order', partitions: 12, replicas: 3 } };

  it('accepts well-formed objects', () => {
    expect(validationProblems(deployment, operators)).toEqual([]);
    expect(validationProblems(topic, operators)).toEqual([]);
  });

  it('rejects a core object of the wrong shape', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(validationProblems(broken, operators).join()).toMatch(/containerPort must be integer/);
  });

  it('rejects an operator resource out of its schema, and a field its schema does not name', () => {
    expect(validationProblems({ ...topic, spec: { ...topic.spec, partitions: 0 } }, operators).join()).toMatch(/partitions must be >= 1/);
    const kafka: K8sObject = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'k' }, spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } } };
    expect(validationProblems(kafka, operators)).toEqual([]);
    expect(validationProblems({ ...kafka, spec: { kafka: { ...kafka.spec.kafka, listner: [] } } }, operators).join()).toMatch(/must NOT have additional properties.*listner/);
    expect(validationProblems({ ...kafka, spec: { kafka: { listeners: [{ ...kafka.spec.kafka.listeners[0], type: 'external' }] } } }, operators).join()).toMatch(/type must be equal to one of the allowed values/);
    const cluster: K8sObject = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 1, storage: { size: '1Gi' } } };
    expect(validationProblems(cluster, operators)).toEqual([]);
    expect(validationProblems({ ...cluster, spec: { instances: 0, storage: { size: 'big' } } }, operators)).toEqual([
      expect.stringMatching(/instances must be >= 1/),
      expect.stringMatching(/storage\/size must match pattern/),
    ]);
    // Strimzi 1.x serves only kafka.strimzi.io/v1.
    expect(() => validationProblems({ ...kafka, apiVersion: 'kafka.strimzi.io/v1beta2' }, operators)).toThrow(/no schema/);
  });

  it('refuses a kind that no schema covers', () => {
    expect(() => validationProblems({ ...topic, kind: 'KafkaTopik' }, operators)).toThrow(/no schema for kafka.strimzi.io\/v1\/KafkaTopik/);
  });
});
