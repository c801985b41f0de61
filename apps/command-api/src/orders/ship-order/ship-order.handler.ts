import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStreamId } from '#events';
import { orderDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decided, type CommandContext } from '../../shared/command-context.js';

export class ShipOrder {
  constructor(
    readonly orderId: string,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ShipOrder)
export class ShipOrderHandler implements ICommandHandler<ShipOrder, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  execute({ orderId, context }: ShipOrder): Promise<CommandResult> {
    return this.writes.handle(orderDecider, orderStreamId(orderId), { type: 'ShipOrder', data: { orderId }, metadata: decided(context) }, context);
  }
}
