export type Category = 'account' | 'order';

export const CATEGORIES: readonly Category[] = ['account', 'order'];

export const accountStreamId = (accountId: string): string => `account-${accountId}`;
export const orderStreamId = (orderId: string): string => `order-${orderId}`;

/** Splits `<category>-<id>` at the first dash. */
export const parseStreamId = (streamId: string): { category: string; id: string } => {
  const dash = streamId.indexOf('-');
  if (dash <= 0) throw new Error(`Stream id "${streamId}" is not of the form <category>-<id>`);
  return { category: streamId.slice(0, dash), id: streamId.slice(dash + 1) };
};
