/** Amounts are integer counts of minor units (cents) in an ISO-4217 currency; never floats. */
export type MinorUnits = number;
export type CurrencyCode = string;

export const isMinorUnits = (value: unknown): value is MinorUnits =>
  typeof value === 'number' && Number.isSafeInteger(value);

export const isCurrencyCode = (value: unknown): value is CurrencyCode =>
  typeof value === 'string' && /^[A-Z]{3}$/.test(value);
