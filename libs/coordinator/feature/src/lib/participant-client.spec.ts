import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { TwoPhaseWork } from '@dtx/contracts';
import { ParticipantClient } from './participant-client.js';

const work: TwoPhaseWork = {
  orderId: randomUUID(),
  customerId: 'customer-1',
  items: [{ sku: 'sku-1', quantity: 1, unitPrice: 100 }],
  total: 100,
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ParticipantClient with two replicas of a participant', () => {
  const received: string[] = [];
  const answerYes = (name: string) => (request: http.IncomingMessage, response: http.ServerResponse) => {
    received.push(`${name} ${request.url}`);
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ vote: 'YES' }));
  };
  const second = http.createServer(answerYes('second'));
  // Answers the first request; dies with the second in hand: its kept-alive connection is reset, its port refuses.
  const first = http.createServer((request, response) => {
    if (received.length === 0) {
      answerYes('first')(request, response);
      return;
    }
    received.push(`first ${request.url}`);
    first.close();
    request.socket.destroy();
  });
  after(() => {
    first.closeAllConnections();
    second.closeAllConnections();
    second.close();
  });

  it('a prepare whose replica dies after receiving it is sent to the next replica', async () => {
    const [firstUrl, secondUrl] = [await listen(first), await listen(second)];
    const client = new ParticipantClient(
      { order: [secondUrl], inventory: [secondUrl], payment: [firstUrl, secondUrl] },
      { prepareTimeoutMs: 5_000, decisionTimeoutMs: 5_000 },
      { token: () => Promise.resolve('coordinator-token') },
    );
    const [warmUp, transactionId] = [randomUUID(), randomUUID()];
    assert.deepEqual(await client.prepare('payment', warmUp, work), { vote: 'YES' });

    assert.deepEqual(await client.prepare('payment', transactionId, work), { vote: 'YES' });
    assert.deepEqual(received, [
      `first /2pc/transactions/${warmUp}/prepare`,
      `first /2pc/transactions/${transactionId}/prepare`,
      `second /2pc/transactions/${transactionId}/prepare`,
    ]);
  });
});
