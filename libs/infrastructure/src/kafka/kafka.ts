import { Kafka, logLevel, type Admin, type ITopicConfig, type RetryOptions } from 'kafkajs';
import { ALL_EVENT_TOPICS, deadLetterTopic } from '#events';
import type { Config } from '../config/config.js';

/** A Kafka client of this process; `role` suffixes the configured client id. */
export const createKafka = (config: Pick<Config, 'kafkaClientId' | 'kafkaBrokers'>, role?: string, retry: RetryOptions = { initialRetryTime: 100, retries: 8 }): Kafka =>
  new Kafka({ clientId: role ? `${config.kafkaClientId}-${role}` : config.kafkaClientId, brokers: [...config.kafkaBrokers], logLevel: logLevel.WARN, retry });

/** Creates the event topics and their dead-letter topics if they do not exist yet. */
export const ensureTopics = async (admin: Admin, partitions = 4): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const wanted: ITopicConfig[] = ALL_EVENT_TOPICS.flatMap((topic) => [
    { topic, numPartitions: partitions, replicationFactor: 1 },
    { topic: deadLetterTopic(topic), numPartitions: 1, replicationFactor: 1 },
  ]).filter((t) => !existing.has(t.topic));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
};
