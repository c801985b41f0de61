/** Amounts are integer counts of minor units (cents) in an ISO-4217 currency; never floats. */
export type MinorUnits = number;
export type CurrencyCode = string;

export const isMinorUnits = (value: unknown): value is MinorUnits =>
  typeof value === 'number' && Number.isSafeInteger(value);

/** Three capital letters, as ISO-4217 writes them. */
export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

export const isCurrencyCode = (value: unknown): value is CurrencyCode =>
  typeof value === 'string' && CURRENCY_CODE_PATTERN.test(value);
