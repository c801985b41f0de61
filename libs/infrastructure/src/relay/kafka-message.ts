import { deadLetterTopic, encodeEnvelope, topicForStream } from '#events';
import type { Message, TopicMessages } from 'kafkajs';
import type { StoredEvent } from '#eventsourcing';
import type { RawStoredEvent } from '../event-store/postgres/postgres-event-store.js';

/** What the relay needs of an event besides its envelope: its headers', dead letter's and checkpoint's fields. */
export type RelayedEvent = Omit<StoredEvent, 'data' | 'metadata'>;

/** A stored event as the Kafka record the relay sends, with its topic and (estimated) size. */
export interface OutgoingRecord {
  readonly event: RelayedEvent;
  /** The trace context the event was stored with (its metadata's), if any. */
  readonly traceparent: string | undefined;
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes it takes in a produce request: key, value, headers and the record's own framing. */
  readonly bytes: number;
}

// Varints and attributes of a record (v2 format), rounded up; and per header.
const RECORD_FRAMING = 64;
const HEADER_FRAMING = 10;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Key = stream id, value = the envelope, headers repeat what consumers route on. */
const outgoing = (event: RelayedEvent, traceparent: string | undefined, value: string, topicPrefix: string): OutgoingRecord => {
  const headers: Record<string, string> = {
    type: event.type,
    schemaVersion: String(event.schemaVersion),
    eventId: event.eventId,
    streamRevision: String(event.streamRevision),
  };
  if (traceparent) headers['traceparent'] = traceparent;
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + byteLength(k) + byteLength(v) + HEADER_FRAMING, 0);
  const bytes = RECORD_FRAMING + byteLength(event.streamId) + byteLength(value) + headerBytes;
  return { event, traceparent, topic: topicForStream(event.streamId, topicPrefix), key: event.streamId, value, headers, bytes };
};

export const toOutgoingRecord = (event: StoredEvent, topicPrefix = ''): OutgoingRecord => {
  const { logPosition: _position, ...envelope } = event;
  return outgoing(event, envelope.metadata.traceparent, encodeEnvelope(envelope), topicPrefix);
};

/**
 * The same record from an event read with its data and metadata as JSON text: the envelope is
 * written around them, with the fields encodeEnvelope writes, in its order, so consumers decode
 * the same envelope.
 */
export const rawToOutgoingRecord = (event: RawStoredEvent, topicPrefix = ''): OutgoingRecord => {
  const value =
    `{"eventId":${JSON.stringify(event.eventId)},"type":${JSON.stringify(event.type)},"schemaVersion":${event.schemaVersion},` +
    `"streamId":${JSON.stringify(event.streamId)},"streamRevision":${event.streamRevision},"globalPosition":${JSON.stringify(event.globalPosition)},` +
    `"occurredAt":${JSON.stringify(event.occurredAt)},"data":${event.dataJson},"metadata":${event.metadataJson}}`;
  return outgoing(event, event.traceparent, value, topicPrefix);
};

/** Groups records by topic, keeping their order within each topic (and so each stream). */
export const groupByTopic = (records: readonly OutgoingRecord[]): TopicMessages[] => {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, value, headers } of records) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key, value, headers: { ...headers } });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
};

export const toTopicMessages = (events: readonly StoredEvent[], topicPrefix = ''): TopicMessages[] => groupByTopic(events.map((event) => toOutgoingRecord(event, topicPrefix)));
export const rawToTopicMessages = (events: readonly RawStoredEvent[], topicPrefix = ''): TopicMessages[] => groupByTopic(events.map((event) => rawToOutgoingRecord(event, topicPrefix)));

/**
 * What goes to `<topic>.dlq` for an event Kafka refused as too large: the event's headers, why, and
 * where it is in the store; the value names the event without its data (which is what did not fit).
 */
export const tooLargeDeadLetter = (record: OutgoingRecord, error: Error, relay: string): TopicMessages => {
  const { event } = record;
  const value = JSON.stringify({
    eventId: event.eventId, streamId: event.streamId, streamRevision: event.streamRevision, type: event.type,
    schemaVersion: event.schemaVersion, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordBytes: record.bytes,
  });
  const headers = {
    ...record.headers,
    'dlq-error': error.message.slice(0, 2000),
    'dlq-error-type': 'MESSAGE_TOO_LARGE',
    'dlq-original-topic': record.topic,
    'dlq-relay': relay,
    'dlq-record-bytes': String(record.bytes),
    'dlq-at': new Date().toISOString(),
  };
  return { topic: deadLetterTopic(record.topic), messages: [{ key: record.key, value, headers }] };
};
