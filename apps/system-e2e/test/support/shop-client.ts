import assert from 'node:assert/strict';
import { localIssuer, type TokenRequest } from '@dtx/auth';
import { issuedCredentials, ShopClient, type ShopCredentials, type ShopUrls } from '@dtx/shop-client';
import type { RunningSystem } from '@dtx/testing';
import { sleep } from '@dtx/util';

/** Tokens of the local issuer, the one the services of a test system trust. */
export function testCredentials(): ShopCredentials {
  return issuedCredentials({ issue: async (request: TokenRequest) => (await localIssuer()).issue(request) });
}

/** The REST API of a running system, as a user's client would call it: customers' tokens for their orders, an admin's for the rest. */
export function shopClientOf(system: RunningSystem): ShopClient {
  return new ShopClient(
    {
      order: system.url('order'),
      inventory: system.url('inventory'),
      payment: system.url('payment'),
      orchestrator: system.url('orchestrator'),
      coordinator: system.url('coordinator'),
      admin: adminUrlsOf(system),
    },
    { credentials: testCredentials() },
  );
}

/** Where each service of the system serves fault injection (its admin port). */
export function adminUrlsOf(system: RunningSystem): ShopUrls['admin'] {
  return {
    order: system.adminUrl('order'),
    inventory: system.adminUrl('inventory'),
    payment: system.adminUrl('payment'),
    orchestrator: system.adminUrl('orchestrator'),
    coordinator: system.adminUrl('coordinator'),
  };
}

/** Polls `probe` until `accept` holds for its value; returns that value. */
export async function eventually<Value>(
  probe: () => Promise<Value>,
  accept: (value: Value) => boolean,
  timeoutMs = 30_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) {
      return value;
    }
    assert.ok(Date.now() < deadline, `condition not reached in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await sleep(100);
  }
}
