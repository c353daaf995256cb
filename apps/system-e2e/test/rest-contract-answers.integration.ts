import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { localIssuer } from '@dtx/auth';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { coordinatorToken } from './support/two-phase.js';

interface Document {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: object }> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

/** The answers Schemathesis found wrong (README, "The REST contract"), each pinned here. */
describe('the REST contract: answers Schemathesis found wrong stay right', () => {
  let system: RunningSystem;
  let admin: string;

  before(async () => {
    system = await startSystem(['order']);
    admin = await (await localIssuer()).issue({ subject: 'ops', scopes: ['admin'] });
  });
  after(async () => system?.shutdown());

  const get = (path: string, token = admin) =>
    fetch(`${system.url('order')}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('GET /orders refuses a NUL in the customer or reason filter with 400, not 500', async () => {
    for (const query of ['customerId=a%00b', 'reason=OUT%00OF_STOCK']) {
      const answer = await get(`/orders?${query}`);
      assert.equal(answer.status, 400, `${query}: ${await answer.clone().text()}`);
      const body = (await answer.json()) as { error: string; details: Array<{ path: string }> };
      assert.equal(body.error, 'BAD_REQUEST');
      assert.equal(body.details[0]?.path, query.split('=')[0]);
    }
  });

  it("a 2PC abort whose reason holds a NUL is 400, not 500, and the order's participant still answers", async () => {
    const transactionId = randomUUID();
    const token = await coordinatorToken();
    const abort = (reason: string) =>
      fetch(`${system.url('order')}/2pc/transactions/${transactionId}/abort`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: transactionId, reason }),
      });
    const refused = await abort('TIME\u0000OUT');
    assert.equal(refused.status, 400);
    const accepted = await abort('TIMEOUT');
    assert.deepEqual([accepted.status, await accepted.json()], [200, { outcome: 'ABORTED' }]);
  });

  it('a method a documented path does not take is 405 with Allow, not 404', async () => {
    const answer = await fetch(`${system.url('order')}/orders`, { method: 'DELETE' });
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'GET, POST, HEAD');
    assert.equal(((await answer.json()) as { error: string }).error, 'METHOD_NOT_ALLOWED');
    const health = await fetch(`${system.url('order')}/health/live`, { method: 'POST' });
    assert.equal(health.status, 405);
    const unknown = await fetch(`${system.url('order')}/nowhere`, { method: 'DELETE' });
    assert.equal(unknown.status, 404, 'a path no route serves stays 404');
  });

  it('the document lists GET /orders parameters, its answers with their schemas, and who may call the 2PC routes', async () => {
    const document = (await (await fetch(`${system.url('order')}/docs/openapi.json`)).json()) as Document &
      Record<string, unknown>;
    const list = document.paths['/orders']?.['get'] as unknown as {
      parameters: Array<{ name: string; schema: { minimum?: number; maximum?: number } }>;
      responses: Record<string, { content: Record<string, { schema: { properties?: object } }> }>;
    };
    assert.deepEqual(list.parameters.map(({ name }) => name).sort(), [
      'cursor',
      'customerId',
      'limit',
      'mode',
      'reason',
      'status',
    ]);
    const limit = list.parameters.find(({ name }) => name === 'limit')?.schema;
    assert.deepEqual([limit?.minimum, limit?.maximum], [1, 200]);
    assert.deepEqual(Object.keys(list.responses).sort(), ['200', '400', '401', '403']);
    assert.ok(list.responses['200']?.content['application/json']?.schema.properties);
    assert.deepEqual(Object.keys(list.responses['401']?.content['application/json']?.schema.properties ?? {}).sort(), [
      'details',
      'error',
      'message',
    ]);
    const prepare = document.paths['/2pc/transactions/{transactionId}/prepare']?.['post'] as unknown as {
      security: object[];
    };
    assert.deepEqual(prepare.security, [{ coordinator: [] }]);
    const place = document.paths['/orders']?.['post'] as unknown as {
      parameters: Array<{ name: string; in: string; required: boolean; schema: { pattern: string } }>;
    };
    assert.deepEqual(
      place.parameters.map(({ name, in: where, required, schema }) => [name, where, required, schema.pattern]),
      [['Idempotency-Key', 'header', true, '^[A-Za-z0-9_.:-]+$']],
    );
  });
});
