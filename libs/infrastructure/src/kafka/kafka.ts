import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import { ALL_EVENT_TOPICS, deadLetterTopic } from '#events';
import { config } from '../config/config.js';

export const createKafka = (clientId = config.kafkaClientId, brokers = config.kafkaBrokers): Kafka =>
  new Kafka({ clientId, brokers, logLevel: logLevel.WARN, retry: { initialRetryTime: 100, retries: 8 } });

export const topicPartitions = (): number => Number(process.env['KAFKA_PARTITIONS'] ?? 4);

/** Creates the event topics and their dead-letter topics if they do not exist yet. */
export const ensureTopics = async (admin: Admin): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const wanted: ITopicConfig[] = ALL_EVENT_TOPICS.flatMap((topic) => [
    { topic, numPartitions: topicPartitions(), replicationFactor: 1 },
    { topic: deadLetterTopic(topic), numPartitions: 1, replicationFactor: 1 },
  ]).filter((t) => !existing.has(t.topic));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
};
