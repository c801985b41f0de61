import { NotFoundException } from '@nestjs/common';

/** One answer for what is missing and for what the caller may not see, so ids cannot be probed. */
export const notFound = (what: 'Account' | 'Order' | 'Customer', id: string): NotFoundException =>
  new NotFoundException({ error: 'not_found', message: `${what} ${id} is not known (yet)` });
