import { createKafka } from '#infra/kafka/kafka';
import { config } from './config.js';

/** Deletes the event topics (and any other with `prefix`), so relays and consumers start from an empty log. */
export const deleteTopics = async (prefixes: readonly string[] = [`${config.kafkaTopicPrefix}events.`]): Promise<number> => {
  const admin = createKafka(config, 'bench-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(p)));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics.length;
  } finally {
    await admin.disconnect();
  }
};
