export { AccountsService, type AccountView, type PaymentView } from './lib/accounts.service.js';
export { PaymentFeatureModule } from './lib/payment-feature.module.js';
export { prepareCharge } from './lib/two-phase-payment.js';
