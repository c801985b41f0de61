import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStreamId } from '#events';
import { orderDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decided, type CommandContext } from '../../shared/command-context.js';
import type { CancelOrderDto } from './cancel-order.dto.js';

export class CancelOrder {
  constructor(
    readonly orderId: string,
    readonly body: CancelOrderDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(CancelOrder)
export class CancelOrderHandler implements ICommandHandler<CancelOrder, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  execute({ orderId, body: { reason }, context }: CancelOrder): Promise<CommandResult> {
    return this.writes.handle(orderDecider, orderStreamId(orderId), { type: 'CancelOrder', data: { orderId, reason }, metadata: decided(context) }, context);
  }
}
