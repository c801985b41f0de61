import { isIP } from 'node:net';

/**
 * The configuration of every process, parsed once at start from the environment into a frozen,
 * typed object. A missing or bad value stops the process with one message naming every variable
 * at fault, before anything connects. Code gets it through Nest (CONFIG) or as a parameter; this
 * is the only file that reads the environment.
 */
export const PROJECTION_NAMES = ['order-history', 'account-statement', 'order-search', 'payment-saga'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];
/** Below Kafka's default `message.max.bytes` (1048588), with room for the request's own framing. */
export const DEFAULT_RELAY_MAX_BATCH_BYTES = 900_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The address names Express's `trust proxy` knows, besides addresses and subnets. */
const TRUSTED_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

export interface Config {
  readonly appName: string;
  readonly databaseUrl: string;
  /** Which event store adapter the apps use. */
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly eventStoreConnectionString: string;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  /** Partitions of the event topics when the apps create them. */
  readonly kafkaPartitions: number;
  /** Names the environment in every topic (`<prefix>events.account`), so stacks sharing a broker stay apart. */
  readonly kafkaTopicPrefix: string;
  /** Replication of the topics the apps create, and the replicas an `acks=all` write must reach. */
  readonly kafkaReplicationFactor: number;
  readonly kafkaMinInsyncReplicas: number;
  readonly kafkaSessionTimeoutMs: number;
  readonly kafkaRebalanceTimeoutMs: number;
  /** Prefix for consumer group ids, so test runs do not share offsets with a developer's stack. */
  readonly consumerGroupPrefix: string;
  /** The projections this projector process runs. */
  readonly projections: readonly ProjectionName[];
  readonly elasticsearchUrl: string;
  /** Alias the order search is read and written through; each build is an index `<alias>-<n>` behind it. */
  readonly orderSearchAlias: string;
  /** Longest a search may take in query-api before it answers 503. */
  readonly searchTimeoutMs: number;
  /** Interface the HTTP apps bind to (0.0.0.0 in containers). */
  readonly httpHost: string;
  readonly commandApiPort: number;
  readonly queryApiPort: number;
  readonly projectorPort: number;
  /** Where `ledger status` and the projector's status page read each app's `/metrics`. */
  readonly metricsUrls: Readonly<Record<'command-api' | 'query-api' | 'projector', string>>;
  /** How long command-api keeps the answer to an Idempotency-Key. */
  readonly idempotencyTtlMs: number;
  /** An order not paid this long after its creation is cancelled by the payment saga. */
  readonly paymentTimeoutMs: number;
  /** Run the store → Kafka relay inside command-api, or only through the CLI. */
  readonly relayEnabled: boolean;
  readonly relayPollIntervalMs: number;
  readonly relayBatchSize: number;
  /** Most bytes of records in one produce request; below the broker's `message.max.bytes` (~1 MB by default). */
  readonly relayMaxBatchBytes: number;
  /** command-api is not ready when events have waited this long and the relay has published nothing for as long. */
  readonly relayStallTimeoutMs: number;
  readonly consistencyTimeoutMs: number;
  /** Group commit of the PostgreSQL event store: most appends per transaction, most such transactions at once. */
  readonly groupCommit: { readonly maxBatch: number; readonly maxInFlight: number };
  /**
   * `ledger projections rebuild` runs in a Node process with its V8 old space capped at this many
   * MB (0: Node's own limit, from NODE_OPTIONS or the machine's memory).
   */
  readonly rebuildMaxHeapMb: number;
  /** Folded aggregates each process keeps in memory (least recently used dropped first). */
  readonly aggregateCacheSize: number;
  /** A stream is snapshotted every this many events (0: never). */
  readonly snapshotEvery: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Admission control of the HTTP apps: most requests in flight per process, and per stream. */
  readonly maxInFlightRequests: number;
  readonly maxInFlightPerStream: number;
  /** Most requests waiting at once for a consistency token or for an Idempotency-Key in progress. */
  readonly maxWaiters: number;
  /** PostgreSQL bounds: waiting for a pooled connection, one statement, one lock, a transaction left idle (0: none). */
  readonly pgConnectTimeoutMs: number;
  readonly pgStatementTimeoutMs: number;
  readonly pgLockTimeoutMs: number;
  readonly pgIdleInTransactionTimeoutMs: number;
  /** Longest a graceful stop may take before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Who is calling: bearer tokens from this OpenID Connect issuer, for this audience. */
  readonly oidc: {
    readonly issuer: string;
    /** Where the signing keys are, and where services get tokens; discovered from the issuer when not set. */
    readonly jwksUrl: string | null;
    readonly tokenUrl: string | null;
    readonly audience: string;
    readonly clockToleranceS: number;
    /** The public client the CLI and the API docs get user tokens with (password grant). */
    readonly cliClientId: string;
  };
  /** The payment saga's own identity: client credentials at the issuer. */
  readonly paymentService: { readonly clientId: string; readonly clientSecret: string };
  /** Storage shared by every replica's rate limits. */
  readonly redisUrl: string;
  /** Requests per caller (per address when unauthenticated) in each window; 0 turns a limit off. */
  readonly rateLimits: {
    /** Starts every counter's Redis key (then the app's name), so stacks and test runs sharing a Redis stay apart. */
    readonly keyPrefix: string;
    readonly windowMs: number;
    readonly commands: number;
    readonly reads: number;
    readonly searches: number;
    readonly consistencyWaits: number;
    readonly anonymous: number;
  };
  /** Origins allowed by CORS; empty: CORS is off. */
  readonly corsOrigins: readonly string[];
  /**
   * Express's `trust proxy`: which proxies in front of the HTTP apps may name the client's address
   * in X-Forwarded-For (the address per-address rate limits count). false: none, the socket's peer
   * is the client; a number: that many hops; a list: those addresses, subnets or Express's names.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /** OpenTelemetry traces, exported to Zipkin; off (nothing loaded) without an endpoint. */
  readonly tracing: {
    /** e.g. http://127.0.0.1:9411/api/v2/spans; null: tracing is off. */
    readonly zipkinEndpoint: string | null;
    /** Share of new traces recorded (a trace started elsewhere follows its caller's choice). */
    readonly sampleRatio: number;
  };
  /**
   * Prometheus metrics: `GET /metrics`, the per-request HTTP timing and the runtime's default
   * metrics. Off only to measure what they cost (the bench); the counters the code increments stay.
   */
  readonly metricsEnabled: boolean;
  /** The OpenAPI description and Swagger UI (`/docs`, `/docs-json`), served without a token; off in production. */
  readonly apiDocsEnabled: boolean;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads one variable at a time and collects every problem instead of stopping at the first. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Environment) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  text(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.text(name, fallback);
    if (!URL.canParse(value)) this.problems.push(`${name} must be a URL, got "${value}"`);
    return value;
  }

  optionalUrl(name: string): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    if (!URL.canParse(value)) this.problems.push(`${name} must be a URL, got "${value}"`);
    return value;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = booleanWord(raw);
    if (value !== undefined) return value;
    this.problems.push(`${name} must be true or false, got "${raw.toLowerCase()}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name, fallback);
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  list<T extends string>(name: string, allowed: readonly T[] | null, fallback: readonly T[]): T[] {
    const raw = this.raw(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const unknown = allowed ? items.filter((item) => !(allowed as readonly string[]).includes(item)) : [];
    if (!items.length || unknown.length) {
      this.problems.push(`${name} must be a comma-separated list${allowed ? ` of ${allowed.join(', ')}` : ''}, got "${raw}"`);
      return [...fallback];
    }
    return items as T[];
  }

  trustProxy(name: string): boolean | number | string[] {
    const raw = this.raw(name);
    if (raw === undefined) return false;
    if (/^\d+$/.test(raw)) return this.int(name, 0, 0, 32);
    const value = booleanWord(raw);
    if (value !== undefined) return value;
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = items.filter((item) => !TRUSTED_PROXY_NAMES.includes(item) && !isAddressOrSubnet(item));
    if (!items.length || bad.length) {
      this.problems.push(`${name} must be false, true, a hop count, or a comma-separated list of addresses, subnets, ${TRUSTED_PROXY_NAMES.join(', ')}; got "${raw}"`);
      return false;
    }
    return items;
  }
}

/** `true` for 1, true, yes or on; `false` for 0, false, no or off (any case); else undefined. */
const booleanWord = (raw: string): boolean | undefined => {
  const word = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['0', 'false', 'no', 'off'].includes(word)) return false;
  return undefined;
};

/** `10.0.0.1`, `10.0.0.0/8`, `fd00::/8`: what Express's `trust proxy` takes as an address or subnet. */
const isAddressOrSubnet = (item: string): boolean => {
  const [address = '', bits, ...rest] = item.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

const PORT_MAX = 65_535;

/** Parses and checks the whole configuration; throws one ConfigError that names every problem. */
export const loadConfig = (env: Environment = process.env): Config => {
  const read = new Reader(env);
  const config: Omit<Config, 'metricsUrls'> = {
    appName: read.text('APP_NAME', 'ledger'),
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ledger'),
    eventStore: read.oneOf('EVENT_STORE', ['postgres', 'eventstoredb'], 'postgres'),
    eventStoreConnectionString: read.url('EVENTSTORE_CONNECTION_STRING', 'esdb://127.0.0.1:2113?tls=false'),
    kafkaBrokers: read.list('KAFKA_BROKERS', null, ['127.0.0.1:9092']),
    kafkaClientId: read.text('KAFKA_CLIENT_ID', 'ledger'),
    kafkaPartitions: read.int('KAFKA_PARTITIONS', 4, 1, 10_000),
    kafkaTopicPrefix: read.text('KAFKA_TOPIC_PREFIX', ''),
    kafkaReplicationFactor: read.int('KAFKA_REPLICATION_FACTOR', 1, 1, 32),
    kafkaMinInsyncReplicas: read.int('KAFKA_MIN_INSYNC_REPLICAS', 1, 1, 32),
    kafkaSessionTimeoutMs: read.int('KAFKA_SESSION_TIMEOUT_MS', 10_000, 1),
    kafkaRebalanceTimeoutMs: read.int('KAFKA_REBALANCE_TIMEOUT_MS', 10_000, 1),
    consumerGroupPrefix: read.text('CONSUMER_GROUP_PREFIX', 'ledger'),
    projections: read.list('PROJECTIONS', PROJECTION_NAMES, PROJECTION_NAMES),
    elasticsearchUrl: read.url('ELASTICSEARCH_URL', 'http://127.0.0.1:9200'),
    orderSearchAlias: read.text('ORDER_SEARCH_ALIAS', 'orders'),
    searchTimeoutMs: read.int('SEARCH_TIMEOUT_MS', 3_000, 1),
    httpHost: read.text('HTTP_HOST', '127.0.0.1'),
    commandApiPort: read.int('COMMAND_API_PORT', 3000, 0, PORT_MAX),
    queryApiPort: read.int('QUERY_API_PORT', 3001, 0, PORT_MAX),
    projectorPort: read.int('PROJECTOR_PORT', 3002, 0, PORT_MAX),
    idempotencyTtlMs: read.int('IDEMPOTENCY_TTL_MS', 86_400_000, 1),
    paymentTimeoutMs: read.int('PAYMENT_TIMEOUT_MS', 60_000, 1),
    relayEnabled: read.bool('RELAY_ENABLED', true),
    relayPollIntervalMs: read.int('RELAY_POLL_INTERVAL_MS', 1_000, 1),
    relayBatchSize: read.int('RELAY_BATCH_SIZE', 500, 1),
    relayMaxBatchBytes: read.int('RELAY_MAX_BATCH_BYTES', DEFAULT_RELAY_MAX_BATCH_BYTES, 1_024, 104_857_600),
    relayStallTimeoutMs: read.int('RELAY_STALL_TIMEOUT_MS', 30_000, 1),
    consistencyTimeoutMs: read.int('CONSISTENCY_TIMEOUT_MS', 5_000),
    groupCommit: { maxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 128, 1), maxInFlight: read.int('GROUP_COMMIT_MAX_IN_FLIGHT', 2, 1) },
    rebuildMaxHeapMb: read.int('REBUILD_MAX_HEAP_MB', 256, 0, 65_536),
    aggregateCacheSize: read.int('AGGREGATE_CACHE_SIZE', 10_000, 1),
    snapshotEvery: read.int('SNAPSHOT_EVERY', 500, 0),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    maxInFlightRequests: read.int('MAX_IN_FLIGHT_REQUESTS', 256, 1),
    maxInFlightPerStream: read.int('MAX_IN_FLIGHT_PER_STREAM', 32, 1),
    maxWaiters: read.int('MAX_WAITERS', 1_000, 1),
    pgConnectTimeoutMs: read.int('PG_CONNECT_TIMEOUT_MS', 5_000),
    pgStatementTimeoutMs: read.int('PG_STATEMENT_TIMEOUT_MS', 60_000),
    pgLockTimeoutMs: read.int('PG_LOCK_TIMEOUT_MS', 10_000),
    pgIdleInTransactionTimeoutMs: read.int('PG_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 20_000, 1),
    oidc: {
      issuer: read.url('OIDC_ISSUER', 'http://127.0.0.1:8180/realms/ledger'),
      jwksUrl: read.optionalUrl('OIDC_JWKS_URL'),
      tokenUrl: read.optionalUrl('OIDC_TOKEN_URL'),
      audience: read.text('OIDC_AUDIENCE', 'ledger-api'),
      clockToleranceS: read.int('OIDC_CLOCK_TOLERANCE_S', 5, 0, 300),
      cliClientId: read.text('OIDC_CLI_CLIENT_ID', 'ledger-cli'),
    },
    paymentService: {
      clientId: read.text('PAYMENT_SERVICE_CLIENT_ID', 'payment-service'),
      clientSecret: read.text('PAYMENT_SERVICE_CLIENT_SECRET', 'payment-service-dev-secret'),
    },
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379'),
    rateLimits: {
      keyPrefix: read.text('RATE_LIMIT_KEY_PREFIX', 'ledger:rate-limits:'),
      windowMs: read.int('RATE_LIMIT_WINDOW_MS', 10_000, 100),
      commands: read.int('RATE_LIMIT_COMMANDS', 1_000),
      reads: read.int('RATE_LIMIT_READS', 2_000),
      searches: read.int('RATE_LIMIT_SEARCHES', 200),
      consistencyWaits: read.int('RATE_LIMIT_CONSISTENCY_WAITS', 200),
      anonymous: read.int('RATE_LIMIT_ANONYMOUS', 100),
    },
    corsOrigins: read.list('CORS_ORIGINS', null, []),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    tracing: {
      zipkinEndpoint: read.bool('TRACING_ENABLED', true) ? read.optionalUrl('OTEL_EXPORTER_ZIPKIN_ENDPOINT') : null,
      sampleRatio: read.int('TRACING_SAMPLE_PERCENT', 100, 0, 100) / 100,
    },
    metricsEnabled: read.bool('METRICS_ENABLED', true),
    apiDocsEnabled: read.bool('API_DOCS_ENABLED', true),
  };
  const metricsUrls = {
    'command-api': read.url('COMMAND_API_METRICS_URL', `http://127.0.0.1:${config.commandApiPort}/metrics`),
    'query-api': read.url('QUERY_API_METRICS_URL', `http://127.0.0.1:${config.queryApiPort}/metrics`),
    projector: read.url('PROJECTOR_METRICS_URL', `http://127.0.0.1:${config.projectorPort}/metrics`),
  };
  if (config.kafkaMinInsyncReplicas > config.kafkaReplicationFactor) {
    read.problems.push(`KAFKA_MIN_INSYNC_REPLICAS (${config.kafkaMinInsyncReplicas}) must not exceed KAFKA_REPLICATION_FACTOR (${config.kafkaReplicationFactor})`);
  }
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(config.kafkaTopicPrefix)) read.problems.push(`KAFKA_TOPIC_PREFIX may hold only letters, digits, '.', '_' and '-', got "${config.kafkaTopicPrefix}"`);
  if (read.problems.length) throw new ConfigError(read.problems);
  return Object.freeze({
    ...config,
    metricsUrls: Object.freeze(metricsUrls),
    oidc: Object.freeze(config.oidc),
    paymentService: Object.freeze(config.paymentService),
    rateLimits: Object.freeze(config.rateLimits),
    corsOrigins: Object.freeze([...config.corsOrigins]),
    trustProxy: typeof config.trustProxy === 'object' ? Object.freeze([...config.trustProxy]) : config.trustProxy,
    tracing: Object.freeze(config.tracing),
    groupCommit: Object.freeze(config.groupCommit),
    kafkaBrokers: Object.freeze([...config.kafkaBrokers]),
    projections: Object.freeze([...config.projections]),
  });
};

/** For a process's entry point: the configuration, or one clear message and exit code 1. */
export const loadConfigOrExit = (env: Environment = process.env): Config => {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
};
