import { Module } from '@nestjs/common';
import { DepositMoneyHandler } from './deposit-money/deposit-money.handler.js';
import { DepositMoneyRoute } from './deposit-money/deposit-money.route.js';
import { OpenAccountHandler } from './open-account/open-account.handler.js';
import { OpenAccountRoute } from './open-account/open-account.route.js';
import { WithdrawMoneyHandler } from './withdraw-money/withdraw-money.handler.js';
import { WithdrawMoneyRoute } from './withdraw-money/withdraw-money.route.js';

/** The account use cases: open, deposit, withdraw. */
@Module({
  controllers: [OpenAccountRoute, DepositMoneyRoute, WithdrawMoneyRoute],
  providers: [OpenAccountHandler, DepositMoneyHandler, WithdrawMoneyHandler],
})
export class AccountsModule {}
