import { loadConfig, type Config } from '../config/config.js';

/** The configuration a test runs with: the environment `npm test` set up, and what the test changes. */
export const testConfig = (overrides: Partial<Config> = {}): Config => Object.freeze({ ...loadConfig(), ...overrides });

/** The environment that gives a child process (a CLI, an app) this configuration. */
export const configEnvironment = (config: Config): Record<string, string> => ({
  APP_NAME: config.appName,
  DATABASE_URL: config.databaseUrl,
  EVENT_STORE: config.eventStore,
  EVENTSTORE_CONNECTION_STRING: config.eventStoreConnectionString,
  KAFKA_BROKERS: config.kafkaBrokers.join(','),
  KAFKA_CLIENT_ID: config.kafkaClientId,
  KAFKA_PARTITIONS: String(config.kafkaPartitions),
  KAFKA_TOPIC_PREFIX: config.kafkaTopicPrefix,
  CONSUMER_GROUP_PREFIX: config.consumerGroupPrefix,
  ELASTICSEARCH_URL: config.elasticsearchUrl,
  ORDER_SEARCH_ALIAS: config.orderSearchAlias,
  LOG_LEVEL: config.logLevel,
});
