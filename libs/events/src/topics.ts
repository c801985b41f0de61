import { CATEGORIES, parseStreamId, type Category } from './stream-id.js';

/**
 * Topic names: `<prefix>events.<category>`. The prefix names the environment (KAFKA_TOPIC_PREFIX),
 * so that stacks sharing a broker never read each other's events.
 */
export const topicForCategory = (category: string, prefix = ''): string => `${prefix}events.${category}`;
export const topicForStream = (streamId: string, prefix = ''): string => topicForCategory(parseStreamId(streamId).category, prefix);
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
export const eventTopics = (prefix = ''): readonly string[] => CATEGORIES.map((c: Category) => topicForCategory(c, prefix));
