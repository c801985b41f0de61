import { createHash } from 'node:crypto';

/**
 * A UUID in the version-5 layout (SHA-1 of a name): the same name always gives the same id. Used
 * where a retry must reach the same aggregate or write the same event id as the first attempt.
 */
export const nameBasedUuid = (name: string): string => {
  const hex = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
