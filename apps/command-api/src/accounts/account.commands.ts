import type { RequestContext } from '../shared/request-context.js';
import type { MoneyMovementDto, OpenAccountDto } from './account.dto.js';

export class OpenAccountCommand {
  constructor(
    readonly accountId: string,
    readonly body: OpenAccountDto,
    readonly context: RequestContext,
  ) {}
}

export class MoveMoneyCommand {
  constructor(
    readonly direction: 'deposit' | 'withdrawal',
    readonly accountId: string,
    readonly body: MoneyMovementDto,
    readonly context: RequestContext,
  ) {}
}
