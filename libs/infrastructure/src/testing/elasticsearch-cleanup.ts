import type { Elasticsearch } from '../elasticsearch/elasticsearch.js';

/** Deletes the indices matching `pattern` by name (Elasticsearch 8 refuses wildcard deletes). */
export const deleteIndices = async (es: Elasticsearch, pattern: string): Promise<void> => {
  const found = await es.indices.get({ index: pattern, allow_no_indices: true, ignore_unavailable: true });
  const names = Object.keys(found);
  // One may be gone meanwhile (a rebuild deletes the index it replaced).
  if (names.length) await es.indices.delete({ index: names, ignore_unavailable: true });
};
