import { parseStreamId } from '#events';

export interface ConsistencyToken {
  readonly streamId: string;
  readonly category: 'order' | 'account';
  readonly id: string;
  readonly revision: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<streamId>@<revision>` as returned by command-api; null when malformed. */
export const parseConsistencyToken = (raw: string): ConsistencyToken | null => {
  const at = raw.lastIndexOf('@');
  if (at <= 0) return null;
  const streamId = raw.slice(0, at);
  const revisionText = raw.slice(at + 1);
  if (!/^\d{1,15}$/.test(revisionText)) return null;
  let parsed: { category: string; id: string };
  try {
    parsed = parseStreamId(streamId);
  } catch {
    return null;
  }
  if ((parsed.category !== 'order' && parsed.category !== 'account') || !UUID.test(parsed.id)) return null;
  return { streamId, category: parsed.category, id: parsed.id, revision: Number(revisionText) };
};
