import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { customerOf, type Principal } from '@dtx/auth';
import {
  accountSchema,
  customerIdSchema,
  orderIdSchema,
  paymentViewSchema,
  setBalanceRequestSchema,
} from '@dtx/contracts';
import { AccountsService, type AccountView, type PaymentView } from '@dtx/payment-feature';
import { Access, ApiContract, ApiError, CurrentPrincipal, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const setBalanceSchema = setBalanceRequestSchema;
const paymentsQuerySchema = z.strictObject({ orderId: orderIdSchema });
const customerIdPipe = new ZodValidationPipe(customerIdSchema, 'path', 'customerId');

@ApiTags('payments')
@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Put('accounts/:customerId')
  @Access('admin')
  @ApiOperation({ summary: "Set a customer's balance in minor units (admin, seed)" })
  @ApiContract({
    access: 'token',
    params: { customerId: customerIdSchema },
    body: setBalanceSchema,
    answers: { 200: { description: 'the account now', schema: accountSchema } },
    errors: { 409: 'CONFLICT: the balance would not cover what pending authorisations hold' },
  })
  async setBalance(
    @Param('customerId', customerIdPipe) customerId: string,
    @Body(new ZodValidationPipe(setBalanceSchema)) body: z.output<typeof setBalanceSchema>,
  ): Promise<AccountView> {
    const outcome = await this.accounts.setBalance(customerId, body.balance);
    if (outcome.kind === 'below-reserved') {
      throw ApiError.conflict(
        `balance ${body.balance} would not cover the ${outcome.reserved} held by pending authorisations`,
        [{ path: 'balance', message: `must be at least ${outcome.reserved}` }],
      );
    }
    return outcome.account;
  }

  @Get('accounts/:customerId')
  @Access('customer', 'admin')
  @ApiOperation({ summary: 'Balance and the amount held by pending authorisations; a customer reads only their own' })
  @ApiContract({
    access: 'token',
    params: { customerId: customerIdSchema },
    answers: { 200: { description: 'the account', schema: accountSchema } },
    errors: { 404: "NOT_FOUND: no such account, or another customer's" },
  })
  async getAccount(
    @CurrentPrincipal() caller: Principal,
    @Param('customerId', customerIdPipe) customerId: string,
  ): Promise<AccountView> {
    const customer = customerOf(caller);
    const account =
      customer === undefined || customer === customerId ? await this.accounts.findAccount(customerId) : undefined;
    if (!account) {
      throw ApiError.notFound(`No account for customer ${customerId}`);
    }
    return account;
  }

  @Get('payments')
  @Access('customer', 'admin')
  @ApiOperation({ summary: "An order's payments; a customer sees those of their own orders only" })
  @ApiContract({
    access: 'token',
    query: paymentsQuerySchema,
    answers: { 200: { description: "the order's payments, none if unknown", schema: z.array(paymentViewSchema) } },
  })
  payments(
    @CurrentPrincipal() caller: Principal,
    @Query(new ZodValidationPipe(paymentsQuerySchema, 'query')) query: z.output<typeof paymentsQuerySchema>,
  ): Promise<PaymentView[]> {
    return this.accounts.paymentsOfOrder(query.orderId, customerOf(caller));
  }
}
