import { localIssuer } from '@dtx/auth';
import { issuedCredentials, ShopClient } from '@dtx/shop-client';

/**
 * The REST client for the services at ORDER_URL, INVENTORY_URL, PAYMENT_URL,
 * ORCHESTRATOR_URL and COORDINATOR_URL (defaulting to the local ports), with
 * tokens of the local issuer: each customer's own, and an admin's for seeding.
 */
export async function shopClientFromEnvironment(): Promise<ShopClient> {
  return new ShopClient(
    {
      order: process.env['ORDER_URL'] ?? 'http://127.0.0.1:3001',
      inventory: process.env['INVENTORY_URL'] ?? 'http://127.0.0.1:3002',
      payment: process.env['PAYMENT_URL'] ?? 'http://127.0.0.1:3003',
      orchestrator: process.env['ORCHESTRATOR_URL'] ?? 'http://127.0.0.1:3004',
      coordinator: process.env['COORDINATOR_URL'] ?? 'http://127.0.0.1:3005',
    },
    { credentials: issuedCredentials(await localIssuer()) },
  );
}
