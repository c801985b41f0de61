/** Every setting comes from the environment, with defaults that work on the local stack. */
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};
const bool = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
};

export const config = {
  get databaseUrl(): string {
    return env('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ledger');
  },
  /** Which event store adapter the apps use: `postgres` (default) or `eventstoredb`. */
  get eventStore(): 'postgres' | 'eventstoredb' {
    const value = env('EVENT_STORE', 'postgres');
    if (value !== 'postgres' && value !== 'eventstoredb') throw new Error(`EVENT_STORE must be postgres or eventstoredb, got "${value}"`);
    return value;
  },
  get eventStoreConnectionString(): string {
    return env('EVENTSTORE_CONNECTION_STRING', 'esdb://127.0.0.1:2113?tls=false');
  },
  get kafkaBrokers(): string[] {
    return env('KAFKA_BROKERS', '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  },
  get elasticsearchUrl(): string {
    return env('ELASTICSEARCH_URL', 'http://127.0.0.1:9200');
  },
  /** Alias the order search is read and written through; each build is an index `<alias>-<n>` behind it. */
  get orderSearchAlias(): string {
    return env('ORDER_SEARCH_ALIAS', 'orders');
  },
  /** Longest a search may take in query-api before it answers 503. */
  get searchTimeoutMs(): number {
    return int('SEARCH_TIMEOUT_MS', 3000);
  },
  /** Interface the HTTP apps bind to (0.0.0.0 in containers). */
  get httpHost(): string {
    return env('HTTP_HOST', '127.0.0.1');
  },
  get commandApiPort(): number {
    return int('COMMAND_API_PORT', 3000);
  },
  get queryApiPort(): number {
    return int('QUERY_API_PORT', 3001);
  },
  get projectorPort(): number {
    return int('PROJECTOR_PORT', 3002);
  },
  /** How long command-api keeps the response to an Idempotency-Key (default 24 h). */
  get idempotencyTtlMs(): number {
    return int('IDEMPOTENCY_TTL_MS', 86_400_000);
  },
  /** An order not paid this long after its creation is cancelled by the payment saga. */
  get paymentTimeoutMs(): number {
    return int('PAYMENT_TIMEOUT_MS', 60_000);
  },
  /** Run the store → Kafka relay inside command-api (default) or only via the CLI. */
  get relayEnabled(): boolean {
    return bool('RELAY_ENABLED', true);
  },
  get relayPollIntervalMs(): number {
    return int('RELAY_POLL_INTERVAL_MS', 1000);
  },
  get relayBatchSize(): number {
    return int('RELAY_BATCH_SIZE', 500);
  },
  get consistencyTimeoutMs(): number {
    return int('CONSISTENCY_TIMEOUT_MS', 5000);
  },
  /** Group commit of the PostgreSQL event store: most appends per transaction, most such transactions at once. */
  get groupCommit(): { maxBatch: number; maxInFlight: number } {
    return { maxBatch: Math.max(1, int('GROUP_COMMIT_MAX_BATCH', 128)), maxInFlight: Math.max(1, int('GROUP_COMMIT_MAX_IN_FLIGHT', 2)) };
  },
  get kafkaClientId(): string {
    return env('KAFKA_CLIENT_ID', 'ledger');
  },
  /** Prefix for consumer group ids, so test runs do not share offsets with a developer's stack. */
  get consumerGroupPrefix(): string {
    return env('CONSUMER_GROUP_PREFIX', 'ledger');
  },
  get logLevel(): string {
    return env('LOG_LEVEL', 'info');
  },
};
