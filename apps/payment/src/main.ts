import 'reflect-metadata';
import { loadConfigOrExit } from '@dtx/config';
import { startService } from '@dtx/service-platform';
import { PaymentAppModule } from './app/payment-app.module.js';
import { paymentEnvironment } from './app/payment.config.js';

const config = loadConfigOrExit(paymentEnvironment, 'payment');
await startService({
  serviceName: 'payment',
  description: 'Owns customer accounts and payments: authorise, capture, void, refund.',
  rootModule: PaymentAppModule.register(config),
  config,
});
