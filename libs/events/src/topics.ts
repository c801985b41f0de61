import { CATEGORIES, parseStreamId, type Category } from './stream-id.js';

export const topicForCategory = (category: string): string => `events.${category}`;
export const topicForStream = (streamId: string): string => topicForCategory(parseStreamId(streamId).category);
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
export const ALL_EVENT_TOPICS: readonly string[] = CATEGORIES.map((c: Category) => topicForCategory(c));
