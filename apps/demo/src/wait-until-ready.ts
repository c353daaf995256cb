import type { ShopClient, ShopService } from '@dtx/shop-client';

const SERVICES: readonly ShopService[] = ['order', 'inventory', 'payment', 'orchestrator', 'coordinator'];

/**
 * Waits until every service answers GET /health/ready with 200, bounded: the
 * demo may start before them where the container engine does not wait for
 * health checks (podman-compose with podman 4). Says once what it waits for.
 */
export async function waitUntilReady(api: ShopClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    const answers = await Promise.all(
      SERVICES.map(async (service) => {
        const answer = await api.request(service, 'GET', '/health/ready', { timeoutMs: 2_000 }).catch(() => undefined);
        return { service, ready: answer?.status === 200 };
      }),
    );
    const waiting = answers.filter((answer) => !answer.ready).map((answer) => answer.service);
    if (waiting.length === 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}`);
    }
    if (!said) {
      console.log(`Waiting for ${waiting.join(', ')} to be ready...`);
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
