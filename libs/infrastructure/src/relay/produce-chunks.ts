/**
 * Splits items, in order, into runs whose sizes add up to at most `maxBytes`. An item larger than
 * that on its own makes a run of one: the broker, not this estimate, decides whether it fits.
 */
export const chunkByBytes = <T>(items: readonly T[], bytes: (item: T) => number, maxBytes: number): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemBytes = bytes(item);
    if (current.length > 0 && size + itemBytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
