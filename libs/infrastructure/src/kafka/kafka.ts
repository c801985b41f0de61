import { Kafka, logLevel, type Admin, type ITopicConfig, type RetryOptions } from 'kafkajs';
import { deadLetterTopic, eventTopics } from '#events';
import type { Config } from '../config/config.js';

/** A Kafka client of this process; `role` suffixes the configured client id. */
export const createKafka = (config: Pick<Config, 'kafkaClientId' | 'kafkaBrokers'>, role?: string, retry: RetryOptions = { initialRetryTime: 100, retries: 8 }): Kafka =>
  new Kafka({ clientId: role ? `${config.kafkaClientId}-${role}` : config.kafkaClientId, brokers: [...config.kafkaBrokers], logLevel: logLevel.WARN, retry });

/** How this environment's event topics are named and made. */
export interface TopicLayout {
  readonly prefix: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

export const topicLayout = (config: Pick<Config, 'kafkaTopicPrefix' | 'kafkaPartitions' | 'kafkaReplicationFactor' | 'kafkaMinInsyncReplicas'>): TopicLayout => ({
  prefix: config.kafkaTopicPrefix,
  partitions: config.kafkaPartitions,
  replicationFactor: config.kafkaReplicationFactor,
  minInsyncReplicas: config.kafkaMinInsyncReplicas,
});

/** One local broker: what the defaults of the configuration give. */
export const LOCAL_TOPICS: TopicLayout = { prefix: '', partitions: 4, replicationFactor: 1, minInsyncReplicas: 1 };

/**
 * Creates the environment's event topics and their dead-letter topics if they do not exist yet,
 * replicated as configured, with `min.insync.replicas` so that `acks=all` means what it says.
 */
export const ensureTopics = async (admin: Admin, layout: TopicLayout = LOCAL_TOPICS): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const configEntries = [{ name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) }];
  const { replicationFactor } = layout;
  const wanted: ITopicConfig[] = eventTopics(layout.prefix).flatMap((topic) => [
    { topic, numPartitions: layout.partitions, replicationFactor, configEntries },
    { topic: deadLetterTopic(topic), numPartitions: 1, replicationFactor, configEntries },
  ]).filter((t) => !existing.has(t.topic));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
};
