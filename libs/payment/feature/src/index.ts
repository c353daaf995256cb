export { AccountsService } from './lib/accounts.service.js';
export type { AccountView, PaymentView } from '@dtx/payment-data-access';
export { PaymentFeatureModule } from './lib/payment-feature.module.js';
export { prepareCharge } from './lib/two-phase-payment.js';
