import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  isMigratedService,
  SCHEMA_MODULES,
  SERVICE_SCHEMA_MODULES,
  serviceMigrationSources,
} from './schema-modules.js';

describe('serviceMigrationSources', () => {
  it('lists the library folders first, then the service folder, relative to the repository root', () => {
    assert.deepEqual(serviceMigrationSources('payment'), [
      'libs/shared/outbox/migrations',
      'libs/shared/inbox/migrations',
      'libs/shared/participant/migrations',
      'libs/shared/two-phase/migrations',
      'prisma/payment/migrations',
    ]);
    assert.deepEqual(serviceMigrationSources('coordinator'), [
      'libs/shared/outbox/migrations',
      'libs/shared/inbox/migrations',
      'prisma/coordinator/migrations',
    ]);
  });

  it('joins them to a repository root when given one', () => {
    assert.deepEqual(serviceMigrationSources('orchestrator', '/app'), [
      join('/app', 'libs/shared/outbox/migrations'),
      join('/app', 'libs/shared/inbox/migrations'),
      join('/app', 'prisma/orchestrator/migrations'),
    ]);
  });

  it('gives every service the outbox and the inbox, and each library once at most', () => {
    for (const [service, modules] of Object.entries(SERVICE_SCHEMA_MODULES)) {
      const list: readonly string[] = modules;
      assert.ok(list.includes('outbox') && list.includes('inbox'), service);
      assert.equal(new Set(list).size, list.length, service);
      assert.ok(
        list.every((module) => Object.hasOwn(SCHEMA_MODULES, module)),
        service,
      );
    }
  });
});

describe('isMigratedService', () => {
  it('knows the five services and nothing else', () => {
    for (const service of ['order', 'inventory', 'payment', 'orchestrator', 'coordinator']) {
      assert.ok(isMigratedService(service), service);
    }
    for (const name of ['', 'shipping', 'toString', '__proto__']) {
      assert.equal(isMigratedService(name), false, name);
    }
  });
});
