import { isCurrencyCode } from '#events';
import { ValidationError } from './errors.js';

export const assertPositiveAmount = (amount: number, field = 'amount'): void => {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError('invalid_amount', `${field} must be a positive integer of minor units`);
  }
};

export const assertCurrency = (currency: string): void => {
  if (!isCurrencyCode(currency)) throw new ValidationError('invalid_currency', `currency must be an ISO-4217 code`);
};
